import type { Queryable } from '../db/types.js';
import type { SubPayload, SupplementRequest } from '../applications/service.js';
import { notify, noticeOfFilingSql, type FilingNotice } from '../notices/events.js';
import { changesApplicationStatus, deriveApplicationStatus, INITIAL_STATUSES, TRANSITIONS, type SubStatus, type Transition } from '../../shared/lifecycle.js';
import { numberSql } from '../applications/number.js';
import { notifyRelease, RELEASE_NOTIFY_SQL } from '../dispatch/signal.js';

/**
 * The one place a status is written. A sub-application's status changes only through
 * `transition`, which checks the move against `shared/lifecycle.ts`, writes the row with the
 * columns that go with the move, records the history event and derives the application's
 * status, all on the caller's transaction; an application's status is set only by `file`
 * (submitted) and derived from its items afterwards. test/unit/status-writes.test.ts fails when
 * any other file under server/ writes one.
 */

/** The columns each transition writes besides the status, given by the caller. */
interface TransitionColumns {
  accept: object;
  reject: { reason: string };
  'request-supplement': { supplement: SupplementRequest };
  complete: { outputs: Record<string, unknown> };
  release: { payload: SubPayload };
  deliver: object;
  acknowledge: object;
  park: { lastError: string };
  retry: object;
  resubmit: { payload: SubPayload };
  cancel: { reason: string };
  ask: { supplement: SupplementRequest };
}

export type Change<T extends Transition = Transition> = {
  transition: T;
  id: string;
  applicationId: string;
  /** Who made the change, as the history shows it: `citizen:…`, `department:…`, `dispatch`, `admin:…`. */
  actor: string;
  /** The history event's note (null for none). */
  note: unknown;
  /**
   * The delivery attempt the caller holds: a worker whose lease ran out finds the row moved on
   * (another round or attempt) and changes nothing.
   */
  attempt?: { round: number; attempts: number };
} & TransitionColumns[T];

type Assignments = { [T in Transition]: (c: Change<T>) => [sql: string, params: unknown[]] };

// `?` is the next parameter's placeholder, numbered when the statement is built.
const ASSIGNMENTS: Assignments = {
  accept: () => ['accepted_at = now()', []],
  reject: (c) => ['reason = ?', [c.reason]],
  'request-supplement': (c) => ['supplement = ?', [JSON.stringify(c.supplement)]],
  complete: (c) => ['outputs = ?, completed_at = now()', [JSON.stringify(c.outputs)]],
  release: (c) => ['payload = ?, next_attempt_at = now()', [JSON.stringify(c.payload)]],
  deliver: () => ['delivered_at = now(), next_attempt_at = NULL, last_error = NULL', []],
  acknowledge: () => ['delivered_at = now(), next_attempt_at = NULL, last_error = NULL', []],
  park: (c) => ['next_attempt_at = NULL, last_error = ?', [c.lastError]],
  // The same round keeps its idempotency key: the department may have processed an attempt we
  // never heard back from. A fresh budget of attempts; the count goes on, so numbers never repeat.
  retry: () => ['retry_base = attempts, first_attempt_at = NULL, next_attempt_at = now()', []],
  resubmit: (c) => [
    'payload = ?, supplement = NULL, round = round + 1, attempts = 0, retry_base = 0, first_attempt_at = NULL, next_attempt_at = now(), last_error = NULL',
    [JSON.stringify(c.payload)],
  ],
  cancel: (c) => ['reason = ?', [c.reason]],
  // Never delivered: the item goes out when the applicant answers (resubmit), in a new round.
  ask: (c) => ['supplement = ?, next_attempt_at = NULL', [JSON.stringify(c.supplement)]],
};

function noteParam(note: unknown): string | null {
  return note === null || note === undefined ? null : JSON.stringify(note);
}

/**
 * Moves one sub-application along the lifecycle, on `tx`. Returns false, changing nothing,
 * when the row is not in a status the transition starts from (or no longer in the attempt the
 * caller holds). The row update and its history event are one statement; the application's
 * status is derived again only when the move can change it (never on the worker's hot path).
 */
