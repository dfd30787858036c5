import { useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';


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
