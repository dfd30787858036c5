import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Express } from 'express';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, type TestServer } from '../helpers/api.js';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenApiDocument } from '../../server/openapi.js';

/** Every [METHOD, /path/{param}] the app mounts under /api, read from Express's router. */
function mountedRoutes(app: Express): string[] {
  const out: string[] = [];
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  const root = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  // The API router is the one mounted at /api; the client's catch-all lives outside it.
  const api = root.find((l) => (l as { name?: string }).name === 'router' && l.handle?.stack);
  walk(api?.handle?.stack ?? []);
  return [...new Set(out)].sort();
}

type Schema = Record<string, unknown>;

/**
 * Every place in a schema (following $refs into the components) where an object is declared with
 * nothing about its keys: `{"type":"object"}` alone says nothing a client could use.
 */
function bareObjects(schema: unknown, components: Record<string, Schema>, at: string, seen = new Set<string>()): string[] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => bareObjects(s, components, `${at}/${i}`, seen));
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Schema;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/components/schemas/', '');
    if (seen.has(name)) return [];
    seen.add(name);
    return bareObjects(components[name], components, `${at}→${name}`, seen);
  }
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const bare = types.includes('object') && !('properties' in s) && !('additionalProperties' in s) && !('patternProperties' in s) ? [at] : [];
  return [...bare, ...Object.entries(s).flatMap(([k, v]) => (typeof v === 'object' ? bareObjects(v, components, `${at}/${k}`, seen) : []))];
}

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF photo of the applicant')]);

