import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { listenOn, type Listener } from '../helpers/reliability.js';
import { NEWBORN_ANSWERS, fileNewborn } from '../helpers/newborn.js';
import { computeIdNumberCheck, maskIdNumber, maskMobile } from '../../shared/identifiers.js';
import type { OpenApiDocument } from '../../server/openapi.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';

// citizen-wang (王芳) files for her newborn; the father's number is made up here so that it
// appears in no scenario file's examples.
const WANG = { id: 'citizen-wang', idNumber: '430105198811206525', mobile: '13700731003' };
const FATHER_ID = '43010419850612123' + computeIdNumberCheck('43010419850612123');
const SECRETS = [WANG.idNumber, WANG.mobile, FATHER_ID];

type Row = { id: string; applicant: { name: string; idNumber: string | null; mobile: string | null } };

/**
 * Every GET the API describes, asked by every kind of caller: personal identifiers appear in
 * clear only where the caller may see them (the applicant's own application, the department's
 * own case opened with a reason); lists, logs of reads and delivery errors show them masked.
 */
describe.each(databaseTargets())('who sees personal data, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;
  let echo: Listener;
  let applicationId: string;
  let policeSub: string;
  let healthSub: string;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    // 公安 (police) answers its first delivery with an error that quotes the applicant's number.
    let refused = false;
    echo = await listenOn((req, res) => {
      req.resume();
      req.on('end', () => {
        if (refused) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        refused = true;
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot verify father ${FATHER_ID}, call ${WANG.mobile}`);
      });
    });
    worker = workerTo(ts, sim.url, {
      targetFor: (code) => {
        if (!ts.parts.targetFor(code)) return undefined;
        const url = code === 'police' ? `${echo.url}/police` : `${sim.url}/departments/${code}`;
        return { channel: 'webhook', url, secret: ts.parts.webhookSecretFor(code) };
      },
      backoff: { baseMs: 50, maxGapMs: 200, jitter: 0 },
    });
    worker.start();

    const filed = await fileNewborn(await ApiClient.login(ts.url, WANG.id), { ...NEWBORN_ANSWERS, 'father.idNumber': FATHER_ID });
    applicationId = filed.id;
    policeSub = filed.items.find((i) => i.department === 'police')!.id;
    healthSub = filed.items.find((i) => i.department === 'health')!.id;
    // Police waits for health's birth certificate; then its first delivery fails (the error on
    // record) and the second goes through.
    await until(async () => (await db.query(`SELECT 1 FROM sub_applications WHERE id = $1 AND status = 'delivered'`, [policeSub])).rows.length === 1, 20_000, 'the retried delivery to police');
    // A member of staff types the number into the reason for opening the case.
    const staff = await ApiClient.login(ts.url, 'staff-police');
    const opened = await staff.get(`/api/workbench/sub-applications/${policeSub}?reason=${encodeURIComponent(`核对 ${FATHER_ID} 户籍`)}`);
    expect(opened.status).toBe(200);
  });
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await echo?.stop();
    await ts?.close();
    await db?.close();
  });

  /** The GET paths of the OpenAPI document, filled in with this test's ids. */
  async function getPaths(department: string): Promise<string[]> {
    const doc = await new ApiClient(ts.url).get<OpenApiDocument>('/api/openapi.json');
    return Object.entries(doc.body.paths)
      .filter(([, ops]) => 'get' in ops)
      .map(([p]) =>
        p
          .replace(/^\/applications\/\{id\}/, `/applications/${applicationId}`)
          .replace(/^\/(workbench\/)?sub-applications\/\{id\}/, `/$1sub-applications/${department === 'health' ? healthSub : policeSub}`)
          .replace('{id}', 'newborn')
          .replace('{version}', '1.0.0')
          .replace('/departments/{code}', `/departments/${department}`)
          .replace('/materials/{code}', '/materials/birthMedicalRecord'),
      )
      .map((p) => `/api${p}${p.includes('sub-applications/') ? '?reason=privacy-test' : p === '/admin/deliveries' ? '?state=delivered' : ''}`);
  }

  type Kind = 'anonymous' | 'citizen' | 'staff' | 'system' | 'designer' | 'reviewer' | 'clerk' | 'admin';
  interface Caller {
    who: string;
    kind: Kind;
    client: ApiClient;
    /** The department of staff and systems; for everyone else, whose paths the sweep fills in. */
    department: string;
  }

  /** The status each kind of caller must get for a GET: 200 only where the role and the data are its own. */
  function expectedStatus(c: Caller, path: string): number {
    const p = path.replace(/\?.*$/, '');
    const refuse = c.kind === 'anonymous' ? 401 : 403;
    const onlyFor = (...kinds: Kind[]) => (kinds.includes(c.kind) ? 200 : c.kind === 'system' ? 401 : refuse);
    if (/^\/api\/(health|openapi\.json|auth\/(demo-users|me|methods)|bundles(\/newborn(\/form)?)?|public\/summary|uploads\/limits)$/.test(p)) return 200;
    // The public progress query (进度查询) needs its number and code: without them, 422 for anyone.
    if (p === '/api/progress') return 422;
    // A clerk (综合窗口) lists what they filed (nothing here); anyone else's application is as if it did not exist.
    if (p === '/api/applications') return onlyFor('citizen', 'clerk');
    // Result documents are the applicant's alone; the sweep's placeholder {docId} is no document of anyone's.
    if (/^\/api\/applications\/[^/]+\/documents\//.test(p)) return c.kind === 'citizen' ? 404 : onlyFor('citizen');
    // Nothing is missing and no department has finished yet: those two documents do not apply (409).
    if (/^\/api\/applications\/[^/]+\/(notice|completion)$/.test(p) && c.who === 'the applicant') return 409;
    if (p.startsWith('/api/applications/')) return c.kind === 'clerk' ? 404 : c.kind !== 'citizen' ? onlyFor('citizen') : c.who === 'the applicant' ? 200 : 404;
    // The counter's own: the presented lookup needs its number and ID number (400 without), a form only for the clerk's filings.
    if (p.startsWith('/api/counter/')) return c.kind !== 'clerk' ? onlyFor('clerk') : p === '/api/counter/applications' ? 400 : 404;
    // Their own 消息中心, SMS choice and 我的证照: a citizen's, whoever they are; the sweep's
    // placeholder id is no licence of anyone's.
    if (p.startsWith('/api/me/licences/')) return c.kind !== 'citizen' ? onlyFor('citizen') : 404;
    if (p.startsWith('/api/me/')) return onlyFor('citizen');
    if (p.startsWith('/api/admin/')) return onlyFor('admin');
    if (p.startsWith('/api/stats/')) return onlyFor('admin', 'designer');
    if (p === '/api/studio/proposals') return onlyFor('designer', 'reviewer', 'admin');
    if (p.startsWith('/api/studio/')) return onlyFor('designer');
    if (p.startsWith('/api/workbench/')) return onlyFor('staff');
    if (p.startsWith('/api/departments/')) return c.kind === 'staff' || c.kind === 'system' ? 200 : refuse;
    if (p.startsWith('/api/sub-applications/')) {
      if (c.kind !== 'staff' && c.kind !== 'system') return refuse;
      // Another department's case is as if it did not exist; police's item has no birth record.
      if (c.department === 'market') return 404;
      if (p.includes('/documents/')) return 404;
      return p.endsWith('/birthMedicalRecord') && c.department !== 'health' ? 404 : 200;
    }
    throw new Error(`no expectation for GET ${path}`);
  }

  it('answers every GET with only what the caller may see: identifiers in clear only to the applicant and to the department handling the case', async () => {
    const callers: Caller[] = [
      { who: 'anonymous', kind: 'anonymous', client: new ApiClient(ts.url), department: 'police' },
      { who: 'the applicant', kind: 'citizen', client: await ApiClient.login(ts.url, WANG.id), department: 'police' },
      { who: 'another citizen', kind: 'citizen', client: await ApiClient.login(ts.url, 'citizen-zhang'), department: 'police' },
      { who: 'police staff', kind: 'staff', client: await ApiClient.login(ts.url, 'staff-police'), department: 'police' },
      { who: 'health staff', kind: 'staff', client: await ApiClient.login(ts.url, 'staff-health'), department: 'health' },
      { who: "police's system", kind: 'system', client: ApiClient.department(ts, 'police'), department: 'police' },
      { who: "market's system", kind: 'system', client: ApiClient.department(ts, 'market'), department: 'market' },
      { who: 'a designer', kind: 'designer', client: await ApiClient.login(ts.url, 'designer'), department: 'police' },
      { who: 'a reviewer', kind: 'reviewer', client: await ApiClient.login(ts.url, 'reviewer'), department: 'police' },
      // A clerk (综合窗口) reads only what they filed at the counter: nothing of the applicant's here.
      { who: 'a clerk', kind: 'clerk', client: await ApiClient.login(ts.url, 'clerk'), department: 'police' },
      { who: 'an operator', kind: 'admin', client: await ApiClient.login(ts.url, 'admin'), department: 'police' },
    ];
    // Where clear values are the point: her own application and form, and the case itself.
    const mayShow = (c: Caller, path: string): boolean =>
      (c.who === 'the applicant' && /^\/api\/(applications\/|bundles\/newborn\/form)/.test(path)) ||
      ((c.kind === 'staff' || c.kind === 'system') && /\/sub-applications\/[0-9a-f-]{36}(\?|$)/.test(path));
    const wrongStatus: string[] = [];
    const leaks: string[] = [];
    let clearWhereAllowed = 0;
    for (const c of callers) {
      for (const path of await getPaths(c.department)) {
        const res = await c.client.get<unknown>(path);
        const want = expectedStatus(c, path);
        if (res.status !== want) wrongStatus.push(`${c.who} GET ${path}: ${res.status}, expected ${want}`);
        const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
        const leaked = SECRETS.filter((s) => text.includes(s));
        if (mayShow(c, path)) {
          if (res.status === 200 && leaked.length) clearWhereAllowed++;
        } else if (leaked.length) leaks.push(`${c.who} GET ${path}: ${leaked.join(', ')}`);
      }
    }
    expect(wrongStatus).toEqual([]);
    expect(leaks).toEqual([]);
    // The sweep did reach the pages that must show them (or it would prove nothing).
    expect(clearWhereAllowed).toBeGreaterThanOrEqual(3);
  });

  it("lists a department's cases with the applicant masked, in the API and in the workbench", async () => {
    const expected = { name: '王*', idNumber: maskIdNumber(WANG.idNumber), mobile: maskMobile(WANG.mobile) };
    expect(expected.idNumber).toBe('4301**********6525');
    const viaApi = await ApiClient.department(ts, 'police').get<Row[]>('/api/departments/police/sub-applications');
    expect(viaApi.body.find((r) => r.id === policeSub)?.applicant).toEqual(expected);
    const staff = await ApiClient.login(ts.url, 'staff-police');
    const inbox = await staff.get<{ rows: Row[] }>('/api/workbench/inbox?status=all');
    expect(inbox.body.rows.find((r) => r.id === policeSub)?.applicant).toEqual(expected);
    // The case itself, opened with a reason, carries the full number the department works with.
    const detail = await staff.get<{ fields: Record<string, unknown> }>(`/api/workbench/sub-applications/${policeSub}?reason=${encodeURIComponent('审核办理')}`);
    expect(JSON.stringify(detail.body.fields)).toContain(FATHER_ID);
  });

  it('masks what staff typed into a reason and what a department answered, in the audit log and the console', async () => {
    const admin = await ApiClient.login(ts.url, 'admin');
    const audit = await admin.get<{ rows: { subject: string; reason: string | null }[] }>(`/api/admin/audit?subject=${policeSub}`);
    expect(audit.body.rows.map((r) => r.reason)).toContain(`核对 ${maskIdNumber(FATHER_ID)} 户籍`);
    const deliveries = await admin.get<{ id: string; history: { ok: boolean; error: string | null }[] }[]>('/api/admin/deliveries?state=delivered');
    const failed = deliveries.body.find((d) => d.id === policeSub)?.history.find((h) => !h.ok);
    expect(failed?.error).toContain(`cannot verify father ${maskIdNumber(FATHER_ID)}, call ${maskMobile(WANG.mobile)}`);
    const departments = await admin.get<{ code: string; lastError: { error: string } | null }[]>('/api/admin/departments');
    const police = departments.body.find((d) => d.code === 'police');
    expect(police?.lastError?.error).toContain(maskIdNumber(FATHER_ID));
    // The raw rows keep what happened; only what is shown is masked.
    const raw = await db.query<{ error: string }>('SELECT error FROM delivery_attempts WHERE sub_application_id = $1 AND NOT ok', [policeSub]);
    expect(raw.rows[0]!.error).toContain(FATHER_ID);
  });
});
