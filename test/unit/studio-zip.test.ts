import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { zip } from '../../client/src/studio/zip.js';

const files = [
  { path: 'bundles/newborn.yaml', text: 'id: newborn\ntitle: 新生儿出生一件事\n' },
  { path: 'items/出生登记.yaml', text: '' },
  { path: '材料/出生医学证明.yaml', text: 'title: 出生医学证明\n' },
  { path: 'dictionary.yaml', text: 'x'.repeat(70_000) },
];

/** What the system's Info-ZIP `unzip` makes of an archive: the names it lists, and each file's text. */
function systemUnzip(bytes: Uint8Array): { names: string[]; read(path: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'studio-zip-'));
  const archive = join(dir, 'export.zip');
  writeFileSync(archive, bytes);
  const out = join(dir, 'out');
  // -Z1: one name per line, as unzip decodes it. LC_ALL=C.UTF-8: the locale a server or CI runs in.
  const env = { ...process.env, LC_ALL: 'C.UTF-8' };
  const names = execFileSync('unzip', ['-Z1', archive], { env }).toString('utf8').split('\n').filter(Boolean);
  execFileSync('unzip', ['-q', archive, '-d', out], { env });
  const texts = new Map(files.map((f) => [f.path, readFileSync(join(out, f.path), 'utf8')]));
  rmSync(dir, { recursive: true, force: true });
  return { names, read: (path) => texts.get(path) ?? '' };
}

describe('studio export (ZIP)', () => {
  it('the system unzip lists and extracts Chinese file names as written', () => {
    const back = systemUnzip(zip(files, new Date(2026, 10, 27, 12, 30, 10)));
    expect(back.names).toEqual(files.map((f) => f.path));
    for (const f of files) expect(back.read(f.path)).toBe(f.text);
  });

  it('flags UTF-8 names and says the archive was made on Unix, not FAT', () => {
    const bytes = zip(files);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = view.getUint32(bytes.length - 22 + 16, true);
    const seen: string[] = [];
    for (const f of files) {
      expect(view.getUint32(at, true)).toBe(0x02014b50);
      expect(bytes[at + 5]).toBe(3); // version made by: host 3 = Unix
      const nonAscii = [...f.path].some((c) => c.charCodeAt(0) > 0x7f);
      expect(Boolean(view.getUint16(at + 8, true) & 0x0800)).toBe(nonAscii); // bit 11: names in UTF-8
      const nameLength = view.getUint16(at + 28, true);
      seen.push(new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)));
      at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    }
    expect(seen).toEqual(files.map((f) => f.path));
  });

  it('keeps contents byte for byte (stored, so the text is searchable in the raw archive)', () => {
    const bytes = zip(files);
    const back = unzipSync(bytes);
    for (const f of files) expect(strFromU8(back[f.path]!)).toBe(f.text);
    expect(Buffer.from(bytes).includes(Buffer.from('title: 新生儿出生一件事'))).toBe(true);
  });

  it('writes an empty archive', () => {
    expect(Object.keys(unzipSync(zip([])))).toEqual([]);
  });
});
