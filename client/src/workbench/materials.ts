import { ApiError } from '../api';

/** Fetches a material with the reason for the audit log; the server names the file. */
export async function fetchMaterial(url: string, reason: string): Promise<{ blob: Blob; fileName: string }> {
  const res = await fetch(`${url}?reason=${encodeURIComponent(reason)}`, { credentials: 'same-origin' });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; messageEn?: string } } | null;
    throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `下载失败（${res.status}）`, body?.error?.messageEn ?? `Download failed (${res.status})`, []);
  }
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const fileName = m ? decodeURIComponent(m[1]!) : url.split('/').pop()!;
  return { blob: await res.blob(), fileName };
}
