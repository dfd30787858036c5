import { describe, it, expect } from 'vitest';
import { crc32 as nodeCrc32 } from 'node:zlib';
import { crc32, zip } from '../../client/src/studio/zip.js';

/** Reads a stored ZIP back through its central directory, as an unzip tool would. */
function unzip(bytes: Uint8Array): Map<string, string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const out = new Map<string, string>();
  const dec = new TextDecoder();
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const name = dec.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const local = view.getUint32(at + 42, true);
    expect(view.getUint32(local, true)).toBe(0x04034b50);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + size);
    expect(view.getUint32(at + 16, true)).toBe(nodeCrc32(data));
    out.set(name, dec.decode(data));
    at += 46 + nameLength;
  }
  return out;
}

describe('studio export (stored ZIP)', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const text = new TextEncoder().encode('新生儿出生一件事');
    expect(crc32(text)).toBe(nodeCrc32(text));
  });

  it('writes every file under its path, UTF-8 names and contents intact', () => {
    const files = [
      { path: 'bundles/newborn.yaml', text: 'id: newborn\ntitle: 新生儿出生一件事\n' },
      { path: 'items/出生登记.yaml', text: '' },
      { path: 'dictionary.yaml', text: 'x'.repeat(70_000) },
    ];
    const back = unzip(zip(files, new Date(2026, 10, 27, 12, 30, 10)));
    expect([...back.keys()]).toEqual(files.map((f) => f.path));
    for (const f of files) expect(back.get(f.path)).toBe(f.text);
  });

  it('writes an empty archive', () => {
    expect(unzip(zip([])).size).toBe(0);
  });
});
