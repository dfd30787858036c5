// The draft lives on the server: every change is saved there shortly after the applicant stops
// typing, so a reload or another device resumes where they were, at the step they were on.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type ErrorDetail } from '../api';

export const AUTOSAVE_DELAY_MS = 800;
const RETRY_MS = 5000;

export interface Autosave {
  /** Saved, or what is keeping it from being saved. */
  state: 'saved' | 'pending' | 'saving' | 'failed';
  savedAt: Date | null;
  /** Per-field refusals of the last save (422), keyed by element id. */
  refused: ErrorDetail[];
  /** Saves now (before leaving a step, or submitting); resolves once the server has the draft. */
  flush(): Promise<boolean>;
}

/**
 * Saves `payload` (answers keyed by element id, only values that pass the field checks: the
 * server refuses a draft with a bad value as a whole) and the wizard `step` `AUTOSAVE_DELAY_MS`
 * after their last change.
 */
export function useAutosave(applicationId: string, payload: Record<string, unknown>, step: string, savedStep: string): Autosave {
  const key = JSON.stringify([payload, step]);
  // What the server holds when the wizard opens: a step opened by its address is saved too.
  const [savedKey, setSavedKey] = useState(() => JSON.stringify([payload, savedStep]));
  const [saving, setSaving] = useState(false);
  // A refused draft (422) waits for the applicant to change something; a network failure is retried.
  const [failure, setFailure] = useState<{ key: string; permanent: boolean } | null>(null);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [refused, setRefused] = useState<ErrorDetail[]>([]);
  const latest = useRef({ key, payload, step });
  const inFlight = useRef<Promise<boolean> | null>(null);
  const savedRef = useRef(savedKey);

  useEffect(() => {
    latest.current = { key, payload, step };
  }, [key, payload, step]);

  const save = useCallback(async (): Promise<boolean> => {
    // One request at a time, and the last one always carries the newest answers.
    while (inFlight.current) await inFlight.current;
    const { key: k, payload: p, step: s } = latest.current;
    if (k === savedRef.current) return true;
    const run = (async () => {
      setSaving(true);
      try {
        await api('PUT', `/api/applications/${applicationId}/answers`, { answers: p, step: s });
        savedRef.current = k;
        setSavedKey(k);
        setSavedAt(new Date());
        setFailure(null);
        setRefused([]);
        return true;
      } catch (e) {
        const permanent = e instanceof ApiError && e.status >= 400 && e.status < 500;
        setFailure({ key: k, permanent });
        setRefused(e instanceof ApiError && e.status === 422 ? e.details : []);
        return false;
      } finally {
        setSaving(false);
      }
    })();
    inFlight.current = run;
    try {
      return await run;
    } finally {
      inFlight.current = null;
    }
  }, [applicationId]);

  useEffect(() => {
    if (key === savedKey) return;
    const again = failure?.key === key;
    if (again && failure.permanent) return;
    const timer = setTimeout(() => void save(), again ? RETRY_MS : AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [key, savedKey, failure, save]);

  // Leaving the tab (switching app on a phone, closing it): save what is there now.
  useEffect(() => {
    const onHidden = () => {
      if (document.visibilityState === 'hidden') void save();
    };
    const onPageHide = () => void save();
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('pagehide', onPageHide);
    };
  }, [save]);

  const state = saving ? 'saving' : key === savedKey ? 'saved' : failure?.key === key ? 'failed' : 'pending';
  return { state, savedAt, refused, flush: save };
}
