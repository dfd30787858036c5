import { useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';

/** Today's date in China Standard Time (UTC+8), as the server counts days. */
export function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** An instant as China time, `YYYY-MM-DD HH:mm`. */
export function chinaTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** GETs a JSON resource whenever `url` changes; the last answer wins. */
export function useFetch<T>(url: string | null): { data: T | null; error: string | null; loading: boolean } {
  const { t } = useI18n();
  const [state, setState] = useState<{ url: string | null; data: T | null; error: string | null }>({ url: null, data: null, error: null });
  useEffect(() => {
    if (!url) return;
    let live = true;
    api<T>('GET', url).then(
      (data) => live && setState({ url, data, error: null }),
      (e: unknown) => live && setState({ url, data: null, error: e instanceof ApiError ? t(e.message, e.messageEn) : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [url, t]);
  return { data: state.url === url ? state.data : null, error: state.url === url ? state.error : null, loading: url !== null && state.url !== url };
}

export interface BundleSummary {
  id: string;
  title: string;
  titleEn: string;
}
