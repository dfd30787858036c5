import { ACCEPTED_TYPES, OFD_ROOT, typeByMagic, type AcceptedMime } from '../../shared/uploads.js';

/**
 * The material types the product takes (shared/uploads.ts), judged by their first bytes. A file
 * name or a client's Content-Type costs nothing to fake, so neither is ever consulted.
 */
export { ACCEPTED_TYPES, type AcceptedMime };

export interface SniffedType {
  mime: AcceptedMime;
  ext: string;
}

const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;

function typeOf(mime: AcceptedMime): SniffedType {
  const t = ACCEPTED_TYPES.find((a) => a.mime === mime)!;
  return { mime: t.mime, ext: t.ext };
}

export function sniffType(data: Buffer): SniffedType | null {
  const t = typeByMagic(data);
  if (!t) return null;
  if (t.mime === 'application/ofd' && !zipHasEntry(data, OFD_ROOT)) return null;
  return typeOf(t.mime);
}

/**
 * The central directory is the archive's authoritative list of entries, so it decides when it can
 * be read. Without one (a truncated file, ZIP64) the local headers are walked from the start instead,
 * as far as their recorded sizes allow.
 */
export function zipHasEntry(data: Buffer, name: string): boolean {
  const central = centralDirectoryNames(data);
  if (central) return central.includes(name);
  return localHeaderNames(data).includes(name);
}

/** Entry names from the central directory, or null when there is no readable one. */
function centralDirectoryNames(data: Buffer): string[] | null {
  const end = findEndOfCentralDirectory(data);
  if (end < 0) return null;
  const entries = data.readUInt16LE(end + 10);
  const size = data.readUInt32LE(end + 12);
  const offset = data.readUInt32LE(end + 16);
  // 0xFFFF / 0xFFFFFFFF mean the real values are in a ZIP64 record; an OFD file never needs one.
  if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) return null;
  if (offset + size > end) return null;

  const names: string[] = [];
  let p = offset;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > offset + size || data.readUInt32LE(p) !== ZIP_CENTRAL) return null;
    const nameLength = data.readUInt16LE(p + 28);
    const extraLength = data.readUInt16LE(p + 30);
    const commentLength = data.readUInt16LE(p + 32);
    const nameEnd = p + 46 + nameLength;
    if (nameEnd > offset + size) return null;
    // Entry names are ASCII in OFD; latin1 maps each byte to one character, so no byte sequence can
    // decode to a different ASCII name.
    names.push(data.toString('latin1', p + 46, nameEnd));
    p = nameEnd + extraLength + commentLength;
  }
  return names;
}

/** The end-of-central-directory record sits in the last 22 bytes plus an archive comment of at most 65535. */
function findEndOfCentralDirectory(data: Buffer): number {
  const last = data.length - 22;
  const first = Math.max(0, last - 0xffff);
  for (let p = last; p >= first; p--) {
    if (data.readUInt32LE(p) === ZIP_END && p + 22 + data.readUInt16LE(p + 20) <= data.length) return p;
  }
  return -1;
}

function localHeaderNames(data: Buffer): string[] {
  const names: string[] = [];
  let p = 0;
  while (p + 30 <= data.length && data.readUInt32LE(p) === ZIP_LOCAL) {
    const flags = data.readUInt16LE(p + 6);
    const compressedSize = data.readUInt32LE(p + 18);
    const nameLength = data.readUInt16LE(p + 26);
    const extraLength = data.readUInt16LE(p + 28);
    const nameEnd = p + 30 + nameLength;
    if (nameEnd > data.length) break;
    names.push(data.toString('latin1', p + 30, nameEnd));
    // With a data descriptor (flag bit 3) or ZIP64 the size here is not the real one, so the next
    // header cannot be found from this one.
    if ((flags & 0x08 && compressedSize === 0) || compressedSize === 0xffffffff) break;
    p = nameEnd + extraLength + compressedSize;
  }
  return names;
}
