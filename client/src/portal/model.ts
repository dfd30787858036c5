// The engine's model rebuilt in the browser from the form endpoint (server/bundles/portable.ts),
// so compose() and evaluate() run here on every answer, exactly as on the server.
import { useEffect, useState } from 'react';
import type { Bundle, Catalogue, DataElement, Department, Item, Material, Profile } from '../../../shared/model.js';
import { compose, type ComposedForm } from '../../../shared/compose.js';
import type { Evaluation } from '../../../shared/evaluate.js';
import { api, type ApiError } from '../api';
import type { FormResponse, PortableModel } from './types';

export interface EngineModel {
  bundleId: string;
  version: string;
  bundle: Bundle;
  catalogue: Catalogue;
  profile: Profile | undefined;
  /** What data sharing fetches and fills for this applicant (null when nobody is signed in). */
  sharing: FormResponse['sharing'];
}

export function rebuild(bundleId: string, version: string, m: PortableModel, profile: Profile | null, sharing: FormResponse['sharing'] = null): EngineModel {
  // The server sends plain data without source positions (`at`); the engine never reads them, so
  // the casts below only restore the declared shapes of Maps rebuilt from arrays.
  const bundle = { ...m.bundle, prefill: new Map(m.bundle.prefill) } as unknown as Bundle;
  const items = m.items as Item[];
  const catalogue: Catalogue = {
    elements: new Map((m.elements as unknown as DataElement[]).map((e) => [e.id, e])),
    materials: new Map((m.materials as unknown as Material[]).map((x) => [x.code, x])),
    departments: new Map(m.departments.map((d) => [d.code, { ...d, delivery: { channel: 'inbox' } } as unknown as Department])),
    items: new Map(items.map((i) => [i.id, i])),
    bundles: new Map([[bundle.id, bundle]]),
    broken: new Set(),
    sources: new Map(),
  };
  return { bundleId, version, bundle, catalogue, profile: profile ?? undefined, sharing };
}

const cache = new Map<string, Promise<EngineModel>>();

/** The engine model of one published version in one region (immutable, so kept for the page's life). */
export function loadModel(bundleId: string, version?: string, region?: string | null): Promise<EngineModel> {
  const key = `${bundleId}@${version ?? ''}@${region ?? ''}`;
  let p = cache.get(key);
  if (!p) {
    const params = new URLSearchParams();
    if (version) params.set('version', version);
    if (region) params.set('region', region);
    const q = params.size > 0 ? `?${params.toString()}` : '';
    p = api<FormResponse>('GET', `/api/bundles/${encodeURIComponent(bundleId)}/form${q}`).then((r) => rebuild(r.bundleId, r.version, r.model, r.profile, r.sharing));
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/** Forget cached models: the profile inside (the archive) changes once an application is filed. */
export function forgetModels(): void {
  cache.clear();
}

export function useModel(bundleId: string | undefined, version: string | undefined, region?: string | null): { model: EngineModel | null; error: ApiError | Error | null } {
  const [state, setState] = useState<{ key: string; model: EngineModel | null; error: ApiError | Error | null }>({ key: '', model: null, error: null });
  const key = bundleId ? `${bundleId}@${version ?? ''}@${region ?? ''}` : '';
  useEffect(() => {
    if (!bundleId) return;
    let live = true;
    loadModel(bundleId, version, region).then(
      (model) => live && setState({ key, model, error: null }),
      (error: unknown) => live && setState({ key, model: null, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [bundleId, version, region, key]);
  return state.key === key ? { model: state.model, error: state.error } : { model: null, error: null };
}

const forms = new WeakMap<Catalogue, Map<string, ComposedForm>>();

/**
 * compose() for the live form, once per set of included items and language: the sections only
 * change when a rule brings an item in or takes it out, not on every keystroke.
 */
export function composeLive(model: EngineModel, evaluation: Evaluation, lang: 'zh' | 'en'): ComposedForm {
  let perCatalogue = forms.get(model.catalogue);
  if (!perCatalogue) {
    perCatalogue = new Map();
    forms.set(model.catalogue, perCatalogue);
  }
  // Field rules change the form too: a field shown, hidden, or required; and so does a prefill
  // that holds only in some situations (the father's own name when he applies).
  const key = `${lang}|${evaluation.included.join(',')}|${(evaluation.fields?.hidden ?? []).join(',')}|${(evaluation.fields?.required ?? []).join(',')}|${Object.keys(evaluation.prefilled).join(',')}`;
  let form = perCatalogue.get(key);
  if (!form) {
    form = compose(model.bundle, model.catalogue, { evaluation, lang });
    perCatalogue.set(key, form);
  }
  return form;
}
