// The portal's check before a file leaves the phone, against the server's types and limit.
import { describe, expect, it } from 'vitest';
import { checkFile, uploadHint } from '../../client/src/portal/upload-check.js';
import { ACCEPT, ACCEPTED_TYPES, DEFAULT_MAX_UPLOAD_BYTES } from '../../shared/uploads.js';
import { sniffType } from '../../server/materials/sniff.js';

const file = (bytes: readonly number[] | Uint8Array, name = 'x.pdf') => new File([new Uint8Array(bytes)], name);

describe('upload check in the portal', () => {
  it('uses the limit it is given, and says it as the server does', async () => {
    const pdf = file([...Buffer.from('%PDF-1.7\n'), ...new Uint8Array(2000)]);
    expect(await checkFile(pdf, 4096)).toBeNull();
    expect(await checkFile(pdf, 1024)).toEqual({ zh: '文件过大（2 KB），不能超过 1 KB', en: 'The file is too large (2 KB); the limit is 1 KB' });
    expect(uploadHint(DEFAULT_MAX_UPLOAD_BYTES)).toEqual({ zh: 'PDF、JPEG、PNG 或 OFD，不超过 20 MB', en: 'PDF, JPEG, PNG or OFD, up to 20 MB' });
  });

  it('judges the type by the same magic bytes as the server', async () => {
    for (const t of ACCEPTED_TYPES.filter((x) => x.mime !== 'application/ofd')) {
      const bytes = Uint8Array.from([...t.magic, 0, 0, 0, 0]);
      expect(await checkFile(file(bytes, 'renamed.exe'), 1024), t.mime).toBeNull();
      expect(sniffType(Buffer.from(bytes))?.mime).toBe(t.mime);
    }
    expect(await checkFile(file([0x4d, 0x5a, 0x90, 0x00], 'a.pdf'), 1024)).toEqual({ zh: '只能上传 PDF、JPEG、PNG 或 OFD 文件', en: 'Only PDF, JPEG, PNG or OFD files can be uploaded' });
    // A ZIP without OFD.xml is not an OFD, in the portal as on the server.
    expect(await checkFile(file([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0], 'a.ofd'), 1024)).not.toBeNull();
    expect(ACCEPT).toBe('.pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png,application/ofd');
  });
});
