// The studio's export: the scenario files as a ZIP, written by fflate. Entries are stored (a few
// hundred kilobytes of YAML), names carry the UTF-8 flag, and the archive says it was made on
// Unix with regular-file permissions: an archive that claims FAT is read by Info-ZIP `unzip`
// with the DOS code page, which garbles Chinese file names.
import { strToU8, zipSync } from 'fflate';

/** Host system 3 (Unix) in the "version made by" field. */
const UNIX = 3;
/** External attributes: a regular file, rw-r--r--, in the high 16 bits as Unix archivers write them. */
const REGULAR_FILE = (0o100644 << 16) >>> 0;

export function zip(files: readonly { path: string; text: string }[], modified: Date = new Date()): Uint8Array<ArrayBuffer> {
  const entries = Object.fromEntries(files.map((f) => [f.path, strToU8(f.text)]));
  // fflate allocates the archive in a fresh ArrayBuffer; its type declares the wider ArrayBufferLike.
  return zipSync(entries, { level: 0, mtime: modified, os: UNIX, attrs: REGULAR_FILE }) as Uint8Array<ArrayBuffer>;
}
