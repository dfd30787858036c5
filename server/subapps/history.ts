import type { Queryable } from '../db/types.js';

export interface HistoryEntry {
  at: Date;
  status: string;
  actor: string;
  note: unknown;
}

export async function historyOf(db: Queryable, ids: readonly string[]): Promise<Map<string, HistoryEntry[]>> {
  const out = new Map<string, HistoryEntry[]>();
  if (!ids.length) return out;
  const { rows } = await db.query<HistoryEntry & { sub_application_id: string }>(
    'SELECT sub_application_id, at, status, actor, note FROM sub_application_events WHERE sub_application_id = ANY($1::uuid[]) ORDER BY id',
    [ids],
  );
  for (const r of rows) {
    const list = out.get(r.sub_application_id) ?? [];
    list.push({ at: r.at, status: r.status, actor: r.actor, note: r.note });
    out.set(r.sub_application_id, list);
  }
  return out;
}
