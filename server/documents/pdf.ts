// PDFs that render Chinese on a fresh machine: the font travels inside the file. pdf-lib writes
// the PDF, fontkit subsets Noto Sans SC (SIL OFL) to the characters used, so a one-page
// document is a few kilobytes although the font is 10 MB. The font is read once per process.
// Receipts, notices and licences share this one renderer: a title, a table of labelled values
// and paragraphs, on A4.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';

const require = createRequire(import.meta.url);
const FONT_FILE = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';

let fontBytes: Promise<Buffer> | undefined;

/**
 * fontkit, parsing the 10 MB font once per process rather than once per document (pdf-lib asks
 * for it on every embedFont; the parsed font is only read, and each document makes its own subset).
 */
type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type ParsedFont = ReturnType<Fontkit['create']>;
let parsed: { bytes: Uint8Array; font: ParsedFont } | undefined;
const cachingFontkit: Fontkit = {
  create(buffer: Uint8Array, postscriptName?: string): ParsedFont {
    if (postscriptName !== undefined) return fontkit.create(buffer, postscriptName);
    if (parsed?.bytes !== buffer) parsed = { bytes: buffer, font: fontkit.create(buffer) };
    return parsed.font;
  },
};

/** The font's bytes, read on first use and kept (a failed read is tried again next time). */
function font(): Promise<Buffer> {
  fontBytes ??= readFile(require.resolve(FONT_FILE)).catch((err: unknown) => {
    fontBytes = undefined;
    throw err;
  });
  return fontBytes;
}

export interface DocumentSpec {
  /** Printed large at the top, and the PDF's title. */
  title: string;
  subtitle?: string;
  /** Labelled values, one row each. */
  rows: readonly (readonly [label: string, value: string])[];
  /** Text after the table, one paragraph each. */
  paragraphs?: readonly string[];
  /** Small print at the bottom of the last page. */
  footer?: string;
  /** Dated as of this instant (the PDF's creation date): the same document renders the same. */
  createdAt?: Date;
  author?: string;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const INK = rgb(0.1, 0.1, 0.1);
const MUTED = rgb(0.4, 0.4, 0.4);
const RULE = rgb(0.75, 0.75, 0.75);

/** Breaks text into lines no wider than `width`, character by character (Chinese has no spaces). */
function wrap(text: string, f: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const ch of Array.from(paragraph)) {
      if (line && f.widthOfTextAtSize(line + ch, size) > width) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
    lines.push(line);
  }
  return lines;
}

/** A PDF of one document; Chinese text is extractable (pdftotext reads it back). */
export async function renderDocument(spec: DocumentSpec): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(cachingFontkit);
  const f = await doc.embedFont(await font(), { subset: true });
  const created = spec.createdAt ?? new Date();
  doc.setTitle(spec.title);
  doc.setCreationDate(created);
  doc.setModificationDate(created);
  doc.setProducer('一件事一次办');
  doc.setCreator('一件事一次办');
  if (spec.author) doc.setAuthor(spec.author);

  const [pageWidth, pageHeight] = A4;
  const width = pageWidth - 2 * MARGIN;
  let page: PDFPage = doc.addPage(A4);
  let y = pageHeight - MARGIN;
  const need = (h: number) => {
    if (y - h < MARGIN) {
      page = doc.addPage(A4);
      y = pageHeight - MARGIN;
    }
  };
  const line = (text: string, size: number, x = MARGIN, color = INK) => {
    need(size * 1.6);
    y -= size * 1.6;
    page.drawText(text, { x, y, size, font: f, color });
  };

  const titleSize = 20;
  const titleWidth = f.widthOfTextAtSize(spec.title, titleSize);
  line(spec.title, titleSize, MARGIN + Math.max(0, (width - titleWidth) / 2));
  if (spec.subtitle) {
    const w = f.widthOfTextAtSize(spec.subtitle, 11);
    line(spec.subtitle, 11, MARGIN + Math.max(0, (width - w) / 2), MUTED);
  }
  y -= 12;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: pageWidth - MARGIN, y }, thickness: 0.8, color: RULE });
  y -= 6;

  const size = 11;
  const labelWidth = 130;
  for (const [label, value] of spec.rows) {
    const lines = wrap(value, f, size, width - labelWidth);
    need(lines.length * size * 1.7 + 4);
    y -= size * 1.7;
    page.drawText(label, { x: MARGIN, y, size, font: f, color: MUTED });
    lines.forEach((l, i) => page.drawText(l, { x: MARGIN + labelWidth, y: y - i * size * 1.7, size, font: f, color: INK }));
    y -= (lines.length - 1) * size * 1.7 + 4;
  }
  if (spec.paragraphs?.length) {
    y -= 10;
    for (const p of spec.paragraphs) {
      for (const l of wrap(p, f, size, width)) line(l, size);
      y -= 6;
    }
  }
  if (spec.footer) {
    y -= 16;
    for (const l of wrap(spec.footer, f, 9, width)) line(l, 9, MARGIN, MUTED);
  }
  return doc.save();
}
