import type { SubStatus } from '../../../shared/lifecycle.js';

/** How a status reads at a department's counter (the applicant's timeline words it differently). */
export const STAFF_STATUS: Record<SubStatus, { zh: string; en: string; color: string }> = {
  waiting: { zh: '等待前序事项', en: 'Waiting for earlier items', color: 'default' },
  queued: { zh: '待受理', en: 'To accept', color: 'blue' },
  delivered: { zh: '待受理', en: 'To accept', color: 'blue' },
  accepted: { zh: '办理中', en: 'In progress', color: 'processing' },
  supplement: { zh: '待补正', en: 'Awaiting supplement', color: 'orange' },
  completed: { zh: '已办结', en: 'Completed', color: 'green' },
  rejected: { zh: '不予受理', en: 'Rejected', color: 'red' },
  dead: { zh: '投递失败', en: 'Delivery failed', color: 'red' },
};

/** Reasons staff give for opening personal data (查阅事由); the audit log keeps the one chosen. */
export const REASONS: { zh: string; en: string }[] = [
  { zh: '审核办理', en: 'Processing the application' },
  { zh: '补正核对', en: 'Checking a supplement' },
  { zh: '督办检查', en: 'Supervising an overdue item' },
  { zh: '材料核验', en: 'Verifying materials' },
];
