// What an applicant may upload, for the server (server/materials/) and the portal's check before
// a file leaves the phone (client/src/portal/upload-check.ts): the types, judged by their first
// bytes (a file name or a Content-Type costs nothing to fake), and the default size limit. The
// limit in force is the server's configuration (MAX_UPLOAD_BYTES), served at GET /api/uploads/limits.

export const ACCEPTED_TYPES = [
  { mime: 'application/pdf', ext: 'pdf', extensions: ['pdf'], label: 'PDF', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { mime: 'image/jpeg', ext: 'jpg', extensions: ['jpg', 'jpeg'], label: 'JPEG', magic: [0xff, 0xd8, 0xff] },
  { mime: 'image/png', ext: 'png', extensions: ['png'], label: 'PNG', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  // GB/T 33190, the Chinese fixed-layout format in which electronic licences (电子证照) are
  // issued: a ZIP package (its local header magic) with OFD.xml at its root.
  { mime: 'application/ofd', ext: 'ofd', extensions: ['ofd'], label: 'OFD', magic: [0x50, 0x4b, 0x03, 0x04] },
] as const;

export type AcceptedType = (typeof ACCEPTED_TYPES)[number];
export type AcceptedMime = AcceptedType['mime'];

/** The entry an OFD package has at its root; a ZIP without it is not an OFD. */
export const OFD_ROOT = 'OFD.xml';

export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** What GET /api/uploads/limits answers. */
export interface UploadLimits {
  maxBytes: number;
}

/** The type whose magic bytes `head` starts with (an OFD candidate still needs OFD_ROOT inside). */
export function typeByMagic(head: Uint8Array): AcceptedType | null {
  return ACCEPTED_TYPES.find((t) => head.length >= t.magic.length && t.magic.every((b, i) => head[i] === b)) ?? null;
}

/** The `accept` attribute of a file input: every extension, then every type. */
export const ACCEPT = [...ACCEPTED_TYPES.flatMap((t) => t.extensions.map((e) => `.${e}`)), ...ACCEPTED_TYPES.map((t) => t.mime)].join(',');

/** The accepted types as a sentence: PDF、JPEG、PNG 或 OFD / PDF, JPEG, PNG or OFD. */
export function acceptedLabels(): { zh: string; en: string } {
  const labels = ACCEPTED_TYPES.map((t) => t.label);
  const last = labels.at(-1) ?? '';
  const rest = labels.slice(0, -1);
  return { zh: rest.length ? `${rest.join('、')} 或 ${last}` : last, en: rest.length ? `${rest.join(', ')} or ${last}` : last };
}

/** A limit as people read it: in MB or KB to one decimal (20 MB, 1.5 KB), in bytes below 1 KB. */
export function formatBytes(bytes: number): { zh: string; en: string } {
  const round = (n: number) => Math.round(n * 10) / 10;
  if (bytes >= 1024 * 1024) return same(`${round(bytes / (1024 * 1024))} MB`);
  if (bytes >= 1024) return same(`${round(bytes / 1024)} KB`);
  return { zh: `${bytes} 字节`, en: `${bytes} bytes` };
}

function same(text: string): { zh: string; en: string } {
  return { zh: text, en: text };
}
