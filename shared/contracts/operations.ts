// Operators (admins): dead deliveries and their retry, the audit log, delivery health per department.
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, Nullable, PathId, StringEnum, SubStatus, Uuid, blankIsAbsent } from './common.js';

export const DeliveriesQuery = Type.Object({ state: Type.Optional(SubStatus) }, { description: 'default dead' });

export const Attempt = Closed({
  round: Type.Integer(),
  attempt: Type.Integer(),
  startedAt: DateTime(),
  durationMs: Type.Integer(),
  ok: Type.Boolean(),
  statusCode: Nullable(Type.Integer()),
  error: Nullable(Type.String({ description: 'masked like a log line' })),
});
export type Attempt = Static<typeof Attempt>;

export const Delivery = Closed({
  id: Uuid(),
  applicationId: Uuid(),
  itemId: Type.String(),
  department: Type.String(),
  state: SubStatus,
  round: Type.Integer(),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String({ description: 'masked like a log line' })),
  updatedAt: DateTime(),
  history: Type.Array(Attempt),
});
export type Delivery = Static<typeof Delivery>;

export const RetryParams = Type.Object({ id: PathId('sub-application id') });
export const Retried = Closed({ id: Uuid(), state: Type.Literal('queued') });

export const MAX_PAGE_SIZE = 200;
const text = (description?: string) => blankIsAbsent(Type.String({ maxLength: 200, ...(description ? { description } : {}) }));
const instant = (description?: string) => blankIsAbsent(DateTime(description ? { description } : {}));
export const AuditQuery = Type.Object({
  actor: Type.Optional(text('user id, or department:<code> for a system')),
  action: Type.Optional(text('read-sub-application, download-material…')),
  subject: Type.Optional(text('sub-application id')),
  from: Type.Optional(instant()),
  to: Type.Optional(instant('exclusive')),
  page: Type.Optional(blankIsAbsent(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'default 1' }))),
  pageSize: Type.Optional(blankIsAbsent(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: 'default 50' }))),
});
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditRow = Closed({
  id: Type.Integer(),
  at: DateTime(),
  actorId: Type.String(),
  actorRole: Type.String(),
  action: Type.String(),
  subject: Type.String(),
  itemId: Nullable(Type.String()),
  department: Nullable(Type.String()),
  actorName: Closed({ zh: Type.String(), en: Type.String() }, { description: 'who, in words: a name, or a department system' }),
  itemTitle: Nullable(Type.String({ description: 'the item read, for a sub-application' })),
  departmentName: Nullable(Closed({ zh: Type.String(), en: Type.String() })),
  materialTitle: Nullable(Type.String({ description: 'the material downloaded, for a download' })),
  reason: Nullable(Type.String()),
  details: Type.Unknown({ description: 'what the action recorded, masked' }),
});
export type AuditRow = Static<typeof AuditRow>;
export const AuditPage = Closed({ total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(), rows: Type.Array(AuditRow) });
export type AuditPage = Static<typeof AuditPage>;

export const HealthQuery = Type.Object({ days: Type.Optional(blankIsAbsent(Type.Integer({ minimum: 1, maximum: 366, description: 'window of the success rate, default 7' }))) });

export const DepartmentHealth = Closed({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  channel: Nullable(StringEnum(['webhook', 'inbox'])),
  windowDays: Type.Integer(),
  attempts: Type.Integer(),
  succeeded: Type.Integer(),
  successRate: Nullable(Type.Number()),
  lastAttemptAt: Nullable(DateTime()),
  lastError: Nullable(Closed({ at: DateTime(), error: Nullable(Type.String()), statusCode: Nullable(Type.Integer()), subApplicationId: Uuid() })),
  queueDepth: Type.Integer(),
  oldestQueued: Nullable(Closed({ id: Uuid(), itemId: Type.String(), since: DateTime() })),
  dead: Type.Integer(),
  waiting: Type.Integer(),
  open: Type.Integer(),
  stale: Closed(
    { minutes: Type.Integer(), count: Type.Integer(), oldest: Nullable(Closed({ id: Uuid(), itemId: Type.String(), since: DateTime({ description: 'when it was acknowledged' }) })) },
    { description: 'acknowledged (delivered) but not acted on for longer than ACK_STALE_MINUTES' },
  ),
});
export type DepartmentHealth = Static<typeof DepartmentHealth>;
