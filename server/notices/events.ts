import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/types.js';
import type { NoticeEvent, NoticeFacts } from '../../shared/notice-templates.js';
import { NOTICE_CHANNEL_KINDS, type Recipient } from './channels/kinds.js';

/**
 * The one way notices are written: server/subapps/transition.ts calls `notify` on the
 * transaction of every change of status (and `file` writes the filing's with `noticeOfFilingSql`), so a notice exists
 * exactly when its change committed.
 * Unknown moves (a transition another part adds later) write nothing: a move is announced
 * only once it is given an event below. `ask` (a licence fetch that needs the applicant) is
 * named ahead of the move itself, taking its `reason` if it carries one.
 */
export type NoticeTrigger =
  | {
      kind: 'moved';
      /** The lifecycle transition; a string so that moves added later pass through harmlessly. */
      transition: string;
      applicationId: string;
      subApplicationId: string;
      reason?: string | null;
      supplement?: { reason: string | null; materials: string[]; fields: string[]; dueBy?: string | null; dueDate?: string };
    }
  | { kind: 'derived'; applicationId: string; from: string; to: string };

/** The department moves an applicant hears of. */
const MOVE_EVENTS: Readonly<Record<string, NoticeEvent>> = {
  accept: 'accepted',
  reject: 'refused',
  'request-supplement': 'supplement',
  ask: 'licence-needed',
  complete: 'completed',
};

const FINISHED_WITH_RESULTS = ['completed', 'partially_completed'];

export async function notify(tx: Queryable, trigger: NoticeTrigger): Promise<void> {
  switch (trigger.kind) {
    case 'derived':
      if (!FINISHED_WITH_RESULTS.includes(trigger.from) && FINISHED_WITH_RESULTS.includes(trigger.to)) {
        return write(tx, trigger.applicationId, 'results-ready', {});
      }
      return;
    case 'moved': {
      const event = Object.hasOwn(MOVE_EVENTS, trigger.transition) ? MOVE_EVENTS[trigger.transition] : undefined;
      if (!event) return;
      const { rows } = await tx.query<{ department: string; item_title: string | null; materials: { code: string; title: string }[] | null }>(
        `SELECT department, payload->'item'->>'title' AS item_title, payload->'materials' AS materials FROM sub_applications WHERE id = $1`,
        [trigger.subApplicationId],
      );
      const sub = rows[0];
      if (!sub) return;
      const facts: Partial<NoticeFacts> = { department: sub.department, itemTitle: sub.item_title ?? '' };
      if (event === 'refused' || event === 'licence-needed') facts.reason = trigger.reason ?? null;
      if (event === 'supplement' && trigger.supplement) {
        const titles = new Map((sub.materials ?? []).map((m) => [m.code, m.title]));
        facts.reason = trigger.supplement.reason;
        facts.materials = trigger.supplement.materials.map((code) => titles.get(code) ?? code);
        facts.fields = trigger.supplement.fields.length;
        // The last day the department fixed when it asked (SUPPLEMENT_DAYS working days).
        facts.dueBy = trigger.supplement.dueBy ?? trigger.supplement.dueDate ?? null;
      }
      return write(tx, trigger.applicationId, event, facts);
    }
  }
}

/**
 * One notice per channel the recipient takes: in-site always, SMS when they have a mobile and
 * did not turn SMS off. Rows of a channel that delivers by being stored are written as sent.
 */
async function write(tx: Queryable, applicationId: string, event: NoticeEvent, facts: Partial<NoticeFacts>): Promise<void> {
  const { rows } = await tx.query<ApplicationFacts>(
    `SELECT a.applicant_id, v.title, a.number, a.submitted_at, u.mobile, COALESCE(ns.sms, true) AS sms, now() AS now
       FROM applications a
       JOIN bundle_versions v ON v.bundle_id = a.bundle_id AND v.version = a.version
       JOIN users u ON u.id = a.applicant_id
       LEFT JOIN notification_settings ns ON ns.user_id = a.applicant_id
      WHERE a.id = $1`,
    [applicationId],
  );
  const a = rows[0];
  if (!a) return;
  const payload: NoticeFacts = {
    event,
    bundleTitle: a.title,
    number: a.number,
    submittedAt: a.submitted_at ? new Date(a.submitted_at).toISOString() : null,
    at: new Date(a.now).toISOString(),
    ...facts,
  };
  const params: unknown[] = [];
  const at = (v: unknown): string => `$${params.push(v)}`;
  const sql = noticeInsertSql({ mobile: a.mobile, smsOn: a.sms }, at, {
    userId: `${at(a.applicant_id)}::text`,
    applicationId: `${at(applicationId)}::uuid`,
    event: `${at(event)}::text`,
    payload: `${at(JSON.stringify(payload))}::jsonb`,
  });
  if (sql) await tx.query(sql, params);
}

