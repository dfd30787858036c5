import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, type TestServer } from '../helpers/api.js';
import { NEWBORN, newbornDraft } from '../helpers/reliability.js';
import type { Queryable } from '../../server/db/types.js';

type Detail = { id: string; status: string; items: { id: string; itemId: string }[] };
type ErrorBody = { error: { code: string } };

// Submit reads the draft, judges it, then files it in one statement without a transaction of its
// own, on the condition that nothing it judged changed in between (the row, its files, its
// signature); when something did, the statement writes nothing and submit looks again under the
// row lock. The database handed to the server lets a test change the draft at that very moment.
describe.each(databaseTargets())('submit without the lock, and its second look under it, on $kind', ({ kind, open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let citizen: ApiClient;
  /** Runs once, just before the next unlocked filing statement is sent. */
  let beforeFiling: (() => Promise<void>) | undefined;
  let unlockedFilings = 0;
  let transactions = 0;
  /** Runs once, before the next transaction begins. */
  let beforeTransaction: (() => Promise<void>) | undefined;
  /** Holds the next transaction once it has attached a material (`held`), until `release` settles. */
  let holdAfterAttaching: { held: () => void; release: Promise<void> } | undefined;
  /** The notices one filing writes (one per channel), counted on the first. */
  let perFiling = 0;

  beforeAll(async () => {
    db = await open();
    const watched = Object.assign(Object.create(db) as TestDatabase, {
      async query(sql: string, params?: readonly unknown[]) {
        if (sql.includes('draft_changed()')) {
          unlockedFilings++;
          const hook = beforeFiling;
          beforeFiling = undefined;
          await hook?.();
        }
        return db.query(sql, params);
      },
      async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
        transactions++;
        const hook = beforeTransaction;
        beforeTransaction = undefined;
        await hook?.();
        const gate = holdAfterAttaching;
        holdAfterAttaching = undefined;
        if (!gate) return db.transaction(fn);
        return db.transaction((tx) =>
          fn({
            async query<Row>(sql: string, params?: readonly unknown[]) {
              const result = await tx.query<Row>(sql, params);
              if (sql.includes('INSERT INTO application_materials')) {
                gate.held();
                await gate.release;
              }
              return result;
            },
            exec: (sql) => tx.exec(sql),
          }),
        );
      },
    });
    ts = await startServer(watched);
    citizen = await ApiClient.login(ts.url, 'citizen-li');
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  const filedRows = async (id: string) =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sub_applications WHERE application_id = $1', [id])).rows[0]!.n;
  const filingNotices = async (id: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notices WHERE application_id = $1 AND event = 'submitted'`, [id])).rows[0]!.n;

  it('files an unchanged draft in one statement, with no transaction', async () => {
    const id = await newbornDraft(citizen);
    const [filings, txs] = [unlockedFilings, transactions];
    const res = await citizen.post<Detail>(`/api/applications/${id}/submit`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(unlockedFilings - filings).toBe(1);
    expect(transactions - txs).toBe(0);
    expect(await filedRows(id)).toBe(res.body.items.length);
    perFiling = await filingNotices(id);
    expect(perFiling).toBeGreaterThan(0);
  });

  it('files the answers as they are at filing when they changed after submit read them, once', async () => {
    const id = await newbornDraft(citizen);
    beforeFiling = async () => {
      expect((await citizen.put(`/api/applications/${id}/answers`, { answers: { ...NEWBORN, 'child.name': '张小红' } })).status).toBe(200);
    };
    const [filings, txs] = [unlockedFilings, transactions];
    const res = await citizen.post<Detail>(`/api/applications/${id}/submit`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(unlockedFilings - filings).toBe(1);
    // The unlocked statement wrote nothing; the look under the lock filed the draft as it is now.
    expect(transactions - txs).toBe(1);
    const { rows } = await db.query<{ name: string; status: string }>(`SELECT evaluation->'values'->>'child.name' AS name, status FROM applications WHERE id = $1`, [id]);
    expect(rows[0]).toEqual({ name: '张小红', status: 'submitted' });
    expect(await filedRows(id)).toBe(res.body.items.length);
    expect(await filingNotices(id)).toBe(perFiling);
    const events = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sub_application_events e JOIN sub_applications s ON s.id = e.sub_application_id WHERE s.application_id = $1', [id]);
    expect(events.rows[0]!.n).toBe(res.body.items.length);
  });

  it('files the file handed in last when a material was replaced after submit read the draft', async () => {
    const id = await newbornDraft(citizen);
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    const code = ev.body.materials.find((m) => m.disposition === 'upload')!.code;
    let replaced = '';
    beforeFiling = async () => {
      const up = await citizen.upload<{ sha256: string }>(`/api/applications/${id}/materials/${encodeURIComponent(code)}`, pdf(`${code} again, ${id}`), `${code}.pdf`);
      expect(up.status).toBe(201);
      replaced = up.body.sha256;
    };
    const res = await citizen.post<Detail>(`/api/applications/${id}/submit`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(replaced).not.toBe('');
    // Every department that receives the material receives the new file, none the old one.
    const { rows } = await db.query<{ sha256: string }>(
      `SELECT m->>'sha256' AS sha256 FROM sub_applications s CROSS JOIN LATERAL jsonb_array_elements(s.payload->'materials') m
        WHERE s.application_id = $1 AND m->>'code' = $2`,
      [id, code],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.sha256))).toEqual(new Set([replaced]));
    expect(await filedRows(id)).toBe(res.body.items.length);
  });

  const uploadCode = async (id: string): Promise<string> => {
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    return ev.body.materials.find((m) => m.disposition === 'upload')!.code;
  };
  /** The files each department received for the material: one set of hashes. */
  const filedFiles = async (id: string, code: string): Promise<Set<string>> => {
    const { rows } = await db.query<{ sha256: string }>(
      `SELECT m->>'sha256' AS sha256 FROM sub_applications s CROSS JOIN LATERAL jsonb_array_elements(s.payload->'materials') m
        WHERE s.application_id = $1 AND m->>'code' = $2`,
      [id, code],
    );
    return new Set(rows.map((r) => r.sha256));
  };
  const attached = async (id: string, code: string) =>
    (await db.query<{ sha256: string }>('SELECT sha256 FROM application_materials WHERE application_id = $1 AND code = $2', [id, code])).rows[0]?.sha256;

  it('refuses an upload that read the draft before a filing committed, and attaches nothing', async () => {
    const id = await newbornDraft(citizen);
    const code = await uploadCode(id);
    const before = await attached(id, code);
    let filed: Detail | undefined;
    // The upload has read the draft (still a draft); the submission files it before the upload writes.
    beforeTransaction = async () => {
      const res = await citizen.post<Detail>(`/api/applications/${id}/submit`);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      filed = res.body;
    };
    const up = await citizen.upload<{ error: { code: string; message: string } }>(`/api/applications/${id}/materials/${encodeURIComponent(code)}`, pdf(`${code} too late, ${id}`), `${code}.pdf`);
    expect(filed).toBeDefined();
    expect(up.status).toBe(409);
    expect(up.body.error.code).toBe('conflict');
    expect(up.body.error.message).toContain('刷新');
    expect(await attached(id, code)).toBe(before);
    expect(await filedFiles(id, code)).toEqual(new Set([before]));
  });

  // Two connections at once: PGlite has one, on which an upload and a filing never overlap.
  if (kind === 'postgres') {
    it('files the file of an upload that was writing while the filing statement ran', async () => {
      const id = await newbornDraft(citizen);
      const code = await uploadCode(id);
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      let release!: () => void;
      holdAfterAttaching = { held, release: new Promise<void>((resolve) => (release = resolve)) };
      const uploading = citizen.upload<{ sha256: string }>(`/api/applications/${id}/materials/${encodeURIComponent(code)}`, pdf(`${code} meanwhile, ${id}`), `${code}.pdf`);
      await holding;
      // The upload has attached its file and not committed; the submission reads the draft without it.
      let settled = false;
      const submitting = citizen.post<Detail>(`/api/applications/${id}/submit`).finally(() => (settled = true));
      // Until the filing statement waits for the upload's row (or, were it not to, has filed).
      const deadline = Date.now() + 10_000;
      const waitingOnLock = async () =>
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0]!.n > 0;
      while (!settled && !(await waitingOnLock()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      release();
      const [up, res] = await Promise.all([uploading, submitting]);
      expect(up.status).toBe(201);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      // Acknowledged, so filed: every department receiving the material receives the new file.
      expect(await filedFiles(id, code)).toEqual(new Set([up.body.sha256]));
      expect(await filedRows(id)).toBe(res.body.items.length);
    });
  }

  it('refuses, under the lock, a draft made incomplete after submit read it, and files nothing', async () => {
    const id = await newbornDraft(citizen);
    beforeFiling = async () => {
      await db.query(`UPDATE applications SET answers = answers - 'child.name', updated_at = now() WHERE id = $1`, [id]);
    };
    const res = await citizen.post<{ error: { details: { path: string }[] } }>(`/api/applications/${id}/submit`);
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d) => d.path)).toContain('child.name');
    expect(await filedRows(id)).toBe(0);
    expect(await filingNotices(id)).toBe(0);
    expect((await db.query<{ status: string }>('SELECT status FROM applications WHERE id = $1', [id])).rows[0]!.status).toBe('draft');
  });

  it('refuses, under the lock, a draft whose signed 承诺书 went away after submit read it', async () => {
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const answers = (await ts.parts.registry.current('business-startup')).bundle.examples.default!.answers as Record<string, unknown>;
    const id = (await wang.post<{ id: string }>('/api/applications', { bundleId: 'business-startup' })).body.id;
    expect((await wang.put(`/api/applications/${id}/answers`, { answers })).status).toBe(200);
    const ev = await wang.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    expect(ev.body.materials.some((m) => m.disposition === 'commitment')).toBe(true);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await wang.upload(`/api/applications/${id}/materials/${m.code}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`)).status).toBe(201);
    }
    const text = await wang.get<{ sha256: string }>(`/api/applications/${id}/commitment`);
    expect((await wang.post(`/api/applications/${id}/commitment`, { agreed: true, name: '王芳', sha256: text.body.sha256 })).status).toBe(200);
    // Only the signature changes: the application's row (its version) stays as it was read.
    beforeFiling = async () => {
      await db.query('DELETE FROM commitments WHERE application_id = $1', [id]);
    };
    const [filings, txs] = [unlockedFilings, transactions];
    const res = await wang.post<{ error: { details: { path: string }[] } }>(`/api/applications/${id}/submit`);
    expect(unlockedFilings - filings).toBe(1);
    expect(transactions - txs).toBe(1);
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d) => d.path)).toEqual(['commitment']);
    expect(await filedRows(id)).toBe(0);
    expect((await db.query<{ status: string }>('SELECT status FROM applications WHERE id = $1', [id])).rows[0]!.status).toBe('draft');
  });

  it('files two submissions of one draft at once only once: the same key answers with the first filing, no key is told it was filed', async () => {
    const keyed = await newbornDraft(citizen);
    const both = await Promise.all([1, 2].map(() => citizen.post<Detail>(`/api/applications/${keyed}/submit`, undefined, { 'Idempotency-Key': `twice-${keyed}` })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(both[0]!.body.items.map((i) => i.id).sort()).toEqual(both[1]!.body.items.map((i) => i.id).sort());
    expect(await filedRows(keyed)).toBe(both[0]!.body.items.length);

    const plain = await newbornDraft(citizen);
    const two = await Promise.all([1, 2].map(() => citizen.post<Detail | ErrorBody>(`/api/applications/${plain}/submit`)));
    expect(two.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await filedRows(plain)).toBe((two.find((r) => r.status === 201)!.body as Detail).items.length);
    expect(await filingNotices(plain)).toBe(perFiling);
  });

  it('refuses a key the applicant used for another application, whichever draft reads first', async () => {
    const a = await newbornDraft(citizen);
    const b = await newbornDraft(citizen);
    const key = `shared-${a}`;
    // b is read before a is filed with the key: b's unlocked filing meets the key at the unique index.
    beforeFiling = async () => {
      expect((await citizen.post(`/api/applications/${a}/submit`, undefined, { 'Idempotency-Key': key })).status).toBe(201);
    };
    const res = await citizen.post<ErrorBody>(`/api/applications/${b}/submit`, undefined, { 'Idempotency-Key': key });
    expect(res.status).toBe(409);
    expect(await filedRows(b)).toBe(0);
  });
});
