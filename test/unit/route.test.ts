import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import express from 'express';
import { Type } from '@sinclair/typebox';
import { ONE_PARAMETER, mountRoutes, route } from '../../server/http/route.js';
import { errorHandler } from '../../server/http/errors.js';
import { Closed, StringEnum, blankIsAbsent } from '../../shared/contracts/common.js';
import { captureLogger } from '../helpers/app.js';
import { listen } from '../helpers/server.js';

/** A route declared with its contract: what it refuses, in which words, and what it may answer. */
const routes = [
  route({
    method: 'post',
    path: '/things/:id',
    summary: 'a thing',
    query: Type.Object({ n: Type.Optional(blankIsAbsent(Type.Integer({ minimum: 1, maximum: 9 }))) }),
    body: Type.Object({ name: Type.String({ minLength: 1 }), tags: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false }),
    bodyRefusal: { message: '请说明名称', messageEn: 'Name it', fields: { name: { message: '必填', messageEn: 'required' }, 'tags[*]': { message: '应为文本', messageEn: 'must be text' } } },
    responses: { 201: Closed({ id: Type.String(), n: Type.Integer() }) },
    errors: [400, 422],
    handler: ({ params, query }) => ({ id: params.id, n: query.n ?? 0 }),
  }),
  route({
    method: 'get',
    path: '/things',
    summary: 'things of a kind',
    query: Type.Object({ kind: Type.Optional(StringEnum(['round', 'square'])), size: Type.Optional(Type.Integer({ minimum: 1 })) }),
    queryRefusal: ONE_PARAMETER,
    responses: { 200: Type.Array(Type.String()) },
    errors: [400],
    handler: ({ query }) => [query.kind ?? 'any'],
  }),
  route({
    method: 'get',
    path: '/drift',
    summary: 'answers what it does not declare',
    responses: { 200: Closed({ ok: Type.Boolean() }) },
    handler: () => ({ ok: true, extra: 1 }),
  }),
];

describe('routes declared with their contracts', () => {
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use(mountRoutes(routes, { checkResponses: true }));
    app.use(errorHandler(captureLogger('silent').logger));
    ({ url, close } = await listen(app));
  });
  afterAll(() => close());

  const post = async (path: string, body: unknown) => {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; details: { path: string; message: string }[] } } };
  };

  it('answers a valid request with the declared status, integers read from the query and blanks as absent', async () => {
    expect(await post('/things/a?n=3', { name: 'x' })).toEqual({ status: 201, body: { id: 'a', n: 3 } });
    expect(await post('/things/a?n=', { name: 'x' })).toEqual({ status: 201, body: { id: 'a', n: 0 } });
  });

  it('refuses the wrong shape in the route’s own words, unknown keys after the rest, and unknown keys alone with 422', async () => {
    const bad = await post('/things/a', { tags: ['ok', 3], colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'bad_request', message: '请说明名称' });
    expect(bad.body.error!.details).toEqual([
      { path: 'name', message: '必填', messageEn: 'required' },
      { path: 'tags[1]', message: '应为文本', messageEn: 'must be text' },
      { path: 'colour', message: '不是此请求的字段', messageEn: 'is not a field of this request' },
    ]);
    const extra = await post('/things/a', { name: 'x', colour: 'red', size: 2 });
    expect(extra.status).toBe(422);
    expect(extra.body.error).toMatchObject({ code: 'validation_failed', message: '请求中有无法识别的字段' });
    expect(extra.body.error!.details.map((d) => d.path)).toEqual(['colour', 'size']);
    const query = await post('/things/a?n=12', { name: 'x' });
    expect(query.status).toBe(400);
    expect(query.body.error).toMatchObject({ message: '查询参数无效', details: [{ path: 'n' }] });
  });

  it('checks a query one parameter at a time where the route says so, naming what an enum takes', async () => {
    const res = await fetch(`${url}/things?kind=oval&size=0`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'bad_request', message: 'kind 参数无效', messageEn: 'Invalid kind parameter', details: [{ path: 'kind', message: '应为 round、square 之一', messageEn: 'must be one of round, square' }] },
    });
    expect(await (await fetch(`${url}/things?kind=round`)).json()).toEqual(['round']);
  });

  it('fails loudly, with a 500 naming the drift, when an answer does not match its declared schema', async () => {
    const res = await fetch(`${url}/drift`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; messageEn: string } };
    expect(body.error.code).toBe('contract_violation');
    expect(body.error.messageEn).toContain('GET /drift');
    expect(body.error.messageEn).toContain('additionalProperty');
  });
});
