// The same checks the server makes (server/materials/sniff.ts, its MAX_UPLOAD_BYTES), made before
// a file leaves the phone: a wrong file is refused at once instead of after a long upload. The
// types come from shared/uploads.ts, the limit from the server (GET /api/uploads/limits). The
// server checks again; this only saves the applicant the wait.
import { acceptedLabels, formatBytes, OFD_ROOT, typeByMagic } from '../../../shared/uploads.js';

export { ACCEPT } from '../../../shared/uploads.js';

export interface CheckProblem {
  zh: string;
  en: string;
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** The line under the upload button: PDF、JPEG、PNG 或 OFD，不超过 20 MB. */
export function uploadHint(maxBytes: number): CheckProblem {
  const types = acceptedLabels();
  const limit = formatBytes(maxBytes);
  return { zh: `${types.zh}，不超过 ${limit.zh}`, en: `${types.en}, up to ${limit.en}` };
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

function wrongType(): CheckProblem {
  const types = acceptedLabels();
  return { zh: `只能上传 ${types.zh} 文件`, en: `Only ${types.en} files can be uploaded` };
}

export async function checkFile(file: File, maxBytes: number): Promise<CheckProblem | null> {
  if (file.size === 0) return { zh: '文件是空的，请重新选择', en: 'The file is empty; choose another' };
  if (file.size > maxBytes) {
    const limit = formatBytes(maxBytes);
    return { zh: `文件过大（${formatSize(file.size)}），不能超过 ${limit.zh}`, en: `The file is too large (${formatSize(file.size)}); the limit is ${limit.en}` };
  }
  const type = typeByMagic(new Uint8Array(await file.slice(0, 8).arrayBuffer()));
  if (!type) return wrongType();
  // A ZIP is an OFD only if it holds OFD.xml: look for the name in the directory at the end and
  // in the first local headers, as the server does more thoroughly (sniff.ts).
  if (type.mime === 'application/ofd' && !(await mentions(file, OFD_ROOT))) return wrongType();
  return null;
}
