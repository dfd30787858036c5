// The life of a sub-application (one department's part of an application) and of the
// application as a whole. Pure: the server enforces it, the workbench shows the allowed actions.

export const SUB_STATUSES = ['waiting', 'queued', 'delivered', 'accepted', 'supplement', 'completed', 'rejected', 'dead'] as const;
export type SubStatus = (typeof SUB_STATUSES)[number];

/** What a department may do to its sub-application, through the API or the workbench. */
export const DEPARTMENT_ACTIONS = ['accept', 'reject', 'request-supplement', 'complete'] as const;
export type DepartmentAction = (typeof DEPARTMENT_ACTIONS)[number];

const ACTION_FROM: Record<DepartmentAction, readonly SubStatus[]> = {
  accept: ['delivered'],
  reject: ['delivered', 'accepted'],
  // 一次性告知: a department may ask for a supplement before or after accepting.
  'request-supplement': ['delivered', 'accepted'],
  complete: ['accepted'],
};

const ACTION_TO: Record<DepartmentAction, SubStatus> = {
  accept: 'accepted',
  reject: 'rejected',
  'request-supplement': 'supplement',
  complete: 'completed',
};

export function allowedActions(status: SubStatus): DepartmentAction[] {
  return DEPARTMENT_ACTIONS.filter((a) => ACTION_FROM[a].includes(status));
}

export type TransitionCheck = { ok: true; to: SubStatus } | { ok: false; allowed: DepartmentAction[] };

export function checkAction(status: SubStatus, action: DepartmentAction): TransitionCheck {
  if (ACTION_FROM[action].includes(status)) return { ok: true, to: ACTION_TO[action] };
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
