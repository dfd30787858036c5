// The citizen portal end to end in Chromium, under the product's CSP: a demo citizen goes from
// the home page through the newborn form (a wrong 身份证号 is caught at the field, a reload keeps
// the draft), uploads what must be uploaded, submits once despite a double click, watches every
// simulated department complete, and rates the service. Every page is checked with axe-core.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, screenshot } from '../helpers/browser.js';
import { ApiClient, pdf, until, type TestServer } from '../helpers/api.js';
import type { TestDatabase } from '../helpers/db.js';
import { startProduct, type ProductWithDepartments } from '../helpers/product.js';
import { fileNewborn } from '../helpers/newborn.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_URL = '/__test__/axe.min.js';

/** The machine running these may be busy (two cores, other suites): waits are generous, not tight. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });

/**
 * axe-core, loaded with page.addScriptTag from a same-origin URL the test serves itself: the CSP
 * (script-src 'self') refuses inline scripts, and it stays on for these tests.
 */
async function axe(page: Page, name: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    await page.addScriptTag({ url: AXE_URL });
    // Colours are judged as they settle, not halfway through a button's fade.
    await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; animation: none !important; }' });
  }
  // The page as it rests: a pointer left over a button would judge antd's hover colours instead.
  await page.mouse.move(0, 0);
  const violations = await page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: string[]; failureSummary?: string }[] }[] };
    // The root tsconfig has no DOM types (it checks the server): the page's globals are typed here.
    const g = globalThis as unknown as { axe: { run(ctx: unknown): Promise<Result> }; document: unknown };
    const r = await g.axe.run(g.document);
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  });
  expect(violations, `axe on ${name}`).toEqual([]);
}

async function withAxe(page: Page): Promise<void> {
  await page.route(`**${AXE_URL}`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: AXE_SOURCE }));
}

