export interface Attempt {
  round: number;
  attempt: number;
  startedAt: string;
  durationMs: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

export interface DeadDelivery {
  id: string;
  applicationId: string;
  itemId: string;
  department: string;
  state: string;
  round: number;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
  history: Attempt[];
}

export interface DepartmentHealth {
  code: string;
  name: string;
  nameEn: string;
  channel: 'webhook' | 'inbox' | null;
  windowDays: number;
  attempts: number;
  succeeded: number;
  successRate: number | null;
  lastAttemptAt: string | null;
  lastError: { at: string; error: string | null; statusCode: number | null; subApplicationId: string } | null;
  queueDepth: number;
  oldestQueued: { id: string; itemId: string; since: string } | null;
  dead: number;
  waiting: number;
  open: number;
}

export interface AuditRow {
  id: number;
  at: string;
  actorId: string;
  actorRole: string;
  action: string;
  subject: string;
  itemId: string | null;
  department: string | null;
  reason: string | null;
  details: unknown;
}

export interface AuditPage {
  total: number;
  page: number;
  pageSize: number;
  rows: AuditRow[];
}
