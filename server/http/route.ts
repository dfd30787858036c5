import { Router, type Request, type RequestHandler, type Response } from 'express';
import { Kind, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from '../ajv.js';
import { AppError, BadRequestError, ValidationError, errorBody, type ErrorDetail } from './errors.js';
import { describe, outermost } from './schema-errors.js';
import { BlankIsAbsent, ErrorBody } from '../../shared/contracts/common.js';

/** A detail's text, Chinese and English. */
export interface Text {
  message: string;
  messageEn: string;
}

/**
 * How a route refuses a request that does not match its schema: today's status, message and
 * detail texts, declared beside the schema (each route kept the words its clients know).
 */
export interface Refusal {
  /** 400 (default) or 422. */
  status?: 400 | 422;
  /** The error's message; a function of the first failing path when `firstOnly`. */
  message: string | ((path: string) => string);
  messageEn: string | ((path: string) => string);
  /** Detail text by path (`changes[0].path`, `changes[*].path` for any index), optionally `:keyword`; otherwise the generic schema text. */
  fields?: Record<string, Text>;
  /** Report only the first failing value (the query checks that stop at the first bad parameter). */
  firstOnly?: boolean;
  /**
   * Keys the schema does not take (`additionalProperties: false`). Alone, by default, they are
   * refused with 422 naming each, never silently dropped (a careless client would otherwise
   * believe it had been applied); `together` reports them as
   * details of this refusal, after the others.
   */
  unknownKey?: Text | ((body: Record<string, unknown>, path: string) => Text);
  unknownAlone?: 'refuse' | 'together';
}

/** A body that is one of several shapes chosen by one property (a department action by `action`). */
export interface Discriminator {
  property: string;
  /** When the property names none of the shapes. */
  refusal: Refusal;
  /** When a shape's own values are wrong (unknown keys alone are refused as above). */
  shape: Refusal;
}

/** A response as documented: a JSON schema, or other content (a file) described in words. */
export interface ResponseSpec {
  description: string;
  schema?: TSchema;
  /** Non-JSON content, e.g. `application/octet-stream` for a material. */
  contentType?: string;
}

export type Security = 'session' | 'department';

export interface RouteSpec<P extends TObject = TObject, Q extends TObject = TObject, B extends TSchema = TSchema> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express style, under /api: `/applications/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  security?: Security;
  /** Run before validation: roles, upload parsing. A caller who may not call the route hears that first. */
  before?: RequestHandler[];
  params?: P;
  query?: Q;
  queryRefusal?: Refusal;
  body?: B;
  bodyRefusal?: Refusal;
  discriminator?: Discriminator;
  /** Documented, not validated here (the service checks them): Idempotency-Key, the signature headers. */
  headers?: TObject;
  /** A request body that is not JSON (an upload), documented as such. */
  upload?: { contentType: string; schema: TSchema };
  /** The first 2xx is what a handler's return value is sent with. */
  responses: Record<number, TSchema | ResponseSpec>;
  /** Error statuses the route can answer with the common error body. */
  errors?: number[];
  handler: (input: { params: Static<P>; query: Static<Q>; body: Static<B> }, req: Request, res: Response) => unknown;
}

/** A route with its types erased, as mounted and documented. */
export type Route = RouteSpec;

/** Declares a route; the generics give the handler its validated input's types. */
export function route<P extends TObject = TObject, Q extends TObject = TObject, B extends TSchema = TSchema>(spec: RouteSpec<P, Q, B>): Route {
  return spec as unknown as Route;
}

export function responseSpec(status: number, r: TSchema | ResponseSpec): ResponseSpec {
  // A TypeBox schema carries its Kind; a ResponseSpec is plain.
  if (!(Kind in r)) return r as ResponseSpec;
  const schema = r as TSchema;
  return { description: schema.description ?? (status === 201 ? 'Created' : 'OK'), schema };
}

const ajv = createAjv();

function compile(schema: TSchema): ValidateFunction {
  return ajv.compile(schema);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `/changes/0/path` → `changes[0].path`; keys as they are otherwise. */
function pathOf(pointer: string, last?: string): string {
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (last !== undefined) segments.push(last);
  return segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function valueAt(data: unknown, pointer: string): unknown {
  let v = data;
  for (const s of pointer.split('/').slice(1)) v = isObject(v) || Array.isArray(v) ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

const text = (t: string | ((path: string) => string), path: string) => (typeof t === 'function' ? t(path) : t);

/** As for an answer, but a request's enum names what it takes (a client, not an applicant, reads it). */
function describeAtRoute(err: ErrorObject, value: unknown): Text {
  const allowed = (err.params as { allowedValues?: unknown[] }).allowedValues;
  if (err.keyword === 'enum' && allowed) return { message: `应为 ${allowed.join('、')} 之一`, messageEn: `must be one of ${allowed.join(', ')}` };
  return describe(err, value);
}

/** A query checked one parameter at a time, named in the message: `status 参数无效`. */
export const ONE_PARAMETER = { firstOnly: true, message: (p: string) => `${p} 参数无效`, messageEn: (p: string) => `Invalid ${p} parameter` } satisfies Refusal;

/**
 * Ajv's errors as today's error body: the shape errors (required, type, format…) under the
 * route's message, then the unknown keys; unknown keys alone are the common 422.
 */
function refuse(errors: readonly ErrorObject[], data: unknown, refusal: Refusal): AppError {
  const unknown: ErrorDetail[] = [];
  const shape: ErrorDetail[] = [];
  for (const err of outermost(errors)) {
    if (err.keyword === 'additionalProperties') {
      const path = pathOf(err.instancePath, String((err.params as { additionalProperty: string }).additionalProperty));
      const why = typeof refusal.unknownKey === 'function' ? refusal.unknownKey(isObject(data) ? data : {}, path) : refusal.unknownKey;
      unknown.push({ path, ...(why ?? { message: '不是此请求的字段', messageEn: 'is not a field of this request' }) });
      continue;
    }
    const path = err.keyword === 'required' ? pathOf(err.instancePath, String((err.params as { missingProperty: string }).missingProperty)) : pathOf(err.instancePath);
    const any = path.replace(/\[\d+\]/g, '[*]');
    const f = refusal.fields ?? {};
    const own = f[`${path}:${err.keyword}`] ?? f[path] ?? f[`${any}:${err.keyword}`] ?? f[any];
    shape.push({ path, ...(own ?? describeAtRoute(err, valueAt(data, err.instancePath))) });
  }
  if (!shape.length && refusal.unknownAlone !== 'together') return new ValidationError(unknown, '请求中有无法识别的字段', 'The request has fields this route does not take');
  const details = refusal.firstOnly ? shape.slice(0, 1) : [...shape, ...unknown];
  const first = details[0]?.path ?? '';
  const message = text(refusal.message, first);
  const messageEn = text(refusal.messageEn, first);
  return refusal.status === 422 ? new ValidationError(details, message, messageEn) : new BadRequestError(message, messageEn, details);
}

/** Query strings carry text: integers are read as integers, blanks as absent where the schema says so. */
function queryInput(schema: TObject, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const prop = schema.properties[key] as (TSchema & Record<symbol, unknown>) | undefined;
    if (value === '' && prop?.[BlankIsAbsent]) continue;
    out[key] = prop?.type === 'integer' && typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  }
  return out;
}

interface Compiled {
  query?: ValidateFunction;
  body?: ValidateFunction;
  shapes?: Map<string, ValidateFunction>;
  responses: Map<number, ValidateFunction | null>;
}

function compileRoute(r: Route): Compiled {
  const c: Compiled = { responses: new Map() };
  if (r.query) c.query = compile(r.query);
  if (r.discriminator && r.body) {
    c.shapes = new Map();
    for (const member of (r.body as unknown as { anyOf: TObject[] }).anyOf) {
      const tag = (member.properties[r.discriminator.property] as { const?: unknown } | undefined)?.const;
      c.shapes.set(String(tag), compile(member));
    }
  } else if (r.body) c.body = compile(r.body);
  for (const [status, spec] of Object.entries(r.responses)) {
    const s = responseSpec(Number(status), spec);
    c.responses.set(Number(status), s.schema && !s.contentType ? compile(s.schema) : null);
  }
  return c;
}

function validateBody(r: Route, c: Compiled, raw: unknown): unknown {
  // A body that is not a JSON object (none, an array) is read as {}: what it lacks is then named.
  const body = isObject(raw) ? raw : {};
  if (c.shapes && r.discriminator) {
    const d = r.discriminator;
    const validate = c.shapes.get(String(body[d.property]));
    if (typeof body[d.property] !== 'string' || !validate) {
      throw refuse([{ keyword: 'enum', instancePath: `/${d.property}`, schemaPath: '#', params: { allowedValues: [...c.shapes.keys()] } }], body, d.refusal);
    }
    if (!validate(body)) throw refuse(validate.errors ?? [], body, d.shape);
    return body;
  }
  if (c.body && !c.body(body)) throw refuse(c.body.errors ?? [], body, r.bodyRefusal ?? { message: '请求格式错误', messageEn: 'Malformed request' });
  return body;
}

const errorValidator = compile(ErrorBody);

/**
 * Test mode: every JSON answer is checked against the schema the route declares for its status
 * (errors against the common error body). A mismatch is a 500 naming the drift, and a log line:
 * the suite fails where the contract and the code part ways.
 */
function checkResponses(r: Route, c: Compiled, req: Request, res: Response): void {
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    const status = res.statusCode;
    const wire = body === undefined ? undefined : (JSON.parse(JSON.stringify(body)) as unknown);
    const validate = c.responses.has(status) ? c.responses.get(status) : status >= 400 ? errorValidator : undefined;
    const problems = validate === undefined ? [`status ${status} is not declared`] : validate === null || validate(wire) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
    if (status >= 400 && status !== 500 && !(r.errors ?? []).includes(status) && !c.responses.has(status)) {
      problems.push(`error status ${status} is not declared`);
    }
    if (!problems.length) return send(body);
    req.log?.error({ route: `${r.method.toUpperCase()} ${r.path}`, status, problems }, 'response does not match its contract');
    res.status(500);
    return send(errorBody(new AppError('internal', 'contract_violation', `响应与接口约定不符：${r.method.toUpperCase()} ${r.path}`, `Response does not match the contract of ${r.method.toUpperCase()} ${r.path} (${status}): ${problems.join('; ')}`)));
  };
}

export interface MountOptions {
  /** Check every JSON response against its declared schema (the tests turn this on). */
  checkResponses?: boolean;
}

/** Mounts declared routes: role checks, then params, query and body validated, then the handler. */
export function mountRoutes(routes: readonly Route[], options: MountOptions = {}): Router {
  const router = Router();
  for (const r of routes) {
    const c = compileRoute(r);
    const queryRefusal = r.queryRefusal ?? { message: '查询参数无效', messageEn: 'Invalid query parameters' };
    router[r.method](r.path, ...(r.before ?? []), async (req: Request, res: Response) => {
      if (options.checkResponses) checkResponses(r, c, req, res);
      const query = r.query ? queryInput(r.query, req.query as Record<string, unknown>) : {};
      if (c.query && !c.query(query)) throw refuse(c.query.errors ?? [], query, queryRefusal);
      const body = r.body ? validateBody(r, c, req.body) : req.body;
      const out = await r.handler({ params: req.params as Static<TObject>, query: query as Static<TObject>, body: body as Static<TSchema> }, req, res);
      if (out !== undefined && !res.headersSent) {
        const ok = Object.keys(r.responses).map(Number).find((s) => s >= 200 && s < 300) ?? 200;
        res.status(ok).json(out);
      }
    });
  }
  return router;
}