describe.each(databaseTargets())('API surface on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  it('describes every mounted route in /api/openapi.json, and mounts every path it describes', async () => {
    const doc = await new ApiClient(ts.url).get<OpenApiDocument>('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const described = Object.entries(doc.body.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(mountedRoutes(ts.parts.app)).toEqual(described);
  });

  it('serves a valid OpenAPI 3.1 document, with a schema saying something for every 2xx answer', async () => {
    const doc = (await new ApiClient(ts.url).get<OpenApiDocument>('/api/openapi.json')).body;
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const components = doc.components.schemas as Record<string, Schema>;
    const bare: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(op.responses as Record<string, { content?: Record<string, { schema: unknown }> }>)) {
          if (!status.startsWith('2')) continue;
          for (const [type, media] of Object.entries(response.content ?? {})) {
            if (type === 'application/json') bare.push(...bareObjects(media.schema, components, `${method.toUpperCase()} ${path} ${status}`));
          }
        }
      }
    }
    expect(bare).toEqual([]);
  });

  it('lists published bundles with their savings and serves the composed form, prefilled for the applicant', async () => {
    const anon = new ApiClient(ts.url);
    const list = await anon.get<{ id: string; departments: unknown[]; savings: { visits: { separately: number } } }[]>('/api/bundles');
    expect(list.body.map((b) => b.id)).toEqual(expect.arrayContaining(['newborn', 'business-startup', 'simple-deregistration', 'unemployment']));
    // A 一件事 joins at least two departments (信用修复: 发改 and 市场监管); the seed's four join more.
    const seed = new Set(['newborn', 'business-startup', 'simple-deregistration', 'unemployment']);
    for (const b of list.body) expect(b.departments.length, b.id).toBeGreaterThanOrEqual(seed.has(b.id) ? 4 : 2);
    const one = await anon.get<{ items: unknown[]; materials: unknown[] }>('/api/bundles/newborn');
    expect(one.body.items.length).toBeGreaterThan(3);
    expect(one.body.materials.length).toBeGreaterThan(3);
    expect((await anon.get('/api/bundles/no-such-bundle')).status).toBe(404);

    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const form = await citizen.get<{ bundleId: string; version: string; schema: { properties: object }; uiSchema: object; prefill: Record<string, Record<string, unknown>> }>('/api/bundles/newborn/form');
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ bundleId: 'newborn', version: '1.0.0' });
    expect(JSON.stringify(form.body.prefill)).toContain('430104199208154327');
  });

  it('keeps sessions server-side: logout revokes, writes need the CSRF token', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const me = await citizen.get<{ user: { id: string }; csrfToken: string }>('/api/auth/me');
    expect(me.body.user.id).toBe('citizen-li');
    const cookie = (await fetch(`${ts.url}/api/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"citizen-li"}' })).headers.get('set-cookie')!.split(';')[0]!;
    const noCsrf = await fetch(`${ts.url}/api/applications`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"bundleId":"newborn"}' });
    expect(noCsrf.status).toBe(403);
    const kept = citizen.cookieHeader;
    expect((await citizen.post('/api/auth/logout')).status).toBe(204);
    // The old cookie no longer works, even if a client keeps sending it.
    const after = await fetch(`${ts.url}/api/auth/me`, { headers: { cookie: kept } });
    expect(await after.json()).toEqual({ user: null, csrfToken: null });
    const write = await fetch(`${ts.url}/api/applications`, { method: 'POST', headers: { cookie: kept, 'content-type': 'application/json' }, body: '{"bundleId":"newborn"}' });
    expect(write.status).toBe(401);
  });

  it('offers a material handed in once as reuse in a later application, and attaches the same file', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-zhang');
    const answers = (await ts.parts.registry.current('newborn')).bundle.examples.default!.answers;
    const withPhoto = { ...answers, 'card.withPhoto': true, 'mother.idNumber': '430102199207080028' };
    const fileOne = async (): Promise<{ id: string; materials: { code: string; disposition: string }[] }> => {
      const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
      expect((await citizen.put(`/api/applications/${id}/answers`, { answers: withPhoto })).status).toBe(200);
      const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
      return { id, materials: ev.body.materials };
    };
    const first = await fileOne();
    expect(first.materials.find((m) => m.code === 'photo')?.disposition).toBe('upload');
    for (const m of first.materials.filter((x) => x.disposition === 'upload')) {
      const up = await citizen.upload(`/api/applications/${first.id}/materials/${m.code}`, m.code === 'photo' ? JPEG : pdf(m.code), m.code === 'photo' ? 'photo.jpg' : 'a.pdf', m.code === 'photo' ? 'image/jpeg' : 'application/pdf');
      expect(up.status, JSON.stringify(up.body)).toBe(201);
    }
    expect((await citizen.post(`/api/applications/${first.id}/authorisation`)).status).toBe(200);
    expect((await citizen.post(`/api/applications/${first.id}/submit`)).status).toBe(201);

    const second = await fileOne();
    expect(second.materials.find((m) => m.code === 'photo')?.disposition).toBe('reuse');
    // A document about one birth is never offered again for another.
    expect(second.materials.find((m) => m.code === 'birthMedicalRecord')?.disposition).toBe('upload');
    for (const m of second.materials.filter((x) => x.disposition === 'upload')) await citizen.upload(`/api/applications/${second.id}/materials/${m.code}`, pdf(m.code), 'b.pdf');
    expect((await citizen.post(`/api/applications/${second.id}/authorisation`)).status).toBe(200);
    expect((await citizen.post(`/api/applications/${second.id}/submit`)).status).toBe(201);
    const attached = await db.query<{ source: string; sha256: string }>(`SELECT source, sha256 FROM application_materials WHERE application_id = $1 AND code = 'photo'`, [second.id]);
    const original = await db.query<{ sha256: string }>(`SELECT sha256 FROM application_materials WHERE application_id = $1 AND code = 'photo'`, [first.id]);
    expect(attached.rows).toEqual([{ source: 'archive', sha256: original.rows[0]!.sha256 }]);
    // Stored once, by content.
    expect((await db.query('SELECT count(*)::int AS n FROM blobs WHERE sha256 = $1', [original.rows[0]!.sha256])).rows[0]).toEqual({ n: 1 });
  });
});

describe('outside DEMO mode', () => {
  it('has no demo users and no dev login, served or documented', async () => {
    const db = await databaseTargets()[0]!.open();
    // Outside DEMO the exchange must be configured (never the simulator): any address will do here, nothing is filed.
    const ts = await startServer(db, { DEMO: 'off', LICENCE_LIBRARY_URL: 'http://127.0.0.1:9/', DATA_EXCHANGE_URL: 'http://127.0.0.1:9/' });
    try {
      const anon = new ApiClient(ts.url);
      const gone = { error: { code: 'not_found', message: '接口不存在', messageEn: 'No such API route', details: [] } };
      expect(await anon.get('/api/auth/demo-users')).toMatchObject({ status: 404, body: gone });
      expect(await anon.post('/api/auth/dev-login', { user: 'citizen-li' })).toMatchObject({ status: 404, body: gone });
      const doc = await anon.get<{ paths: Record<string, unknown> }>('/api/openapi.json');
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths).filter((p) => p.includes('demo') || p.includes('dev-login'))).toEqual([]);
      expect(Object.keys(doc.body.paths)).toContain('/auth/me');
    } finally {
      await ts.close();
      await db.close();
    }
  });
});
