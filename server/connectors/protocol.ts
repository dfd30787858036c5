/*
 * The exchange protocol: how the product talks to a province's licence library (电子证照库) and
 * data-sharing exchange (数据共享交换). A province plugs in its own by serving these four routes
 * under one base URL (or putting an adapter in front of its own API) and naming that URL and the
 * shared secret in scenarios/connectors.yaml (`urlEnv`, `secretEnv`). The simulator
 * (server/simulator/exchange.ts) serves exactly this.
 *
 * Every request is JSON and signed like the department callbacks (server/auth/request-signature.ts):
 *
 *   X-Yjs-Timestamp: 1767225600    X-Yjs-Nonce: <16–128 of [A-Za-z0-9_-], new per request>
 *   X-Yjs-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<nonce>.<METHOD> <path>.<raw body>")>
 *   X-Yjs-Connector: <the connector id from connectors.yaml>
 *
 * The exchange refuses (401) an unsigned, tampered, stale (> 300 s) or replayed request.
 *
 *   POST <base>/licences/query   {"type","holder":{"idNumber"|"creditCode","name"},"withFile":bool}
 *        200 {"found":false} | {"found":true,"licence":LicenceJson}
 *   POST <base>/licences/issue   {"type","holder","fields","issuer","applicationId"}
 *        201 {"licence":LicenceJson}
 *   POST <base>/records/query    {"department","key":{"kind":"idNumber"|"creditCode","value"},"fields"?:[…]}
 *        200 {"found":false} | {"found":true,"values":{…}}
 *   GET  <base>/health           200 {"status":"ok"}
 *
 *   LicenceJson = {"type","licenceNumber","issuer","issuedOn":"YYYY-MM-DD","validUntil":"YYYY-MM-DD"|null,
 *                  "holder":{…},"fields":{…},"file"?:{"contentType","base64"}}
 *
 * 5xx, 408 and 429 are retried with backoff; any other 4xx is a refusal (not retried).
 */
import { Type, type Static } from '@sinclair/typebox';

export const CONNECTOR_HEADER = 'X-Yjs-Connector';

export const PATHS = {
  licenceQuery: '/licences/query',
  licenceIssue: '/licences/issue',
  recordsQuery: '/records/query',
  health: '/health',
} as const;

const Date_ = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const HolderJson = Type.Object({ idNumber: Type.Optional(Type.String()), creditCode: Type.Optional(Type.String()), name: Type.String() });

export const LicenceJson = Type.Object({
  type: Type.String({ minLength: 1 }),
  licenceNumber: Type.String({ minLength: 1 }),
  issuer: Type.String({ minLength: 1 }),
  issuedOn: Date_,
  validUntil: Type.Union([Date_, Type.Null()]),
  holder: HolderJson,
  fields: Type.Record(Type.String(), Type.Unknown()),
  file: Type.Optional(Type.Object({ contentType: Type.String({ minLength: 1 }), base64: Type.String() })),
});
export type LicenceJson = Static<typeof LicenceJson>;

export const LicenceAnswer = Type.Union([
  Type.Object({ found: Type.Literal(false) }),
  Type.Object({ found: Type.Literal(true), licence: LicenceJson }),
]);
export const IssueAnswer = Type.Object({ licence: LicenceJson });
export const RecordsAnswer = Type.Union([
  Type.Object({ found: Type.Literal(false) }),
  Type.Object({ found: Type.Literal(true), values: Type.Record(Type.String(), Type.Unknown()) }),
]);
