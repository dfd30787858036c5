import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import type { ServerEvaluation } from './types';

/**
 * The server's authoritative evaluation of the draft, fetched after pending answers are saved
 * (flush), so the materials and review steps show what the server will judge at submission.
 */
export function useServerEvaluation(
  applicationId: string,
  flush: () => Promise<unknown>,
): { server: ServerEvaluation | null; setServer: Dispatch<SetStateAction<ServerEvaluation | null>>; error: string | null } {
  const { lang } = useI18n();
  const [server, setServer] = useState<ServerEvaluation | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void flush()
      .then(() => api<ServerEvaluation>('GET', `/api/applications/${applicationId}/evaluation`))
      .then(
        (ev) => live && setServer(ev),
        (e: unknown) => live && setError(e instanceof ApiError ? (lang === 'en' ? e.messageEn : e.message) : String(e)),
      );
    return () => {
      live = false;
    };
  }, [applicationId, flush, lang]);

  return { server, setServer, error };
}