/** What a notice about an application says and whom it reaches, as one read gives them. */
interface ApplicationFacts {
  applicant_id: string;
  title: string;
  number: string | null;
  submitted_at: Date | null;
  mobile: string | null;
  sms: boolean;
  now: Date;
}

/** What the filing notice needs to know beforehand: whom it reaches and the bundle's title. */
export interface FilingNotice {
  recipient: Recipient;
  bundleTitle: string;
}

/**
 * Columns giving `FilingNotice` in a read of the application aliased `a` (submit's read): read
 * with what is filed, so the filing statement itself can write the notice.
 */
export const FILING_NOTICE_COLUMNS = `(SELECT title FROM bundle_versions fv WHERE fv.bundle_id = a.bundle_id AND fv.version = a.version) AS notice_title,
       (SELECT mobile FROM users fu WHERE fu.id = a.applicant_id) AS notice_mobile,
       COALESCE((SELECT sms FROM notification_settings fns WHERE fns.user_id = a.applicant_id), true) AS notice_sms`;

export function filingNoticeOf(row: { notice_title: string; notice_mobile: string | null; notice_sms: boolean }): FilingNotice {
  return { bundleTitle: row.notice_title, recipient: { mobile: row.notice_mobile, smsOn: row.notice_sms } };
}

/**
 * The filing notice as a part of the statement that files (server/subapps/transition.ts `file`):
 * `source` is that statement's part returning the application filed (applicant_id, number,
 * submitted_at), the application's id is `$1`, and `at` numbers each further value. The number
 * and the times are the ones the same statement writes.
 */
export function noticeOfFilingSql(source: string, notice: FilingNotice, at: (value: unknown) => string): string | null {
  const base: Omit<NoticeFacts, 'number' | 'submittedAt' | 'at'> = { event: 'submitted', bundleTitle: notice.bundleTitle };
  return noticeInsertSql(notice.recipient, at, {
    userId: 'a.applicant_id',
    applicationId: '$1::uuid',
    event: `${at(base.event)}::text`,
    payload: `${at(JSON.stringify(base))}::jsonb || jsonb_build_object('number', a.number, 'submittedAt', ${isoSql('a.submitted_at')}, 'at', ${isoSql('now()')})`,
    from: `${source} a`,
  });
}

/** A timestamp as `Date.prototype.toISOString` writes it (UTC, milliseconds). */
function isoSql(expr: string): string {
  return `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * The INSERT of one notice per channel the recipient takes (null: none): the columns but the
 * channel's are SQL expressions, read `from` a statement part when one is given.
 */
function noticeInsertSql(
  recipient: Recipient,
  at: (value: unknown) => string,
  columns: { userId: string; applicationId: string; event: string; payload: string; from?: string },
): string | null {
  const kinds = NOTICE_CHANNEL_KINDS.filter((k) => k.takes(recipient));
  if (!kinds.length) return null;
  const channels = kinds.map((k) => `(${at(randomUUID())}::uuid, ${at(k.name)}::text, ${at(k.storedIsDelivered ? 'sent' : 'queued')}::text)`);
  return `INSERT INTO notices (id, user_id, application_id, event, channel, payload, state, sent_at, next_attempt_at)
     SELECT k.id, ${columns.userId}, ${columns.applicationId}, ${columns.event}, k.channel, ${columns.payload}, k.state,
            CASE WHEN k.state = 'sent' THEN now() END, CASE WHEN k.state = 'queued' THEN now() END
       FROM (VALUES ${channels.join(', ')}) k (id, channel, state)${columns.from ? ` CROSS JOIN ${columns.from}` : ''}`;
}
