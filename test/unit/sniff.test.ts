import { describe, it, expect } from 'vitest';
import { ACCEPTED_TYPES, sniffType, zipHasEntry } from '../../server/materials/sniff.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A minimal but valid ZIP (stored entries, local headers, central directory, end record), so the
 * OFD samples are real archives rather than bytes shaped to pass this one sniffer.
 */
function zip(entries: Record<string, string>, options: { centralDirectory?: boolean; comment?: string } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  if (options.centralDirectory === false) return Buffer.concat(locals);
  const cd = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, cd, end, comment]);
}

const OFD_XML = '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"/>';

const SAMPLES = {
  pdf: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1'),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
  ofd: zip({ 'OFD.xml': OFD_XML, 'Doc_0/Document.xml': '<ofd:Document/>' }),
};

describe('sniffType: accepted types, by content', () => {
  it('lists the four accepted types', () => {
    expect(ACCEPTED_TYPES.map((t) => t.mime)).toEqual(['application/pdf', 'image/jpeg', 'image/png', 'application/ofd']);
  });

  it('recognises a PDF by %PDF-', () => {
    expect(sniffType(SAMPLES.pdf)).toEqual({ mime: 'application/pdf', ext: 'pdf' });
  });

  it('recognises a JPEG by FF D8 FF', () => {
    expect(sniffType(SAMPLES.jpeg)).toEqual({ mime: 'image/jpeg', ext: 'jpg' });
  });

  it('recognises a PNG by its 8-byte signature', () => {
    expect(sniffType(SAMPLES.png)).toEqual({ mime: 'image/png', ext: 'png' });
  });

  it('recognises an OFD: a ZIP with OFD.xml at the root', () => {
    expect(sniffType(SAMPLES.ofd)).toEqual({ mime: 'application/ofd', ext: 'ofd' });
  });

  it('finds OFD.xml wherever it is listed, and past an archive comment', () => {
    const ofd = zip({ 'Doc_0/Document.xml': '<ofd:Document/>', 'Doc_0/Pages/Page_0/Content.xml': '<c/>', 'OFD.xml': OFD_XML }, { comment: '签章文件' });
    expect(sniffType(ofd)?.mime).toBe('application/ofd');
  });

  it('falls back to the local headers when the central directory is missing', () => {
    const truncated = zip({ 'Doc_0/Document.xml': '<d/>', 'OFD.xml': OFD_XML }, { centralDirectory: false });
    expect(sniffType(truncated)?.mime).toBe('application/ofd');
  });

  it('trusts the central directory over a local header it does not list', () => {
    const listed = zip({ 'readme.txt': 'hello' });
    // A local header for OFD.xml smuggled in front of a central directory that lists only readme.txt.
    const prefix = zip({ 'OFD.xml': OFD_XML }, { centralDirectory: false });
    const smuggled = Buffer.concat([prefix, listed]);
    smuggled.writeUInt32LE(listed.readUInt32LE(listed.length - 6) + prefix.length, smuggled.length - 6);
    expect(zipHasEntry(smuggled, 'OFD.xml')).toBe(false);
    expect(sniffType(smuggled)).toBeNull();
  });
});

describe('sniffType: everything else is refused', () => {
  it('refuses a Windows executable, whatever it is called', () => {
    const exe = Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(62), Buffer.from('This program cannot be run in DOS mode', 'latin1')]);
    expect(sniffType(exe)).toBeNull();
  });

  it('refuses an ELF executable', () => {
    expect(sniffType(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]))).toBeNull();
  });

  it('refuses a plain ZIP, and one with OFD.xml only below the root or under a longer name', () => {
    expect(sniffType(zip({ 'readme.txt': 'hello', 'data.csv': 'a,b' }))).toBeNull();
    expect(sniffType(zip({ 'Doc_0/OFD.xml': OFD_XML }))).toBeNull();
    expect(sniffType(zip({ 'OFD.xml.exe': 'MZ' }))).toBeNull();
    expect(sniffType(zip({ 'ofd.XML': OFD_XML }))).toBeNull();
  });

  it('refuses HTML and text', () => {
    expect(sniffType(Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'))).toBeNull();
    expect(sniffType(Buffer.from('<html><body>%PDF-1.7</body></html>'))).toBeNull();
    expect(sniffType(Buffer.from('just text'))).toBeNull();
  });

  it('refuses an empty buffer and truncated signatures', () => {
    expect(sniffType(Buffer.alloc(0))).toBeNull();
    expect(sniffType(Buffer.from('%PDF', 'latin1'))).toBeNull();
    expect(sniffType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffType(SAMPLES.png.subarray(0, 7))).toBeNull();
    expect(sniffType(Buffer.from('PK\x03\x04', 'latin1'))).toBeNull();
  });

  it('requires the signature at the very start', () => {
    expect(sniffType(Buffer.concat([Buffer.from(' '), SAMPLES.pdf]))).toBeNull();
    expect(sniffType(Buffer.concat([Buffer.from('MZ'), SAMPLES.ofd]))).toBeNull();
  });

  it('never throws on malformed ZIP structures', () => {
    // A local header claiming a 65535-byte name in a 40-byte file, and an end record pointing outside the file.
    const lying = Buffer.alloc(40);
    lying.writeUInt32LE(0x04034b50, 0);
    lying.writeUInt16LE(0xffff, 26);
    expect(sniffType(lying)).toBeNull();
    const badEnd = Buffer.concat([zip({ 'OFD.xml': OFD_XML }, { centralDirectory: false }), Buffer.alloc(22)]);
    badEnd.writeUInt32LE(0x06054b50, badEnd.length - 22);
    badEnd.writeUInt16LE(3, badEnd.length - 12);
    badEnd.writeUInt32LE(0x7fffffff, badEnd.length - 6);
    expect(() => sniffType(badEnd)).not.toThrow();

    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let i = 0; i < 500; i++) {
      const body = Buffer.from(Array.from({ length: 4 + (i % 120) }, random));
      body.writeUInt32LE(0x04034b50, 0);
      if (body.length >= 26 && i % 2) body.writeUInt32LE(0x06054b50, body.length - 22);
      expect(() => sniffType(body)).not.toThrow();
    }
  });
});
