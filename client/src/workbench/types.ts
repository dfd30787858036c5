import type { DepartmentAction, SubStatus } from '../../../shared/lifecycle.js';
import type { MaskedPerson } from '../../../shared/identifiers.js';

export interface InboxRow {
  id: string;
  applicationId: string;
  bundleId: string;
  version: string;
  itemId: string;
  itemTitle: string;
  itemTitleEn: string;
  /** Masked by the server: the full identity is in the case, opened with a reason. */
  applicant: MaskedPerson;
  status: SubStatus;
  round: number;
  timeLimitDays: number;
  receivedAt: string;
  completedAt: string | null;
  dueDate: string | null;
  overdue: boolean;
  workingDaysLeft: number | null;
  completedLate: boolean;
}

export interface Inbox {
  department: string;
  items: { id: string; title: string; titleEn: string }[];
  overdueCount: number;
  rows: InboxRow[];
}

export interface SubMaterial {
  code: string;
  title: string;
  disposition: string;
  reason: string;
  producedBy?: string;
  fileName?: string;
  mime?: string;
  value?: unknown;
  url?: string;
}

export interface Produce {
  key: string;
  title: string;
  schema: Record<string, unknown>;
}

export interface HistoryEntry {
  at: string;
  status: string;
  actor: string;
  note: unknown;
}

export interface SubDetail {
  id: string;
  applicationId: string;
  itemId: string;
  title: string;
  titleEn: string;
  department: string;
  departmentName: string;
  departmentNameEn: string;
  status: SubStatus;
  allowedActions: DepartmentAction[];
  round: number;
  fields: Record<string, unknown>;
  fieldLabels: Record<string, string>;
  fieldLabelsEn: Record<string, string>;
  sensitiveFields: string[];
  /** Words for coded values (性别 2 → 女), by field name. */
  valueLabels: Record<string, { zh: string; en: string }>;
  materials: SubMaterial[];
  materialsEn: Record<string, string>;
  inputs: Record<string, unknown>;
  produces: Produce[];
  producesEn: Record<string, string>;
  outputs: Record<string, unknown>;
  supplement: null | { reason: string | null; requestedAt: string; materials: { code: string; title: string }[]; fields: { element: string; title: string }[] };
  reason: string | null;
  timeLimitDays: number;
  deliveredAt: string | null;
  completedAt: string | null;
  history: HistoryEntry[];
  bundle: { id: string; version: string; title: string; titleEn: string };
  dueDate: string | null;
  dueAt: string | null;
  overdue: boolean;
  workingDaysLeft: number | null;
  completedLate: boolean;
}