export async function transition<T extends Transition>(tx: Queryable, change: Change<T>): Promise<boolean> {
  const { from, to } = TRANSITIONS[change.transition];
  const [assign, extra] = (ASSIGNMENTS[change.transition] as (c: Change<T>) => [string, unknown[]])(change);
  const params: unknown[] = [change.id, to, [...from], change.actor, noteParam(change.note)];
  const numbered = assign.replace(/\?/g, () => `$${params.push(extra[params.length - 5])}`);
  let guard = '';
  if (change.attempt) {
    params.push(change.attempt.round, change.attempt.attempts);
    guard = ` AND round = $${params.length - 1} AND attempts = $${params.length}`;
  }
  const { rowCount } = await tx.query(
    `WITH changed AS (
       UPDATE sub_applications SET status = $2::text, updated_at = now()${numbered ? `, ${numbered}` : ''}
        WHERE id = $1 AND status = ANY($3::text[])${guard}
        RETURNING id)
     INSERT INTO sub_application_events (sub_application_id, status, actor, note)
     SELECT id, $2::text, $4::text, $5::jsonb FROM changed`,
    params,
  );
  if (!rowCount) return false;
  // Workers in every process hear of a row to deliver when this commits.
  if (to === 'queued') await notifyRelease(tx);
  // Notices (server/notices/): written on this transaction, so one exists exactly when the move committed.
  const c = change as Change & { reason?: string; supplement?: SupplementRequest & { dueBy?: string | null } };
  await notify(tx, { kind: 'moved', transition: change.transition, applicationId: change.applicationId, subApplicationId: change.id, reason: c.reason ?? null, ...(c.supplement ? { supplement: c.supplement } : {}) });
  if (changesApplicationStatus(change.transition)) await deriveStatus(tx, change.applicationId);
  return true;
}

/**
 * `deliver` for a batch the worker delivered, in one statement (the rows and their history
 * events): what `transition` does for each, without its per-row round trips. A delivery never
 * changes the application's status, queues nothing and tells the applicant nothing (no notice
 * event), so there is nothing else to write. A row no longer in the attempt the worker held (its
 * lease ran out and another worker took it) stays as it is.
 */
export async function deliverMany(tx: Queryable, actor: string, rows: readonly { id: string; attempt: { round: number; attempts: number }; note: unknown }[]): Promise<void> {
  if (!rows.length) return;
  const { from, to } = TRANSITIONS.deliver;
  if (changesApplicationStatus('deliver') || to === 'queued') throw new Error('deliverMany: deliver would need the per-row path');
  const params: unknown[] = [to, [...from], actor];
  const values = rows.map((r) => {
    const p = params.push(r.id, r.attempt.round, r.attempt.attempts, noteParam(r.note));
    return `($${p - 3}::uuid, $${p - 2}::int, $${p - 1}::int, $${p}::jsonb)`;
  });
  const [assign] = ASSIGNMENTS.deliver({ transition: 'deliver', id: '', applicationId: '', actor, note: null });
  await tx.query(
    `WITH v (id, round, attempts, note) AS (VALUES ${values.join(', ')}),
     changed AS (
       UPDATE sub_applications s SET status = $1::text, updated_at = now(), ${assign}
         FROM v
        WHERE s.id = v.id AND s.status = ANY($2::text[]) AND s.round = v.round AND s.attempts = v.attempts
        RETURNING s.id, v.note)
     INSERT INTO sub_application_events (sub_application_id, status, actor, note)
     SELECT id, $1::text, $3::text, note FROM changed`,
    params,
  );
}

/**
 * Not a change of status: a queued row whose attempt failed stays queued, due again at `due`
 * (never earlier than now), guarded like the worker's other writes by its round and attempt.
 */
export async function reschedule(tx: Queryable, row: { id: string; round: number; attempt: number; due: Date; lastError: string }): Promise<void> {
  await tx.query(
    `UPDATE sub_applications SET next_attempt_at = GREATEST($4::timestamptz, now()), last_error = $5, updated_at = now()
      WHERE id = $1 AND status = 'queued' AND round = $2 AND attempts = $3`,
    [row.id, row.round, row.attempt, row.due, row.lastError],
  );
}

/** One sub-application as it is filed. */
export interface FiledItem {
  id: string;
  itemId: string;
  department: string;
  position: number;
  status: SubStatus;
  channel: string;
  after: readonly string[];
  payload: unknown;
  timeLimitDays: number;
  /** The bundle's promised completion for an item inside the promise (ISO 8601), else null. */
  promisedBy: string | null;
}

/**
 * Files an application: its sub-applications in their first status (waiting for earlier items,
 * or queued and due at once), each with its first history event, the application submitted,
 * with the columns the caller gives and its 办件编号, and the filing notice. `also` adds the
 * caller's own parts to the same statement (the application's id is `$1`; `at` numbers each
 * value). Returns the number and the filing time.
 *
 * `fresh`, for a caller that judged the draft without holding its lock: an SQL condition on the
 * application's row (its columns unqualified), true while nothing the judgement rests on has
 * changed. When it is false the statement raises (migration 024), so that none of its parts is
 * written, and file returns null: the caller looks again under the lock. A key the applicant
 * used for another application is null too, for the same second look to say so.
 */
