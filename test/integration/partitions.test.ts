import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { fileNewborn } from '../helpers/newborn.js';
import { migrate, readMigrations } from '../../server/db/migrate.js';
import { maintainPartitions, monthPartitions, monthStart, PARTITIONED_TABLES, type PartitionPolicy } from '../../server/retention/partitions.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';

const KEEP_ALL: PartitionPolicy = { monthsAhead: 3, retentionMonths: undefined, auditRetentionMonths: undefined };

function suffix(start: Date): string {
  return `${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The partitions holding the rows of `table` whose `column` is `value`. */
async function partitionOf(db: TestDatabase, table: string, column: string, value: string): Promise<string[]> {
  const { rows } = await db.query<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM ${table} WHERE ${column} = $1`, [value]);
  return rows.map((r) => r.part);
}

/** The middle of the UTC month `offset` months from now: far from any boundary. */
function midMonth(offset: number): Date {
  const s = monthStart(new Date(), offset);
  return new Date(s.getTime() + 14 * 86_400_000);
}

/**
 * The tables that grow without bound are partitioned by month (migration 021): rows land in their
 * month, the maintenance prepares the months ahead, retention drops whole months past the setting
 * and nothing newer, a month nobody prepared still takes rows (DEFAULT partition).
 */
describe.each(databaseTargets())('monthly partitions, on $kind', ({ open }) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await open();
    await migrate(db);
    await db.query(`INSERT INTO users (id, name, role) VALUES ('p-citizen', '测试', 'citizen')`);
  });
  afterAll(async () => {
    await db?.close();
  });

  async function audit(at: Date, subject: string): Promise<void> {
    await db.query(`INSERT INTO audit_log (at, actor_id, actor_role, action, subject) VALUES ($1, 'p-admin', 'admin', 'test', $2)`, [at, subject]);
  }
  async function notice(at: Date, state: 'queued' | 'sent', event: string): Promise<void> {
    await db.query(
      `INSERT INTO notices (id, user_id, event, channel, payload, state, created_at) VALUES (gen_random_uuid(), 'p-citizen', $1, 'sms', '{}', $2, $3)`,
      [event, state, at],
    );
  }
  const whereIs = (table: string, column: string, value: string) => partitionOf(db, table, column, value);

  it('has every growing table partitioned, with the current month, three ahead and a DEFAULT', async () => {
    for (const t of PARTITIONED_TABLES) {
      const { rows } = await db.query<{ strategy: string }>(`SELECT partstrat AS strategy FROM pg_partitioned_table WHERE partrelid = to_regclass($1)`, [t.table]);
      expect(rows, t.table).toEqual([{ strategy: 'r' }]);
      const names = (await monthPartitions(db, t.table)).map((p) => p.name);
      for (let k = 0; k <= 3; k++) expect(names, t.table).toContain(`${t.table}_p${suffix(monthStart(new Date(), k))}`);
      expect((await db.query('SELECT to_regclass($1) AS r', [`${t.table}_default`])).rows[0]).toEqual({ r: `${t.table}_default` });
    }
  });

  it("puts each row in its month's partition", async () => {
    await audit(midMonth(0), 'row-now');
    await audit(midMonth(2), 'row-later');
    expect(await whereIs('audit_log', 'subject', 'row-now')).toEqual([`audit_log_p${suffix(monthStart(new Date()))}`]);
    expect(await whereIs('audit_log', 'subject', 'row-later')).toEqual([`audit_log_p${suffix(monthStart(new Date(), 2))}`]);
  });

  it('takes a row of a month nobody prepared into DEFAULT, and moves it out when the month is prepared', async () => {
    const far = midMonth(30);
    await audit(far, 'row-far');
    await notice(far, 'sent', 'far');
    expect(await whereIs('audit_log', 'subject', 'row-far')).toEqual(['audit_log_default']);
    expect(await whereIs('notices', 'event', 'far')).toEqual(['notices_default']);

    const r = await maintainPartitions(db, { ...KEEP_ALL, monthsAhead: 1 }, far);
    const month = suffix(monthStart(far));
    const next = suffix(monthStart(far, 1));
    for (const t of PARTITIONED_TABLES) {
      expect(r.created).toContain(`${t.table}_p${month}`);
      expect(r.created).toContain(`${t.table}_p${next}`);
    }
    expect(r.dropped).toEqual([]);
    expect(await whereIs('audit_log', 'subject', 'row-far')).toEqual([`audit_log_p${month}`]);
    expect(await whereIs('notices', 'event', 'far')).toEqual([`notices_p${month}`]);
    // A second run finds everything in place and changes nothing.
    expect(await maintainPartitions(db, { ...KEEP_ALL, monthsAhead: 1 }, far)).toEqual({ created: [], dropped: [], kept: [], purged: 0 });
  });

  it('drops exactly the months past retention, keeps notices still to be sent, and leaves the audit log to its own setting', async () => {
    // Months 16 … 10 ago, prepared as a maintenance run back then would have.
    await maintainPartitions(db, { ...KEEP_ALL, monthsAhead: 6 }, midMonth(-16));
    for (let k = -16; k <= -10; k++) {
      await audit(midMonth(k), `old-${k}`);
      await notice(midMonth(k), 'sent', `old-${k}`);
    }
    await notice(midMonth(-15), 'queued', 'still-queued');
    // One row past retention in DEFAULT: its month was never prepared.
    const unprepared = midMonth(-20);
    await notice(unprepared, 'sent', 'default-old');
    await notice(unprepared, 'queued', 'default-queued');
    expect(await whereIs('notices', 'event', 'default-old')).toEqual(['notices_default']);

    const r = await maintainPartitions(db, { monthsAhead: 3, retentionMonths: 12, auditRetentionMonths: undefined });
    const m = (k: number) => suffix(monthStart(new Date(), k));
    // Months before the one 12 months back go; that month and everything newer stay.
    expect(r.dropped.sort()).toEqual(
      [
        ...['sub_application_events', 'delivery_attempts'].flatMap((t) => [-16, -14, -13].map((k) => `${t}_p${m(k)}`)),
        `sub_application_events_p${m(-15)}`,
        `delivery_attempts_p${m(-15)}`,
        ...[-16, -14, -13].map((k) => `notices_p${m(k)}`),
      ].sort(),
    );
    expect(r.kept).toEqual([`notices_p${m(-15)}`]);
    expect(r.purged).toBe(1);
    const left = (await db.query<{ event: string }>(`SELECT event FROM notices WHERE event LIKE 'old-%' OR event LIKE 'default-%' OR event = 'still-queued' ORDER BY event`)).rows.map((x) => x.event);
    expect(left).toEqual(['default-queued', 'old--10', 'old--11', 'old--12', 'old--15', 'still-queued'].sort());
    const audits = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE subject LIKE 'old-%'`)).rows[0]!.n;
    expect(audits).toBe(7);

    const a = await maintainPartitions(db, { monthsAhead: 3, retentionMonths: 12, auditRetentionMonths: 14 });
    expect(a.dropped.sort()).toEqual([-16, -15].map((k) => `audit_log_p${m(k)}`).sort());
    const subjects = (await db.query<{ subject: string }>(`SELECT subject FROM audit_log WHERE subject LIKE 'old-%' ORDER BY at`)).rows.map((x) => x.subject);
    expect(subjects).toEqual(['old--14', 'old--13', 'old--12', 'old--11', 'old--10']);
    // The current month, the months ahead and the row-now of the earlier case are untouched.
    expect(await whereIs('audit_log', 'subject', 'row-now')).toEqual([`audit_log_p${m(0)}`]);
  });
});

/**
 * A database that already holds rows when migrations 021–022 arrive: they move into the month
 * partitions with their ids, the sequences go on after them, and the applicant's id is filled in.
 */
describe.each(databaseTargets())('migrating existing rows into partitions, on $kind', ({ open }) => {
  let db: TestDatabase;
  afterAll(async () => {
    await db?.close();
  });

  it('moves every row into its month, keeps ids and order, and fills the applicant', async () => {
    db = await open();
    const all = readMigrations();
    await migrate(db, all.filter((m) => m.version <= '020'));
    await db.exec(`
      INSERT INTO users (id, name, role) VALUES ('m-citizen', '迁移', 'citizen');
      INSERT INTO bundle_versions (bundle_id, version, seq, content_hash, title, files) VALUES ('b', '1', 1, 'h', '测试', '{}');
      INSERT INTO applications (id, applicant_id, bundle_id, version) VALUES ('00000000-0000-4000-8000-000000000001', 'm-citizen', 'b', '1');
      INSERT INTO sub_applications (id, application_id, item_id, department, position, status, channel, payload, time_limit_days)
        VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'i', 'police', 0, 'waiting', 'inbox', '{}', 5);`);
    const months = [-5, -1, 0];
    for (const k of months) {
      await db.query(`INSERT INTO audit_log (at, actor_id, actor_role, action, subject) VALUES ($1, 'a', 'admin', 'test', $2)`, [midMonth(k), `m${k}`]);
      await db.query(`INSERT INTO sub_application_events (sub_application_id, at, status, actor) VALUES ('00000000-0000-4000-8000-000000000002', $1, 'waiting', $2)`, [midMonth(k), `m${k}`]);
      await db.query(`INSERT INTO notices (id, user_id, event, channel, payload, state, created_at) VALUES (gen_random_uuid(), 'm-citizen', $1, 'inbox', '{}', 'sent', $2)`, [`m${k}`, midMonth(k)]);
    }
    const before = {
      audit: (await db.query<{ id: string; subject: string }>('SELECT id::text, subject FROM audit_log ORDER BY id')).rows,
      events: (await db.query<{ id: string; actor: string }>('SELECT id::text, actor FROM sub_application_events ORDER BY id')).rows,
      notices: (await db.query<{ seq: string; event: string }>('SELECT seq::text, event FROM notices ORDER BY seq')).rows,
    };

    await migrate(db, all);
    expect((await db.query<{ id: string; subject: string }>('SELECT id::text, subject FROM audit_log ORDER BY id')).rows).toEqual(before.audit);
    expect((await db.query<{ id: string; actor: string }>('SELECT id::text, actor FROM sub_application_events ORDER BY id')).rows).toEqual(before.events);
    expect((await db.query<{ seq: string; event: string }>('SELECT seq::text, event FROM notices ORDER BY seq')).rows).toEqual(before.notices);
    for (const k of months) {
      const m = suffix(monthStart(new Date(), k));
      expect(await partitionOf(db, 'audit_log', 'subject', `m${k}`)).toEqual([`audit_log_p${m}`]);
      expect(await partitionOf(db, 'sub_application_events', 'actor', `m${k}`)).toEqual([`sub_application_events_p${m}`]);
      expect(await partitionOf(db, 'notices', 'event', `m${k}`)).toEqual([`notices_p${m}`]);
    }
    // The sequences go on after the moved rows; the applicant's id was filled in on the old rows.
    await db.query(`INSERT INTO audit_log (actor_id, actor_role, action, subject) VALUES ('a', 'admin', 'test', 'after')`);
    await db.query(`INSERT INTO notices (id, user_id, event, channel, payload, state) VALUES (gen_random_uuid(), 'm-citizen', 'after', 'inbox', '{}', 'sent')`);
    const after = (await db.query<{ id: string }>(`SELECT id::text FROM audit_log WHERE subject = 'after'`)).rows[0]!.id;
    expect(BigInt(after)).toBeGreaterThan(BigInt(before.audit.at(-1)!.id));
    const seq = (await db.query<{ seq: string }>(`SELECT seq::text FROM notices WHERE event = 'after'`)).rows[0]!.seq;
    expect(BigInt(seq)).toBeGreaterThan(BigInt(before.notices.at(-1)!.seq));
    expect((await db.query('SELECT DISTINCT applicant_id FROM sub_application_events')).rows).toEqual([{ applicant_id: 'm-citizen' }]);
    expect((await db.query('SELECT applicant_id FROM sub_applications')).rows).toEqual([{ applicant_id: 'm-citizen' }]);
  });
});

/**
 * The product's own writes on the partitioned tables, unchanged: a filed application's history,
 * delivery attempts, notices and audit records are written and read back as before, in their
 * month, and every hot row carries the applicant's id (migration 022, the Citus key).
 */
describe.each(databaseTargets())('partitioned tables under the product, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let dispatch: DispatchWorker;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts, { processDelayMs: 0 });
    dispatch = workerTo(ts, sim.url);
    dispatch.start();
  });
  afterAll(async () => {
    await dispatch?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it('writes history, attempts, notices and audit in the current month, each row with the applicant', async () => {
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const filed = await fileNewborn(wang);
    await until(
      async () => {
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sub_applications WHERE application_id = $1 AND status = 'completed'`, [filed.id]);
        return rows[0]!.n === filed.items.length;
      },
      60_000,
      'every item completed by the simulated departments',
    );
    const timeline = await wang.get<{ items: { history: unknown[] }[] }>(`/api/applications/${filed.id}`);
    expect(timeline.status).toBe(200);

    const month = suffix(monthStart(new Date()));
    const { rows: applicant } = await db.query<{ applicant_id: string }>('SELECT applicant_id FROM applications WHERE id = $1', [filed.id]);
    const who = applicant[0]!.applicant_id;
    const checks: [string, string][] = [
      ['sub_application_events', `sub_application_id IN (SELECT id FROM sub_applications WHERE application_id = $1)`],
      ['delivery_attempts', `sub_application_id IN (SELECT id FROM sub_applications WHERE application_id = $1)`],
    ];
    for (const [table, where] of checks) {
      const { rows } = await db.query<{ part: string; applicant_id: string }>(`SELECT tableoid::regclass::text AS part, applicant_id FROM ${table} WHERE ${where}`, [filed.id]);
      expect(rows.length, table).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.part)), table).toEqual(new Set([`${table}_p${month}`]));
      expect(new Set(rows.map((r) => r.applicant_id)), table).toEqual(new Set([who]));
    }
    const { rows: notices } = await db.query<{ part: string; user_id: string }>(`SELECT tableoid::regclass::text AS part, user_id FROM notices WHERE application_id = $1`, [filed.id]);
    expect(notices.length).toBeGreaterThan(0);
    expect(new Set(notices.map((r) => r.part))).toEqual(new Set([`notices_p${month}`]));
    expect(new Set(notices.map((r) => r.user_id))).toEqual(new Set([who]));
    for (const table of ['sub_applications', 'application_materials']) {
      const { rows } = await db.query<{ applicant_id: string }>(`SELECT applicant_id FROM ${table} WHERE application_id = $1`, [filed.id]);
      expect(rows.length, table).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.applicant_id)), table).toEqual(new Set([who]));
    }
    // Staff reading the case writes an audit record, in this month's partition.
    const police = await ApiClient.login(ts.url, 'staff-police');
    const item = filed.items.find((i) => i.department === 'police');
    expect(item).toBeDefined();
    const before = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log_p${month}`)).rows[0]!.n;
    expect((await police.get(`/api/workbench/sub-applications/${item!.id}?reason=${encodeURIComponent('核对材料')}`)).status).toBe(200);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log_p${month}`)).rows[0]!.n).toBe(before + 1);
  });
});
