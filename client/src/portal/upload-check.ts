// The same checks the server makes (server/materials/sniff.ts, MAX_UPLOAD_BYTES), made before a
// file leaves the phone: a wrong file is refused at once instead of after a long upload. The
// server checks again; this only saves the applicant the wait.
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const ACCEPT = '.pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png,application/ofd';

export type Kind = 'pdf' | 'jpeg' | 'png' | 'ofd';

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** The type by content: the first bytes, never the name. OFD is a ZIP package. */
export function sniff(bytes: Uint8Array): Kind | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'ofd';
  return null;
}

export interface CheckProblem {
  zh: string;
  en: string;
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

async function mentions(file: File, name: string): Promise<boolean> {
  const window = 64 * 1024 + 22;
  const parts = [file.slice(0, window), file.slice(Math.max(0, file.size - window))];
  for (const part of parts) {
    const text = new TextDecoder('latin1').decode(await part.arrayBuffer());
    if (text.includes(name)) return true;
  }
  return false;
}

export async function checkFile(file: File): Promise<CheckProblem | null> {
  if (file.size === 0) return { zh: '文件是空的，请重新选择', en: 'The file is empty; choose another' };
  if (file.size > MAX_UPLOAD_BYTES) {
    return { zh: `文件过大（${formatSize(file.size)}），不能超过 20 MB`, en: `The file is too large (${formatSize(file.size)}); the limit is 20 MB` };
  }
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const kind = sniff(head);
  if (!kind) return { zh: '只能上传 PDF、JPEG、PNG 或 OFD 文件', en: 'Only PDF, JPEG, PNG or OFD files can be uploaded' };
  // A ZIP is an OFD only if it holds OFD.xml: look for the name in the directory at the end and
  // in the first local headers, as the server does more thoroughly (sniff.ts).
  if (kind === 'ofd' && !(await mentions(file, 'OFD.xml'))) return { zh: '只能上传 PDF、JPEG、PNG 或 OFD 文件', en: 'Only PDF, JPEG, PNG or OFD files can be uploaded' };
  return null;
}
