// Starting an application is a chain (which draft → the draft → its bundle version's form); the
// start page begins the later links while the wizard's code is still loading, so the form is
// usable sooner. Each prefetched detail is used once: after that the wizard asks afresh.
import { api } from '../api';
import type { ApplicationDetail } from './types';

const details = new Map<string, Promise<ApplicationDetail>>();

export function prefetchDraft(id: string, bundleId: string, version: string, region?: string | null): void {
  if (!details.has(id)) {
    const p = api<ApplicationDetail>('GET', `/api/applications/${id}`);
    p.catch(() => details.delete(id));
    details.set(id, p);
  }
  // The engine comes with the wizard's code, not with the first page: imported on demand.
  void import('./model').then((m) => m.loadModel(bundleId, version, region)).catch(() => undefined);
}

export function applicationDetail(id: string): Promise<ApplicationDetail> {
  const p = details.get(id);
  details.delete(id);
  return p ?? api<ApplicationDetail>('GET', `/api/applications/${id}`);
}

/** The wizard's code, fetched while the start page works out which draft to open. */
export function preloadWizard(): void {
  void import('./Apply');
}
