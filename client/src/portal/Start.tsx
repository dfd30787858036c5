import { useEffect, useState } from 'react';
import { Result, Spin } from 'antd';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import type { ApplicationSummary } from './types';
import { prefetchDraft, preloadWizard } from './prefetch';

const starting = new Map<string, Promise<string>>();

/**
 * The latest draft of this bundle, or a new one. The draft lives on the server, so the same link
 * resumes it after a reload or on another device. Concurrent calls (a double click, React's
 * development double effects) share one request: they must not start two drafts.
 */
function draftFor(bundleId: string, region: string | null): Promise<string> {
  const key = `${bundleId}@${region ?? ''}`;
  let p = starting.get(key);
  if (!p) {
    p = (async () => {
      const mine = await api<ApplicationSummary[]>('GET', '/api/applications');
      const draft =
        mine.find((a) => a.bundleId === bundleId && a.status === 'draft' && (a.region ?? null) === region) ??
        (await api<ApplicationSummary>('POST', '/api/applications', region ? { bundleId, region } : { bundleId }));
      prefetchDraft(draft.id, draft.bundleId, draft.version, draft.region);
      return draft.id;
    })();
    const done = p;
    void done.finally(() => starting.delete(key)).catch(() => undefined);
    starting.set(key, p);
  }
  return p;
}

/** /apply/:bundleId[?region=CODE]: a regional implementation (the home page links each one), the standard without. */
export default function Start() {
  const { bundleId = '' } = useParams();
  const [params] = useSearchParams();
  const region = params.get('region') || null;
  const navigate = useNavigate();
  const { t, lang } = useI18n();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    preloadWizard();
    draftFor(bundleId, region).then(
      (id) => live && navigate(`/applications/${id}/edit`, { replace: true }),
      (e: unknown) => live && setError(e instanceof ApiError ? (lang === 'en' ? e.messageEn : e.message) : String(e)),
    );
    return () => {
      live = false;
    };
  }, [bundleId, region, navigate, lang]);

  if (error) return <Result status="warning" title={error} extra={<Link to="/">{t('返回办事大厅', 'Back to services')}</Link>} />;
  return <Spin style={{ display: 'block', margin: 48 }} aria-label={t('正在打开申请', 'Opening your application')} />;
}
