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
  audience: 'person' | 'enterprise' | null;
}

const AUDIENCE_LABEL = { person: ['个人办事', 'For individuals'], enterprise: ['企业办事', 'For businesses'], other: ['其他', 'Other'] } as const;

/** 个人 / 企业, as a table cell or a filter says it. */
export function audienceLabel(audience: BundleSummary['audience'] | undefined, t: (zh: string, en: string) => string): string {
  const [zh, en] = AUDIENCE_LABEL[audience ?? 'other'];
  return t(zh, en);
}

/** A bundle picker's options grouped 个人办事 / 企业办事 / 其他, so fifteen and more stay findable (with the select's search). */
export function audienceOptions(bundles: readonly BundleSummary[], lang: 'zh' | 'en', t: (zh: string, en: string) => string): { label: string; title: string; options: { value: string; label: string }[] }[] {
  return (['person', 'enterprise', 'other'] as const)
    .map((g) => ({
      label: audienceLabel(g === 'other' ? null : g, t),
      title: audienceLabel(g === 'other' ? null : g, t),
      options: bundles.filter((b) => (b.audience ?? 'other') === g).map((b) => ({ value: b.id, label: lang === 'en' ? b.titleEn : b.title })),
    }))
    .filter((g) => g.options.length > 0);
}
