import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/types.js';
import type { NoticeEvent, NoticeFacts } from '../../shared/notice-templates.js';
import { NOTICE_CHANNEL_KINDS, type Recipient } from './channels/kinds.js';

/**
 * The one way notices are written: server/subapps/transition.ts calls `notify` on the
 * transaction of every change of status (and `noticeOfFiling` on the filing's), so a notice exists
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
  const { rows } = await tx.query<ApplicationFacts>(`${applicationFactsSql('applications')} WHERE a.id = $1`, [applicationId]);
  const a = rows[0];
  if (a) await writeFor(tx, applicationId, a, event, facts);
}

/**
 * The read that gives `ApplicationFacts`, from `source` aliased `a` (the applications table, or
 * the RETURNING of the statement that files one: it needs applicant_id, bundle_id, version,
 * number and submitted_at).
 */
export function applicationFactsSql(source: string): string {
  return `SELECT a.applicant_id, v.title, a.number, a.submitted_at, u.mobile, COALESCE(ns.sms, true) AS sms, now() AS now
       FROM ${source} a
       JOIN bundle_versions v ON v.bundle_id = a.bundle_id AND v.version = a.version
       JOIN users u ON u.id = a.applicant_id
       LEFT JOIN notification_settings ns ON ns.user_id = a.applicant_id`;
}

/** What a notice about an application says and whom it reaches, as one read gives them. */
export interface ApplicationFacts {
  applicant_id: string;
  title: string;
  number: string | null;
  submitted_at: Date | null;
  mobile: string | null;
  sms: boolean;
  now: Date;
}

/** The filing notice, from the facts the filing statement read back (server/subapps/transition.ts `file`). */
export function noticeOfFiling(tx: Queryable, applicationId: string, facts: ApplicationFacts): Promise<void> {
  return writeFor(tx, applicationId, facts, 'submitted', {});
}

async function writeFor(tx: Queryable, applicationId: string, a: ApplicationFacts, event: NoticeEvent, facts: Partial<NoticeFacts>): Promise<void> {
  const recipient: Recipient = { mobile: a.mobile, smsOn: a.sms };
  const payload: NoticeFacts = {
    event,
    bundleTitle: a.title,
    number: a.number,
    submittedAt: a.submitted_at ? new Date(a.submitted_at).toISOString() : null,
    at: new Date(a.now).toISOString(),
    ...facts,
  };
  const kinds = NOTICE_CHANNEL_KINDS.filter((k) => k.takes(recipient));
  if (!kinds.length) return;
  const values: string[] = [];
  const params: unknown[] = [a.applicant_id, applicationId, event, JSON.stringify(payload)];
  for (const k of kinds) {
    const p = params.length;
    values.push(`($${p + 1}::uuid, $1, $2::uuid, $3, $${p + 2}, $4::jsonb, $${p + 3}, CASE WHEN $${p + 3} = 'sent' THEN now() END, CASE WHEN $${p + 3} = 'queued' THEN now() END)`);
    params.push(randomUUID(), k.name, k.storedIsDelivered ? 'sent' : 'queued');
  }
  await tx.query(
    `INSERT INTO notices (id, user_id, application_id, event, channel, payload, state, sent_at, next_attempt_at) VALUES ${values.join(', ')}`,
    params,
  );
}
