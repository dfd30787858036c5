/** The one place the client talks HTTP: JSON in and out, the CSRF token on writes, typed errors. */

export interface ErrorDetail {
  path: string;
  message: string;
  messageEn?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageEn: string,
    readonly details: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; messageEn?: string; details?: ErrorDetail[] } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `请求失败（${res.status}）`, e?.messageEn ?? `Request failed (${res.status})`, e?.details ?? []);
  }
  return body as T;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { ...headers };
  if (method !== 'GET' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers: h, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  return parse<T>(res);
}

/** Uploads one file with progress (fetch cannot report upload progress; XHR can). */
export function upload<T>(url: string, file: File, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', '网络错误，请重试', 'Network error, please retry', []));
    xhr.onload = () => {
      parse<T>(new Response(xhr.responseText, { status: xhr.status })).then(resolve, reject);
    };
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** Posts a multipart form as it is (several files at once: the counter's scanned pages). */
export async function postForm<T>(url: string, form: FormData): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: csrfToken ? { 'X-CSRF-Token': csrfToken } : {}, credentials: 'same-origin', body: form });
  return parse<T>(res);
}
