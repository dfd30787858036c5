import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { route, responseSpec, type Route } from './http/route.js';
import { ComponentName, ErrorBody } from '../shared/contracts/common.js';

/**
 * The OpenAPI 3.1 description of the HTTP API, generated from the same route declarations that
 * validate requests (server/http/route.ts, shared/contracts/): it cannot describe a route that is
 * not mounted, nor a schema the route does not check.
 */
const INFO = {
  title: '一件事一次办 API',
  version: '0.1.0',
  description:
    'Citizen API (one combined application per life event), department API (each department receives only its own split sub-application) and operator API. ' +
    'Errors: `{"error":{"code","message","messageEn","details":[{"path","message","messageEn"}]}}`, message in Chinese, messageEn in English. ' +
    'State-changing requests made with the session cookie must carry the `X-CSRF-Token` header returned by dev-login or /auth/me. ' +
    '\n\n**Data sharing (connectors).** Materials waived by data sharing are fetched from the province\'s electronic licence library and data exchange through the connectors ' +
    'scenarios/connectors.yaml declares (which connector serves which licence type or department; URL and secret by environment variable name). ' +
    'A province plugs in its own exchange by serving, under one base URL, JSON requests signed like the department callbacks ' +
    '(X-Yjs-Connector: <connector id>, X-Yjs-Timestamp, X-Yjs-Nonce, X-Yjs-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<nonce>.<METHOD> <path>.<raw body>")>, 401 when unsigned, tampered, stale or replayed): ' +
    '`POST /licences/query` {type, holder:{idNumber|creditCode, name}, withFile} → {found:false} | {found:true, licence:{type, licenceNumber, issuer, issuedOn, validUntil|null, holder, fields, file?:{contentType, base64}}}; ' +
    '`POST /licences/issue` {type, holder, fields, issuer, applicationId} → 201 {licence}; ' +
    '`POST /records/query` {department, key:{kind: idNumber|creditCode, value}, fields?} → {found:false} | {found:true, values:{<data element id>: value}}; ' +
    '`GET /health` → {status:"ok"}. 5xx, 408 and 429 are retried with backoff behind a circuit breaker; other 4xx are refusals. ' +
    'What was fetched is shown as `evidence` in GET /applications/{id} and in the department\'s sub-application; GET /admin/connectors shows each connector\'s health, calls, success rate and latency.',
};

const SECURITY_SCHEMES = {
  session: { type: 'apiKey', in: 'cookie', name: 'yjs_sid', description: 'Signed, httpOnly, SameSite=Lax session cookie' },
  departmentToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      "A department back-office system's token. Its state-changing calls also carry X-Yjs-Timestamp, X-Yjs-Nonce (new per request) and " +
      'X-Yjs-Signature: v1=<hex HMAC-SHA256(department secret, "<timestamp>.<nonce>.<METHOD> <path>.<raw body>")>; unsigned, tampered, stale (> 300 s) or replayed calls get 401.',
  },
};

const SECURITY = { session: [{ session: [] }], department: [{ departmentToken: [] }, { session: [] }] } as const;

const STATUS_TEXT: Record<number, string> = { 400: 'Bad request', 401: 'Sign-in required', 403: 'Not allowed', 404: 'Not found', 409: 'Conflict', 413: 'Payload too large', 415: 'Unsupported media type', 422: 'Invalid values', 429: 'Too many requests', 503: 'Unavailable' };

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: typeof INFO;
  servers: { url: string }[];
  components: { securitySchemes: typeof SECURITY_SCHEMES; responses: Record<string, unknown>; schemas: Record<string, unknown> };
  paths: Record<string, Record<string, { summary: string; parameters?: unknown[]; requestBody?: unknown; responses: Record<string, unknown>; security?: unknown }>>;
}

/** Plain JSON of a schema, each named one (shared/contracts/common.ts `Named`) replaced by a $ref. */
function publisher(schemas: Record<string, unknown>) {
  const publish = (value: unknown, root = false): unknown => {
    if (Array.isArray(value)) return value.map((v) => publish(v));
    if (value === null || typeof value !== 'object') return value;
    const name = (value as Record<symbol, unknown>)[ComponentName];
    if (typeof name === 'string' && !root) {
      if (!(name in schemas)) {
        schemas[name] = {};
        schemas[name] = publish(value, true);
      }
      return { $ref: `#/components/schemas/${name}` };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, publish(v)]));
  };
  return publish;
}

function parameters(where: 'path' | 'query' | 'header', schema: TObject | undefined, publish: (v: unknown) => unknown): unknown[] {
  if (!schema) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, s]) => {
    const { description, ...rest } = publish(s) as { description?: string };
    return { name, in: where, ...(where === 'path' || required.has(name) ? { required: true } : {}), schema: rest, ...(description ? { description } : {}) };
  });
}

export function openApiDocument(routes: readonly Route[]): OpenApiDocument {
  const schemas: Record<string, unknown> = {};
  const publish = publisher(schemas);
  const errorRef = { $ref: '#/components/schemas/Error' };
  const paths: OpenApiDocument['paths'] = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      const s = responseSpec(Number(status), spec);
      responses[status] = { description: s.description, ...(s.schema ? { content: { [s.contentType ?? 'application/json']: { schema: publish(s.schema) } } } : {}) };
    }
    for (const status of r.errors ?? []) responses[String(status)] ??= { $ref: `#/components/responses/E${status}` };
    const params = [...parameters('path', r.params, publish), ...parameters('query', r.query, publish), ...parameters('header', r.headers, publish)];
    const requestBody = r.upload
      ? { required: true, content: { [r.upload.contentType]: { schema: publish(r.upload.schema) } } }
      : r.body
        ? { required: true, content: { 'application/json': { schema: publish(r.body) } } }
        : undefined;
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      ...(r.tags ? { tags: r.tags } : {}),
      ...(r.security ? { security: SECURITY[r.security] } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }
  schemas.Error = publish(ErrorBody, true);
  const statuses = [...new Set(routes.flatMap((r) => r.errors ?? []))].sort();
  return {
    openapi: '3.1.0',
    info: INFO,
    servers: [{ url: '/api' }],
    components: {
      securitySchemes: SECURITY_SCHEMES,
      responses: Object.fromEntries(statuses.map((s) => [`E${s}`, { description: STATUS_TEXT[s] ?? 'Error', content: { 'application/json': { schema: errorRef } } }])),
      schemas,
    },
    paths,
  };
}

const DocumentSchema = Type.Object(
  {
    openapi: Type.Literal('3.1.0'),
    info: Type.Object({ title: Type.String(), version: Type.String(), description: Type.String() }),
    servers: Type.Array(Type.Object({ url: Type.String() })),
    components: Type.Object({}, { additionalProperties: Type.Record(Type.String(), Type.Unknown()) }),
    paths: Type.Record(Type.String(), Type.Record(Type.String(), Type.Object({ summary: Type.String() }, { additionalProperties: true }))),
  },
  { description: 'OpenAPI 3.1' },
);

/** GET /openapi.json: the document of `routes` and of itself. */
export function openApiRoute(routes: readonly Route[]): Route {
  let doc: OpenApiDocument | undefined;
  const self: Route = route({
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    responses: { 200: DocumentSchema as TSchema },
    handler: () => (doc ??= openApiDocument([...routes, self])),
  });
  return self;
}
