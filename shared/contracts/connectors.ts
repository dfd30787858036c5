// The connectors to the licence library and the data exchange, as operators see them.
import { Type, type Static } from '@sinclair/typebox';
import { blankIsAbsent, Closed, DateTime, Nullable, StringEnum } from './common.js';

export const ConnectorsQuery = Type.Object({ days: Type.Optional(blankIsAbsent(Type.Integer({ minimum: 1, maximum: 366, description: 'window of the figures, default 7' }))) });

export const ConnectorHealthRow = Closed({
  id: Type.String({ description: 'the connector id in scenarios/connectors.yaml' }),
  type: Type.String({ description: 'http-licence, http-data, or simulated-* in DEMO without an exchange configured' }),
  kind: StringEnum(['licence', 'data']),
  serves: Type.Array(Type.String(), { description: 'licence types (material codes) or departments' }),
  health: Closed({
    ok: Type.Boolean(),
    latencyMs: Type.Integer(),
    detail: Nullable(Type.String()),
    breaker: Nullable(StringEnum(['closed', 'open', 'half-open'])),
  }),
  windowDays: Type.Integer(),
  calls: Type.Integer(),
  succeeded: Type.Integer({ description: 'answered (found or not found)' }),
  successRate: Nullable(Type.Number()),
  failed: Type.Integer(),
  averageLatencyMs: Nullable(Type.Integer()),
  p95LatencyMs: Nullable(Type.Integer()),
  lastError: Nullable(Closed({ at: DateTime(), error: Nullable(Type.String()) })),
});
export type ConnectorHealthRow = Static<typeof ConnectorHealthRow>;

export const ConnectorCall = Closed({
  at: DateTime(),
  connector: Type.String(),
  operation: Type.String(),
  subject: Nullable(Type.String({ description: 'licence type or department' })),
  holder: Nullable(Type.String({ description: 'whose (masked)' })),
  actor: Type.String(),
  applicationId: Nullable(Type.String()),
  purpose: Type.String(),
  outcome: Type.String(),
  latencyMs: Type.Integer(),
});
export type ConnectorCall = Static<typeof ConnectorCall>;
