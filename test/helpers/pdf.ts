// Reading a PDF back as a person would: its text through poppler's pdftotext, and its first page
// drawn by pdftoppm, to see that something is on it (a PDF whose fonts are broken extracts its
// text but shows blank pages).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

/** The text of a PDF as poppler reads it (Debian poppler-utils). */
export function pdfText(data: Buffer): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: data }).toString('utf8');
}

export interface RenderedPage {
  width: number;
  height: number;
  /** The share of pixels darker than mid-grey. */
  ink: number;
  png: Buffer;
}

/** The first page as an 8-bit grey PNG at `dpi`, decoded to count its ink. */
export function renderFirstPage(data: Buffer, dpi = 50): RenderedPage {
  // pdftoppm names its output after a root: a directory of its own, removed after.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-pdf-'));
  try {
    writeFileSync(path.join(dir, 'in.pdf'), data);
    execFileSync('pdftoppm', ['-png', '-gray', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', path.join(dir, 'in.pdf'), path.join(dir, 'page')]);
    const png = readFileSync(path.join(dir, 'page.png'));
    return { ...decodeGreyPng(png), png };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An 8-bit grey or RGB PNG without interlacing (what pdftoppm writes), decoded enough to count dark pixels. */
function decodeGreyPng(png: Buffer): { width: number; height: number; ink: number } {
  if (png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 1;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const length = png.readUInt32BE(pos);
    const type = png.subarray(pos + 4, pos + 8).toString('latin1');
    const body = png.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      channels = body[9] === 2 ? 3 : 1;
      if (body[8] !== 8 || (body[9] !== 0 && body[9] !== 2) || body[12] !== 0) throw new Error('expected an 8-bit grey or RGB PNG without interlacing');
    } else if (type === 'IDAT') idat.push(body);
    pos += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  let previous = new Uint8Array(stride);
  let dark = 0;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? row[x - channels]! : 0;
      const b = previous[x]!;
      const c = x >= channels ? previous[x - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      row[x] = (line[x]! + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < channels; k++) sum += row[x * channels + k]!;
      if (sum / channels < 128) dark++;
    }
    previous = row;
  }
  return { width, height, ink: dark / (width * height) };
}
