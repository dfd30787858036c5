// The life of a sub-application (one department's part of an application) and of the
// application as a whole. Pure: the server enforces it, the workbench shows the allowed actions.

export const SUB_STATUSES = ['waiting', 'queued', 'delivered', 'accepted', 'supplement', 'completed', 'rejected', 'dead'] as const;
export type SubStatus = (typeof SUB_STATUSES)[number];

/** What a department may do to its sub-application, through the API or the workbench. */
export const DEPARTMENT_ACTIONS = ['accept', 'reject', 'request-supplement', 'complete'] as const;
export type DepartmentAction = (typeof DEPARTMENT_ACTIONS)[number];

/**
 * What the system does to a sub-application on its own: the dispatch worker, the operators, the
 * applicant answering a supplement, and the consequences of a department's action on the
 * application's other items.
 */
export const SYSTEM_TRANSITIONS = [
  /** Every predecessor completed: the item goes out with the values it waited for. */
  'release',
  /** The department's endpoint answered 2xx. */
  'deliver',
  /** A department acted on an item we never saw a 2xx for: its action proves it arrived. */
  'acknowledge',
  /** Out of retries, or refused for good: parked for the operators, never dropped. */
  'park',
  /** An operator sends a parked item again, with a fresh budget of attempts. */
  'retry',
  /** The applicant answered the supplement: the item goes out again, in a new round. */
  'resubmit',
  /** An earlier item was refused, so this one can never start. */
  'cancel',
  /**
   * A licence the application was to fetch through data sharing is not in the library (or has
   * expired): the applicant is asked for it, like a 补正, before the item goes out.
   */
  'ask',
] as const;
export type SystemTransition = (typeof SYSTEM_TRANSITIONS)[number];

/** Every way a sub-application's status changes after it is filed. */
export type Transition = DepartmentAction | SystemTransition;

/** The statuses a sub-application is filed in: waiting for earlier items, or due at once. */
export const INITIAL_STATUSES: readonly SubStatus[] = ['waiting', 'queued'];

export const TRANSITIONS: Readonly<Record<Transition, { from: readonly SubStatus[]; to: SubStatus }>> = {
  accept: { from: ['delivered'], to: 'accepted' },
  reject: { from: ['delivered', 'accepted'], to: 'rejected' },
  // 一次性告知: a department may ask for a supplement before or after accepting.
  'request-supplement': { from: ['delivered', 'accepted'], to: 'supplement' },
  complete: { from: ['accepted'], to: 'completed' },
  release: { from: ['waiting'], to: 'queued' },
  deliver: { from: ['queued'], to: 'delivered' },
  acknowledge: { from: ['queued', 'dead'], to: 'delivered' },
  park: { from: ['queued'], to: 'dead' },
  retry: { from: ['dead'], to: 'queued' },
  resubmit: { from: ['supplement'], to: 'queued' },
  cancel: { from: ['waiting'], to: 'rejected' },
  ask: { from: ['queued'], to: 'supplement' },
};

export function canTransition(status: SubStatus, transition: Transition): boolean {
  return TRANSITIONS[transition].from.includes(status);
}

export function allowedActions(status: SubStatus): DepartmentAction[] {
  return DEPARTMENT_ACTIONS.filter((a) => canTransition(status, a));
}

export type TransitionCheck = { ok: true; to: SubStatus } | { ok: false; allowed: DepartmentAction[] };

export function checkAction(status: SubStatus, action: DepartmentAction): TransitionCheck {
  if (canTransition(status, action)) return { ok: true, to: TRANSITIONS[action].to };
  return { ok: false, allowed: allowedActions(status) };
}

export const TERMINAL: readonly SubStatus[] = ['completed', 'rejected'];

export type ApplicationStatus = 'draft' | 'submitted' | 'in_progress' | 'supplement' | 'completed' | 'rejected' | 'partially_completed';

/** The application's status is derived from its items, never set on its own. */
export function deriveApplicationStatus(items: readonly SubStatus[]): ApplicationStatus {
  if (items.length === 0) return 'draft';
  if (items.includes('supplement')) return 'supplement';
  if (items.every((s) => TERMINAL.includes(s))) {
    if (items.every((s) => s === 'completed')) return 'completed';
    return items.some((s) => s === 'completed') ? 'partially_completed' : 'rejected';
  }
  const progressed = items.some((s) => s === 'accepted' || TERMINAL.includes(s));
  return progressed ? 'in_progress' : 'submitted';
}

/**
 * What of an item's status `deriveApplicationStatus` looks at: waiting, queued, delivered and
 * dead all count as "sent, not yet answered".
 */
function weight(s: SubStatus): SubStatus | 'open' {
  return s === 'accepted' || s === 'supplement' || TERMINAL.includes(s) ? s : 'open';
}

/**
 * Whether a transition can change the application's derived status. The dispatch worker's
 * transitions cannot, so its hot path skips the derivation's round trips.
 */
export function changesApplicationStatus(transition: Transition): boolean {
  const { from, to } = TRANSITIONS[transition];
  return from.some((f) => weight(f) !== weight(to));
}

/** Labels the applicant sees on the timeline (已提交 · 已受理 · 办理中 · 需补正 · 已办结 · 不予受理). */
export const SUB_STATUS_LABELS: Record<SubStatus, { zh: string; en: string }> = {
  waiting: { zh: '等待前序事项', en: 'Waiting for earlier items' },
  queued: { zh: '已提交', en: 'Submitted' },
  delivered: { zh: '已推送部门', en: 'Sent to department' },
  accepted: { zh: '已受理', en: 'Accepted' },
  supplement: { zh: '需补正', en: 'Supplement requested' },
  completed: { zh: '已办结', en: 'Completed' },
  rejected: { zh: '不予受理', en: 'Rejected' },
  // The applicant is not told of a delivery problem the operators are handling; it shows as submitted.
  dead: { zh: '已提交', en: 'Submitted' },
};
