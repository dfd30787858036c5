// PDFs that render Chinese on a fresh machine: the font travels inside the file. pdf-lib writes
// the PDF, fontkit subsets Noto Sans SC (SIL OFL) to the characters used, so a one-page
// document is a few kilobytes although the font is 10 MB. The font is read once per process.
// Receipts, notices, forms and licences share this one renderer: a title, a table of labelled
// values, headed sections, paragraphs, a QR code and signature lines, on A4.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { wrapText } from '../../shared/text-wrap.js';
import type { QrMatrix } from './qr.js';

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
    if (parsed?.bytes !== buffer) parsed = { bytes: buffer, font: padGlyphs(fontkit.create(buffer)) };
    return parsed.font;
  },
};

/** The parts of @pdf-lib/fontkit's TrueType subset this module corrects (not in its typings). */
interface TtfSubset {
  glyf: Uint8Array[];
  offset: number;
  _addGlyph(gid: number): number;
}

/**
 * @pdf-lib/fontkit 1.1.1 copies each glyph into the subset as it is in the font, but writes the
 * subset's `loca` in the short format whenever it is small, and that format can only point at
 * even offsets: after the first glyph of odd length (Noto Sans SC has many) every following
 * glyph is read from the wrong place and viewers draw nothing, while the text still extracts.
 * Padding each glyph to an even length (as the TrueType spec expects) keeps every offset exact.
 * The subset class is shared, so this is done once.
 */
let padded = false;
function padGlyphs(font: ParsedFont): ParsedFont {
  if (padded) return font;
  const proto = Object.getPrototypeOf(font.createSubset()) as TtfSubset;
  if (typeof proto._addGlyph !== 'function') return font;
  const addGlyph = proto._addGlyph;
  proto._addGlyph = function (this: TtfSubset, gid: number): number {
    const index = addGlyph.call(this, gid);
    const data = this.glyf[index]!;
    if (data.length % 2 === 1) {
      // The same buffer class fontkit uses (its own Buffer shim), one zero byte longer.
      const Buf = data.constructor as new (length: number) => Uint8Array;
      const even = new Buf(data.length + 1);
      even.set(data);
      this.glyf[index] = even;
      this.offset += 1;
    }
    return index;
  };
  padded = true;
  return font;
}

/** The font's bytes, read on first use and kept (a failed read is tried again next time). */
function font(): Promise<Buffer> {
  fontBytes ??= readFile(require.resolve(FONT_FILE)).catch((err: unknown) => {
    fontBytes = undefined;
    throw err;
  });
  return fontBytes;
}

export type Row = readonly [label: string, value: string];

export interface DocumentSection {
  heading: string;
  rows: readonly Row[];
  /** Printed under the heading when there are no rows (为空时的说明). */
  empty?: string;
}

export interface DocumentSpec {
  /** Printed large at the top, and the PDF's title. */
  title: string;
  subtitle?: string;
  /** Text before the table (a notice's salutation and opening), one paragraph each. */
  intro?: readonly string[];
  /** Labelled values, one row each. */
  rows: readonly Row[];
  /** Headed tables after the first one (each item, each department's request…). */
  sections?: readonly DocumentSection[];
  /** Text after the table, one paragraph each. */
  paragraphs?: readonly string[];
  /** A QR code with a few lines of text beside it. */
  qr?: { matrix: QrMatrix; caption: readonly string[] };
  /** Lines to sign on, one each (申请人（签字）, 窗口受理人员（签字）), with a date. */
  signatures?: readonly string[];
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

/** Breaks text into lines no wider than `width` (shared/text-wrap.ts: Chinese line-breaking rules). */
function wrap(text: string, f: PDFFont, size: number, width: number): string[] {
  return wrapText(text, (t) => f.widthOfTextAtSize(t, size), width);
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
  const lead = size * 1.7;
  const paragraph = (text: string) => {
    for (const l of wrap(text, f, size, width)) line(l, size);
    y -= 6;
  };
  if (spec.intro?.length) {
    for (const p of spec.intro) paragraph(p);
    y -= 4;
  }

  const labelWidth = 150;
  const table = (rows: readonly Row[]) => {
    for (const [label, value] of rows) {
      const labels = wrap(label, f, size, labelWidth - 12);
      const lines = wrap(value, f, size, width - labelWidth);
      const height = Math.max(labels.length, lines.length);
      // A row stays on one page when it can; a value longer than that runs on to the next.
      need(Math.min(height, 12) * lead + 4);
      for (let i = 0; i < height; i++) {
        need(lead);
        y -= lead;
        if (labels[i]) page.drawText(labels[i]!, { x: MARGIN, y, size, font: f, color: MUTED });
        if (lines[i]) page.drawText(lines[i]!, { x: MARGIN + labelWidth, y, size, font: f, color: INK });
      }
      y -= 4;
    }
  };
  table(spec.rows);
  for (const section of spec.sections ?? []) {
    // A heading is not left alone at the foot of a page.
    need(14 * 1.6 + 10 + lead * Math.min(1, section.rows.length));
    y -= 10;
    line(section.heading, 13);
    y -= 4;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: pageWidth - MARGIN, y }, thickness: 0.5, color: RULE });
    if (section.rows.length) table(section.rows);
    else if (section.empty) for (const l of wrap(section.empty, f, size, width)) line(l, size, MARGIN, MUTED);
  }
  if (spec.paragraphs?.length) {
    y -= 10;
    for (const p of spec.paragraphs) paragraph(p);
  }
  if (spec.qr) {
    const modules = spec.qr.matrix.length;
    // Four modules of quiet zone on every side, as scanners expect.
    const side = 112;
    const cell = side / (modules + 8);
    need(side + 16);
    y -= 8;
    const top = y;
    const left = pageWidth - MARGIN - side;
    spec.qr.matrix.forEach((row, r) =>
      row.forEach((dark, c) => {
        if (dark) page.drawRectangle({ x: left + (c + 4) * cell, y: top - (r + 5) * cell, width: cell, height: cell, color: INK });
      }),
    );
    let captionY = top - 4;
    for (const text of spec.qr.caption) {
      for (const l of wrap(text, f, 10, width - side - 16)) {
        captionY -= 10 * 1.7;
        page.drawText(l, { x: MARGIN, y: captionY, size: 10, font: f, color: INK });
      }
    }
    y = Math.min(top - side, captionY) - 8;
  }
  if (spec.signatures?.length) {
    y -= 16;
    for (const who of spec.signatures) {
      need(size * 4);
      y -= size * 3;
      const label = `${who}：`;
      page.drawText(label, { x: MARGIN, y, size, font: f, color: INK });
      const start = MARGIN + f.widthOfTextAtSize(label, size) + 4;
      page.drawLine({ start: { x: start, y: y - 3 }, end: { x: start + 150, y: y - 3 }, thickness: 0.6, color: INK });
      const date = '日期：        年      月      日';
      page.drawText(date, { x: pageWidth - MARGIN - f.widthOfTextAtSize(date, size), y, size, font: f, color: INK });
    }
  }
  if (spec.footer) {
    y -= 16;
    for (const l of wrap(spec.footer, f, 9, width)) line(l, 9, MARGIN, MUTED);
  }
  return doc.save();
}