export async function file(
  /** The caller's transaction; for a `fresh` filing, the database itself (one statement, its own commit). */
  tx: Queryable,
  application: {
    id: string;
    actor: string;
    set: { evaluation: unknown; savings: unknown; submitKey: string | null; promisedBy: string | null; regionCode: string };
    notice: FilingNotice;
    fresh?: (at: (value: unknown) => string) => string;
  },
  items: readonly FiledItem[],
  also: (at: (value: unknown) => string) => string[] = () => [],
): Promise<{ number: string; submitted_at: Date } | null> {
  // ONE statement for the whole filing: the sub-applications (a multi-row INSERT whose RETURNING
  // feeds their first history events), the application's UPDATE with its number, the caller's
  // parts, the filing notice and the wake-up of the workers. One round trip per row, then one per
  // part, was most of a submission's database time (test/bench/dispatch.ts counts them).
  const { set } = application;
  const params: unknown[] = [application.id, application.actor, JSON.stringify(set.evaluation), JSON.stringify(set.savings), set.submitKey, set.promisedBy, set.regionCode];
  const at = (value: unknown): string => `$${params.push(value)}`;
  const fresh = application.fresh?.(at);
  const parts = also(at);
  const values: string[] = [];
  for (const item of items) {
    if (!INITIAL_STATUSES.includes(item.status)) throw new Error(`a sub-application is not filed as ${item.status}`);
    const status = at(item.status);
    values.push(
      `(${at(item.id)}::uuid, $1::uuid, ${at(item.itemId)}, ${at(item.department)}, ${at(item.position)}::int, ${status}, ${at(item.channel)}, ${at(item.after)}::text[], ` +
        `${at(JSON.stringify(item.payload))}::jsonb, ${at(item.timeLimitDays)}::double precision, CASE WHEN ${status} = 'queued' THEN now() END, ${at(item.promisedBy)}::timestamptz)`,
    );
  }
  if (values.length) {
    parts.push(
      `inserted AS (
         INSERT INTO sub_applications (id, application_id, item_id, department, position, status, channel, after_items, payload, time_limit_days, next_attempt_at, promised_by)
         VALUES ${values.join(', ')}
         RETURNING id, status, position)`,
      `events AS (
         INSERT INTO sub_application_events (sub_application_id, status, actor, note)
         SELECT id, status, $2, NULL FROM inserted ORDER BY position)`,
    );
  }
  parts.push(
    `filed AS (
       UPDATE applications SET status = 'submitted', evaluation = $3, savings = $4, submit_key = $5, submitted_at = now(), updated_at = now(), promised_by = $6,
              number = ${numberSql('$7::text', 'now()')}
        WHERE id = $1${fresh ? ` AND CASE WHEN id <> $1 OR (${fresh}) THEN true ELSE draft_changed() END` : ''}
       RETURNING applicant_id, number, submitted_at)`,
  );
  const notice = noticeOfFilingSql('filed', application.notice, at);
  if (notice) parts.push(`notice AS (${notice})`);
  // Said in the statement that queues the rows: PostgreSQL tells every listening process on commit.
  const wake = items.some((i) => i.status === 'queued') ? ` CROSS JOIN LATERAL ${RELEASE_NOTIFY_SQL}` : '';
  const sql = `WITH ${parts.join(',\n')}\nSELECT f.number, f.submitted_at FROM filed f${wake}`;
  let rows: { number: string; submitted_at: Date }[];
  try {
    ({ rows } = await tx.query<{ number: string; submitted_at: Date }>(sql, params));
  } catch (err) {
    if (fresh && isStale(err)) return null;
    throw err;
  }
  const filed = rows[0];
  if (!filed) throw new Error(`file: application ${application.id} was not there to file`);
  return filed;
}

/** The draft changed under an unlocked filing (migration 024), or its key is another application's. */
function isStale(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return e.code === 'YJ409' || (e.code === '23505' && (e.constraint === 'applications_submit_key' || /applications_submit_key/.test(e.message ?? '')));
}

/**
 * The application's status, derived from its items (`deriveApplicationStatus`). The lock makes
 * concurrent changes to one application's items take turns here, and the read after it sees
 * every committed change, so the last writer never stores a status derived from a stale view.
 */
async function deriveStatus(tx: Queryable, applicationId: string): Promise<void> {
  const before = await tx.query<{ status: string }>('SELECT status FROM applications WHERE id = $1 FOR UPDATE', [applicationId]);
  const { rows } = await tx.query<{ status: SubStatus }>('SELECT status FROM sub_applications WHERE application_id = $1', [applicationId]);
  const status = deriveApplicationStatus(rows.map((r) => r.status));
  await tx.query(
    `UPDATE applications SET status = $2, updated_at = now(), completed_at = CASE WHEN $2 IN ('completed', 'rejected', 'partially_completed') THEN COALESCE(completed_at, now()) ELSE NULL END
      WHERE id = $1 AND status <> 'draft'`,
    [applicationId, status],
  );
  const from = before.rows[0]?.status;
  if (from !== undefined && from !== 'draft' && from !== status) await notify(tx, { kind: 'derived', applicationId, from, to: status });
}