/** Console errors and page errors, less antd's deprecation notices from components outside the portal. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/deprecated/.test(m.text())) problems.push(m.text());
  });
  return problems;
}

const heading = (page: Page) => page.getByTestId('step-heading');
const group = (page: Page, name: RegExp) => page.getByRole('group', { name });

async function next(page: Page, expectStep: string): Promise<void> {
  await page.getByTestId('next').click();
  await poll(() => heading(page).getAttribute('data-step')).toBe(expectStep);
}

describe.runIf(hasChromium)('the citizen portal in Chromium', () => {
  let product: ProductWithDepartments;
  let browser: Browser;
  let db: TestDatabase;
  let ts: TestServer;

  beforeAll(async () => {
    product = await startProduct({ departments: { simulator: { processDelayMs: 300 } } });
    ({ db, ts, browser } = product);
  });
  afterAll(async () => {
    await product?.close();
  });

  it('takes a citizen from the home page through the newborn form to every department’s completion and a rating', { timeout: 150_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await withAxe(page);
    const submits: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/submit')) submits.push(r.headers()['idempotency-key'] ?? '');
    });

    // Home: the life events with the engine's savings.
    await page.goto(ts.url + '/');
    await poll(() => page.getByTestId('bundle-newborn').count()).toBe(1);
    expect(await page.getByTestId('savings-newborn').textContent()).toMatch(/^少跑 \d+ 次 · 少交 \d+ 份材料 · [\d.]+ 天 → [\d.]+ 天$/);
    expect(await page.getByTestId('scope-newborn').textContent()).toMatch(/\d+ 个部门 · \d+ 个事项/);
    await axe(page, 'home');
    await screenshot(page, 'portal-01-home');

    // Apply: sign in on the way, land in a draft.
    await page.getByTestId('apply-newborn').click();
    await page.getByTestId('login-citizen-li').click();
    await poll(() => page.url()).toMatch(/\/applications\/[0-9a-f-]{36}\/edit/);
    const id = /applications\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await poll(() => heading(page).getAttribute('data-step')).toBe('newborn');

    // 1 新生儿信息
    await page.getByLabel('新生儿姓名').fill('张小明');
    await group(page, /新生儿性别/).getByLabel('男').check();
    // The bundle's cross-field check, in the browser as on the server: no birth in the future.
    await page.getByLabel('出生日期').fill('2099-01-01');
    await page.getByLabel('出生日期').blur();
    await poll(() => page.locator('[data-field="child_birthDate"] .sf-error').textContent()).toBe('出生日期不能晚于今天');
    await page.getByLabel('出生日期').fill('2026-11-20');
    await poll(() => page.locator('[data-field="child_birthDate"] .sf-error').count()).toBe(0);
    await page.getByLabel('出生地点（省市县）').fill('湖南省长沙市岳麓区');
    await page.getByLabel('新生儿民族').selectOption({ label: '汉族' });
    await page.getByLabel('接生机构名称').fill('湖南省妇幼保健院');
    await axe(page, 'step newborn');
    await screenshot(page, 'portal-02-newborn');
    await next(page, 'parents');

    // 2 父母信息: a wrong check digit is refused at the field, in Chinese, when leaving it.
    await group(page, /申请人与新生儿关系/).getByLabel('母亲').check();
    await page.getByLabel('母亲姓名').fill('李芳');
    const motherId = page.getByLabel('母亲公民身份号码');
    await motherId.fill('430102199207080029');
    await motherId.blur();
    const fieldError = page.locator('[data-field="mother_idNumber"] .sf-error');
    await poll(() => fieldError.textContent()).toMatch(/校验/);
    expect(await motherId.getAttribute('aria-invalid')).toBe('true');
    expect(await motherId.getAttribute('aria-describedby')).toContain(await fieldError.getAttribute('id'));
    await screenshot(page, 'portal-03-invalid-id');
    await page.getByTestId('next').click();
    expect(await heading(page).getAttribute('data-step')).toBe('parents');
    // Errors shown on the way keep every value already typed.
    await poll(() => page.locator('[data-field="father_name"] .sf-error').textContent()).toBe('必填');
    expect(await page.getByLabel('母亲姓名').inputValue()).toBe('李芳');
    await motherId.fill('430102199207080028');
    await poll(() => fieldError.count()).toBe(0);
    await page.getByLabel('母亲民族').selectOption({ label: '汉族' });
    await page.getByLabel('父亲姓名').fill('张伟');
    await page.getByLabel('父亲公民身份号码').fill('430104199003151237');
    await page.getByLabel('父亲民族').selectOption({ label: '汉族' });
    await group(page, /父母是否已办理结婚登记/).getByLabel('是').check();

    // A reload in the middle of the form: the draft is on the server, the step is in the URL.
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    await page.reload();
    await poll(() => heading(page).getAttribute('data-step')).toBe('parents');
    expect(await page.getByLabel('母亲姓名').inputValue()).toBe('李芳');
    expect(await page.getByLabel('母亲公民身份号码').inputValue()).toBe('430102199207080028');
    expect(await group(page, /父母是否已办理结婚登记/).getByLabel('是').isChecked()).toBe(true);
    const saved = await db.query<{ answers: Record<string, unknown> }>('SELECT answers FROM applications WHERE id = $1', [id]);
    expect(saved.rows[0]!.answers).toMatchObject({ 'child.name': '张小明', 'mother.idNumber': '430102199207080028', 'parents.married': true });
    await axe(page, 'step parents');
    await screenshot(page, 'portal-04-parents-after-reload');
    await next(page, 'household');

    // 3 户籍与落户
    await page.getByLabel('户主姓名').fill('张伟');
    await page.getByLabel('与户主关系').selectOption({ label: '子' });
    await page.getByLabel('落户地址').fill('湖南省长沙市岳麓区麓山南路1号');
    await page.getByLabel('常住地址').fill('湖南省长沙市岳麓区麓山南路1号');
    await next(page, 'insurance');

    // 4 参保与社保卡: a choice brings an item (and its fields and step) in, with the rule's reason.
    expect(await page.getByTestId('item-out-social-security-card').count()).toBe(1);
    await group(page, /是否同时申领社会保障卡/).getByLabel('是').check();
    await poll(() => page.getByTestId('item-in-social-security-card').textContent()).toContain('申请人选择同时申领社会保障卡');
    await poll(() => page.getByTestId('rules-announcement').textContent()).toContain('已纳入');
    await page.getByLabel('社保卡合作银行').selectOption({ label: '中国工商银行' });
    await group(page, /社保卡是否加印照片/).getByLabel('否').check();
    await group(page, /是否申请生育医疗费用报销/).getByLabel('否').check();
    await group(page, /是否登记科学育儿指导服务/).getByLabel('否').check();
    await axe(page, 'step insurance');
    await screenshot(page, 'portal-05-insurance-rules');
    await next(page, 'delivery');

    // 5 领取方式 (there because of the card); the postal address only once mail is chosen (a field rule).
    expect(await page.getByLabel('邮寄地址').count()).toBe(0);
    await group(page, /领取方式/).getByLabel('免费邮寄到家').check();
    await page.getByLabel('邮寄地址').fill('湖南省长沙市岳麓区麓山南路1号');
    await next(page, 'applicant');

    // 6 申请人: prefilled from the verified identity, read-only and said so.
    const name = page.getByLabel(/申请人姓名/);
    expect(await name.inputValue()).toBe('李娜');
    expect(await name.getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('[data-field="applicant_idNumber"] .sf-badge').textContent()).toContain('实名认证');
    // Before filling anything the applicant sees which licences the library holds (fetched) and which must be uploaded.
    expect(await page.getByTestId('licence-householdRegister').getAttribute('data-state')).toBe('fetch');
    expect(await page.getByTestId('licence-householdRegister').textContent()).toContain('免提交');
    await axe(page, 'step applicant');
    await next(page, 'materials');

    // 材料: every material with its disposition and reason; uploads checked first, with progress.
    await poll(() => page.getByTestId('materials-counter').textContent()).toMatch(/^本次涉及 \d+ 份材料，您只需提交 \d+ 份$/);
    const counter = (await page.getByTestId('materials-counter').textContent())!;
    const toUpload = page.locator('[data-testid^="material-"][data-disposition="upload"]');
    const uploadCodes = await Promise.all((await toUpload.all()).map(async (m) => (await m.getAttribute('data-testid'))!.slice('material-'.length)));
    expect(uploadCodes.length).toBe(Number(/只需提交 (\d+) 份/.exec(counter)![1]));
    expect(await page.locator('[data-testid^="material-"][data-disposition="sharing"]').first().textContent()).toContain('数据共享获取');
    expect(await page.locator('[data-testid^="material-"][data-disposition="bundle"]').first().textContent()).toMatch(/办结.*内部流转/);
    expect(await page.locator('[data-testid^="material-"][data-disposition="generated"]').count()).toBeGreaterThan(0);
    // A file that is not PDF/JPEG/PNG/OFD is refused before it is sent.
    const first = uploadCodes[0]!;
    await page.getByTestId(`file-${first}`).setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('just text, not a PDF') });
    await poll(() => page.getByTestId(`upload-${first}`).locator('[role="alert"]').textContent()).toContain('只能上传 PDF、JPEG、PNG 或 OFD');
    await page.getByTestId('next').click();
    await poll(() => page.getByRole('alert').filter({ hasText: '还有' }).count()).toBe(1);
    for (const code of uploadCodes) {
      await page.getByTestId(`file-${code}`).setInputFiles({ name: `${code}.pdf`, mimeType: 'application/pdf', buffer: pdf(`${code} ${'x'.repeat(200_000)}`) });
      await poll(() => page.getByTestId(`uploaded-${code}`).count()).toBe(1);
    }
    await axe(page, 'materials');
    await screenshot(page, 'portal-06-materials');
    await next(page, 'review');

    // 确认提交: read-only summary, who receives what, savings; a double click files once.
    await poll(() => page.getByTestId('review-step').count()).toBe(1);
    expect(await page.getByTestId('review-newborn').textContent()).toContain('张小明');
    expect(await page.getByTestId('receives-birth-registration').textContent()).toContain('公安');
    for (const k of ['materials', 'fields', 'visits', 'days']) expect(await page.getByTestId(`saving-${k}`).textContent()).toMatch(/\d+ → \d+/);
    // 授权: the licences waived by sharing are fetched only once the applicant allows it.
    expect(await page.getByTestId('submit').isDisabled()).toBe(true);
    // The box is ticked once the server has recorded the authorisation, not on the click itself.
    await page.getByTestId('authorise').click();
    await poll(() => page.getByTestId('authorised-at').count()).toBe(1);
    await axe(page, 'review');
    await screenshot(page, 'portal-07-review');
    await page.getByTestId('submit').dblclick();
    await poll(() => page.url()).toMatch(new RegExp(`/applications/${id}$`));
    expect(submits.length).toBe(1);
    const filed = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sub_applications WHERE application_id = $1', [id]);
    expect(filed.rows[0]!.n).toBe(5);

    // Progress: every department completes through the simulated back offices, with outputs.
    const items = page.locator('[data-testid^="item-"][data-status]');
    await poll(() => items.count()).toBe(5);
    // The bundle's promise, the date it runs out and (until everything is done) the days left.
    expect(await page.getByTestId('promise-countdown').textContent()).toMatch(/^承诺 5 个工作日内办结（\d{4}年\d{1,2}月\d{1,2}日前）(，还剩 \d+ 天)?$/);
    await axe(page, 'progress');
    await screenshot(page, 'portal-08-progress');
    const statuses = async () => Promise.all((await items.all()).map((i) => i.getAttribute('data-status')));
    await until(async () => (await statuses()).every((s) => s === 'completed') || undefined, 60_000, 'every department to complete in the page');
    expect(await page.getByTestId('application-status').textContent()).toBe('已办结');
    expect(await page.getByTestId('item-status-birth-registration').textContent()).toBe('已办结');
    expect(await page.getByTestId('output-child.idNumber').textContent()).toMatch(/^\d{17}[\dX]$/);

    // 一事一评: each department's item on its own; "请选择评分" goes once a score is chosen.
    await page.getByTestId('rate-birth-registration-send-rating').click();
    const itemCard = page.getByTestId('rate-birth-registration-rating');
    await poll(() => itemCard.getByRole('alert').textContent()).toContain('请选择评分');
    await page.getByTestId('rate-birth-registration-score-4').check();
    await poll(() => itemCard.getByRole('alert').count()).toBe(0);
    await page.getByTestId('rate-birth-registration-send-rating').click();
    await poll(() => page.getByTestId('rate-birth-registration-rating-given').textContent()).toContain('4 · 满意');

    // 好差评 of the whole, once.
    await page.getByTestId('score-5').check();
    await page.getByTestId('rating').getByLabel('评价内容（选填）').fill('一次都没跑，很方便');
    await axe(page, 'rating');
    await page.getByTestId('send-rating').click();
    await poll(() => page.getByTestId('rating-given').textContent()).toContain('5 · 非常满意');
    await page.reload();
    await poll(() => page.getByTestId('rating-given').textContent()).toContain('5 · 非常满意');
    expect(await page.getByTestId('send-rating').count()).toBe(0);
    await screenshot(page, 'portal-09-completed-rated');

    // My applications, in Chinese and in English.
    await page.goto(ts.url + '/applications');
    await poll(() => page.getByTestId(`application-${id}`).textContent()).toContain('已办结');
    await axe(page, 'my applications');
    await page.getByRole('button', { name: /切换到英文/ }).click();
    await poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('My applications');
    expect(await page.getByTestId(`application-${id}`).textContent()).toContain('Completed');
    await axe(page, 'my applications (en)');
    await page.getByRole('button', { name: /Switch to Chinese/ }).click();

    expect(problems).toEqual([]);
    await page.close();
  });

  it('deletes a draft from My applications only after a confirm', { timeout: 60_000 }, async () => {
    const api = await ApiClient.login(ts.url, 'citizen-zhang');
    const created = await api.post<{ id: string }>('/api/applications', { bundleId: 'newborn' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    expect((await page.request.post(`${ts.url}/api/auth/dev-login`, { data: { user: 'citizen-zhang' } })).status()).toBe(200);
    await page.goto(ts.url + '/applications');
    const row = page.getByTestId(`application-${id}`);
    await poll(() => row.count()).toBe(1);
    const remove = row.getByRole('button', { name: /删除草稿/ });
    // Cancelled, nothing happens.
    await remove.click();
    await page.getByRole('button', { name: /^取\s*消$/ }).click();
    // The confirm is gone before it is asked again: a click on it while it fades out is lost.
    await page.getByTestId(`delete-ok-${id}`).waitFor({ state: 'hidden' });
    expect((await db.query('SELECT 1 FROM applications WHERE id = $1', [id])).rows).toHaveLength(1);
    // Confirmed, the draft is gone, here and on the server.
    await remove.click();
    await page.getByTestId(`delete-ok-${id}`).waitFor({ state: 'visible' });
    await page.getByTestId(`delete-ok-${id}`).click();
    await poll(() => row.count()).toBe(0);
    expect((await db.query('SELECT 1 FROM applications WHERE id = $1', [id])).rows).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
  it('links the documents where they apply, and a receipt’s QR link shows the progress without signing in', { timeout: 90_000 }, async () => {
    const api = await ApiClient.login(ts.url, 'citizen-li');
    const filed = await fileNewborn(api);
    const detail = (await api.get<{ number: string; title: string; items: { departmentName: string }[] }>(`/api/applications/${filed.id}`)).body;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await withAxe(page);
    expect((await page.request.post(`${ts.url}/api/auth/dev-login`, { data: { user: 'citizen-li' } })).status()).toBe(200);
    await page.goto(`${ts.url}/applications/${filed.id}`);
    const receipt = page.getByTestId('document-receipt');
    await poll(() => receipt.count()).toBe(1);
    expect(await page.getByTestId('document-form').count()).toBe(1);
    const pdfResponse = await page.request.get(ts.url + (await receipt.getAttribute('href'))!);
    expect(pdfResponse.status()).toBe(200);
    expect(pdfResponse.headers()['content-type']).toBe('application/pdf');
    await axe(page, 'progress with documents');
    await page.close();

    // Whoever holds the receipt: no session, the number and code from its QR link.
    const code = (await db.query<{ query_code: string }>('SELECT query_code FROM applications WHERE id = $1', [filed.id])).rows[0]!.query_code;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const anon = await context.newPage();
    const anonProblems = watch(anon);
    await withAxe(anon);
    await anon.goto(`${ts.url}/progress?number=${detail.number}&code=${code}`);
    const result = anon.getByTestId('progress-result');
    await poll(() => result.count()).toBe(1);
    const text = (await result.textContent()) ?? '';
    expect(text).toContain(detail.title);
    expect(text).toContain(detail.number);
    for (const item of detail.items) expect(text).toContain(item.departmentName);
    expect(text).not.toContain('李');
    await axe(anon, 'public progress');
    // A mistyped code is told as such, in Chinese.
    await anon.getByTestId('progress-code').fill('AAAA-AAAA');
    await anon.getByRole('button', { name: /查\s*询/ }).click();
    await poll(() => anon.getByRole('alert').textContent()).toContain('查询码');
    expect(await result.count()).toBe(0);
    await screenshot(anon, 'portal-10-public-progress');
    expect([...problems, ...anonProblems.filter((p) => !/404/.test(p))]).toEqual([]);
    await context.close();
  });
});
