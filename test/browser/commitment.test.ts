// 告知承诺 and 我的证照 in Chromium, under the product's CSP: at review the applicant reads the
// 承诺书 and cannot submit until she has ticked the box and typed her own name (a wrong one is
// refused at the field); 市场监管's staff see what she signed, in Beijing time; once the company
// is registered, its 营业执照 is in 我的证照 with its PDF.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chooseReason, hasChromium, screenshot } from '../helpers/browser.js';
import { ApiClient, pdf, until, type TestServer } from '../helpers/api.js';
import type { TestDatabase } from '../helpers/db.js';
import { startProduct, type ProductWithDepartments } from '../helpers/product.js';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_URL = '/__test__/axe.min.js';

/** axe-core from a same-origin URL (the CSP refuses inline scripts): no serious or critical violation. */
async function axe(page: Page, name: string): Promise<void> {
  await page.route(`**${AXE_URL}`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: AXE_SOURCE }));
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    await page.addScriptTag({ url: AXE_URL });
    await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; animation: none !important; }' });
  }
  await page.mouse.move(0, 0);
  const violations = await page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
    const g = globalThis as unknown as { axe: { run(ctx: unknown): Promise<Result> }; document: unknown };
    const r = await g.axe.run(g.document);
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  });
  expect(violations, `axe on ${name}`).toEqual([]);
}

function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/deprecated/.test(m.text())) problems.push(m.text());
  });
  return problems;
}

describe.runIf(hasChromium)('告知承诺 and 我的证照 in Chromium', () => {
  let product: ProductWithDepartments;
  let browser: Browser;
  let db: TestDatabase;
  let ts: TestServer;

  beforeAll(async () => {
    product = await startProduct({ departments: { simulator: { processDelayMs: 50 } } });
    ({ db, ts, browser } = product);
  });
  afterAll(async () => {
    await product?.close();
  });

  it('signs the commitment at review before submitting, shows it to the department, and lists the issued licence', { timeout: 120_000 }, async () => {
    // The draft is filled through the API; the review step is what this test is about.
    const api = await ApiClient.login(ts.url, 'citizen-wang');
    const answers = (await ts.parts.registry.current('business-startup')).bundle.examples.default!.answers;
    const id = (await api.post<{ id: string }>('/api/applications', { bundleId: 'business-startup' })).body.id;
    expect((await api.put(`/api/applications/${id}/answers`, { answers })).status).toBe(200);
    const ev = await api.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await api.upload(`/api/applications/${id}/materials/${m.code}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`)).status).toBe(201);
    }

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    expect((await page.request.post(`${ts.url}/api/auth/dev-login`, { data: { user: 'citizen-wang' } })).status()).toBe(200);
    await page.goto(`${ts.url}/applications/${id}/edit?step=review`);
    const card = page.getByTestId('commitment');
    await card.waitFor();
    const text = await page.getByTestId('commitment-text').textContent();
    expect(text).toContain('住所（经营场所）使用证明');
    expect(text).toContain('承诺人：王芳（公民身份号码：4301**********6525）');
    expect(text).toContain('如有虚假承诺，将依法承担相应法律责任');
    // Nothing signed yet: no submitting, and signing needs the box ticked and a name.
    expect(await page.getByTestId('submit').isDisabled()).toBe(true);
    expect(await page.getByTestId('commitment-sign').isDisabled()).toBe(true);
    await page.locator('label', { has: page.getByTestId('commitment-agree') }).check();
    await page.getByTestId('commitment-name').fill('王五');
    await page.getByTestId('commitment-sign').click();
    await poll(() => page.getByTestId('commitment-error').textContent()).toContain('请准确输入申请人姓名');
    expect(await page.getByTestId('submit').isDisabled()).toBe(true);
    expect((await db.query('SELECT 1 FROM commitments WHERE application_id = $1', [id])).rows).toEqual([]);
    await axe(page, 'review with the commitment');
    await screenshot(page, 'commitment-01-review');

    await page.getByTestId('commitment-name').fill('王芳');
    await page.getByTestId('commitment-sign').click();
    await poll(() => page.getByTestId('commitment-signed').textContent()).toMatch(/王芳 已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）签署/);
    await poll(() => page.getByTestId('submit').isDisabled()).toBe(false);
    await screenshot(page, 'commitment-02-signed');
    await page.getByTestId('submit').click();
    await poll(() => page.url()).toMatch(new RegExp(`/applications/${id}$`));
    const signed = await db.query<{ signer_name: string; sha256: string }>('SELECT signer_name, sha256 FROM commitments WHERE application_id = $1', [id]);
    expect(signed.rows[0]?.signer_name).toBe('王芳');

    // 市场监管's staff open the case (with a reason) and see the signed commitment.
    const filed = await api.get<{ items: { id: string; department: string }[] }>(`/api/applications/${id}`);
    const sub = filed.body.items.find((i) => i.department === 'market')!.id;
    const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const staff = await staffContext.newPage();
    const staffProblems = watch(staff);
    expect((await staff.request.post(`${ts.url}/api/auth/dev-login`, { data: { user: 'staff-market' } })).status()).toBe(200);
    await until(async () => (await staff.request.get(`${ts.url}/api/sub-applications/${sub}?reason=${encodeURIComponent('审核办理')}`)).status() === 200, 20_000, 'the case at 市场监管');
    await staff.goto(`${ts.url}/workbench/${sub}`);
    await chooseReason(staff, '审核办理');
    const panel = staff.getByTestId('signed-commitment');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('住所（经营场所）使用证明');
    expect(await panel.textContent()).toContain(signed.rows[0]!.sha256);
    // Shown in Beijing time: the signing instant as the database holds it, at UTC+8.
    const at = await db.query<{ beijing: string }>(`SELECT to_char(signed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY/MM/DD HH24:MI:SS') AS beijing FROM commitments WHERE application_id = $1`, [id]);
    expect(await staff.getByTestId('commitment-signed-at').textContent()).toBe(at.rows[0]!.beijing);
    await screenshot(staff, 'commitment-03-workbench');

    // Once 市场监管 (simulated here) registers the company, its 营业执照 is in 我的证照.
    await until(async () => (await api.get<{ code: string }[]>('/api/me/licences')).body.some((l) => l.code === 'businessLicence'), 30_000, 'the business licence');
    await page.goto(`${ts.url}/licences`);
    const licence = page.getByTestId('licence-businessLicence');
    await licence.waitFor();
    expect(await licence.textContent()).toContain('长沙一件事科技有限公司');
    expect(await licence.textContent()).toMatch(/发证日期：\d{4}年\d{1,2}月\d{1,2}日/);
    const href = await licence.getByTestId('licence-download').getAttribute('href');
    const file = await page.request.get(`${ts.url}${href!}`);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toBe('application/pdf');
    await axe(page, 'my licences');
    await screenshot(page, 'commitment-04-licences');

    // The one refusal is the wrong name's 422, which Chromium logs as a failed resource.
    expect(problems).toEqual(['Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
    expect(staffProblems).toEqual([]);
    await page.close();
    await staffContext.close();
  });
});
