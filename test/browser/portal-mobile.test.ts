// The citizen portal on a 375-px phone screen, driven by the keyboard alone where a person would
// type, and a department's supplement request (补正) answered from the phone: it shows exactly
// what is missing and takes only that. axe-core checks every page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasChromium, screenshot } from '../helpers/browser.js';
import { ApiClient, pdf, until, type TestServer } from '../helpers/api.js';
import type { TestDatabase } from '../helpers/db.js';
import { startProduct, type ProductWithDepartments } from '../helpers/product.js';
import { NEWBORN_ANSWERS } from '../helpers/newborn.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_URL = '/__test__/axe.min.js';

/** The machine running these may be busy (two cores, other suites): waits are generous, not tight. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const WIDTH = 375;

/** The few page globals these tests read (the root tsconfig has no DOM types: it checks the server). */
type Page_ = { document: { documentElement: { scrollWidth: number }; activeElement: { id: string; matches(selector: string): boolean } | null } };

/** axe-core from a same-origin URL the test serves (the CSP refuses inline scripts). */
async function axe(page: Page, name: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    await page.addScriptTag({ url: AXE_URL });
    await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; animation: none !important; }' });
  }
  // The page as it rests: a pointer left over a button would judge antd's hover colours instead.
  await page.mouse.move(0, 0);
  const violations = await page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
    // The root tsconfig has no DOM types (it checks the server): the page's globals are typed here.
    const g = globalThis as unknown as { axe: { run(ctx: unknown): Promise<Result> }; document: unknown };
    const r = await g.axe.run(g.document);
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  });
  expect(violations, `axe on ${name}`).toEqual([]);
}

/** Nothing wider than the phone: no sideways scrolling. */
async function fits(page: Page, name: string): Promise<void> {
  const width = await page.evaluate(() => (globalThis as unknown as Page_).document.documentElement.scrollWidth);
  expect(width, `page width on ${name}`).toBeLessThanOrEqual(WIDTH);
}

/** Presses Tab until `test` holds for the focused element; fails if it takes more than `max`. */
async function tabTo(page: Page, test: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((t) => (globalThis as unknown as Page_).document.activeElement?.matches(t) ?? false, test)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${test}`);
}

// The shared newborn answers, with the girl registered as the head's daughter (30 女) and no delivery method chosen yet.
const { 'delivery.method': _chosenLater, ...BASE } = NEWBORN_ANSWERS;
const ANSWERS = { ...BASE, 'household.relationToHead': '30' };

describe.runIf(hasChromium)('the citizen portal on a phone, by keyboard, with a supplement request', () => {
  let product: ProductWithDepartments;
  let browser: Browser;
  let context: BrowserContext;
  let db: TestDatabase;
  let ts: TestServer;

  beforeAll(async () => {
    // 卫健 (health) works in its web inbox here, so the test can ask for a supplement itself.
    product = await startProduct({ departments: { inbox: ['health'] } });
    ({ db, ts, browser } = product);
    context = await browser.newContext({ viewport: { width: WIDTH, height: 740 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await context.route(`**${AXE_URL}`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: AXE_SOURCE }));
  });
  afterAll(async () => {
    await context?.close();
    await product?.close();
  });

  it('fits 375 px, is usable with the keyboard alone, and answers a supplement request with exactly what was asked', { timeout: 120_000 }, async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(ts.url + '/');
    await poll(() => page.getByTestId('bundle-newborn').count()).toBe(1);
    await fits(page, 'home');
    await axe(page, 'home (375 px)');
    await screenshot(page, 'portal-mobile-01-home');

    // Sign in and start with the keyboard.
    await page.goto(ts.url + '/login?next=/apply/newborn');
    await poll(() => page.getByTestId('login-citizen-wang').count()).toBe(1);
    await tabTo(page, '[data-testid="login-citizen-wang"]');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('step-heading').getAttribute('data-step')).toBe('newborn');
    const id = /applications\/([0-9a-f-]{36})\/edit/.exec(page.url())![1]!;
    expect(await page.getByText('第 1 步，共').count()).toBe(1);

    // The first section by keyboard: type, Space on a radio, digits into the date, arrows in a list.
    await tabTo(page, '#f_child_name');
    await page.keyboard.type('王小宝');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as Page_).document.activeElement?.id)).toBe('f_child_birthDate');
    // A date field's segments follow the browser's locale: month/day/year here, year/month/day in zh.
    await page.keyboard.type('11212026');
    if ((await page.locator('#f_child_birthDate').inputValue()) !== '2026-11-21') {
      await page.locator('#f_child_birthDate').fill('');
      await page.keyboard.type('20261121');
    }
    expect(await page.locator('#f_child_birthDate').inputValue()).toBe('2026-11-21');
    await tabTo(page, '#f_child_birthPlace', 5);
    await page.keyboard.type('湖南省长沙市开福区');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.type('湖南省妇幼保健院');
    await fits(page, 'newborn step');
    await axe(page, 'newborn step (375 px)');
    await screenshot(page, 'portal-mobile-02-keyboard');
    await tabTo(page, '[data-testid="next"]', 5);
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('step-heading').getAttribute('data-step')).toBe('parents');
    // The new step takes the focus, so the keyboard continues from its top.
    expect(await page.evaluate(() => (globalThis as unknown as Page_).document.activeElement?.id)).toBe('step-heading');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    const saved = await db.query<{ answers: Record<string, unknown> }>('SELECT answers FROM applications WHERE id = $1', [id]);
    expect(saved.rows[0]!.answers).toMatchObject({ 'child.name': '王小宝', 'child.gender': '1', 'child.birthDate': '2026-11-21', 'child.ethnicity': '01' });

    // The rest of the form as another device would leave it (the draft is the server's).
    const citizen = await ApiClient.login(ts.url, 'citizen-wang');
    expect((await citizen.put(`/api/applications/${id}/answers`, { answers: ANSWERS })).status).toBe(200);
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent(m.code)}`, pdf(m.code), `${m.code}.pdf`)).status).toBe(201);
    }
    await page.goto(`${ts.url}/applications/${id}/edit?step=materials`);
    await poll(() => page.getByTestId('materials-counter').count()).toBe(1);
    await fits(page, 'materials');
    await axe(page, 'materials (375 px)');
    await page.goto(`${ts.url}/applications/${id}/edit?step=review`);
    await poll(() => page.getByTestId('review-step').count()).toBe(1);
    expect(await page.getByTestId('review-newborn').textContent()).toContain('王小宝');
    await fits(page, 'review');
    await axe(page, 'review (375 px)');
    await screenshot(page, 'portal-mobile-03-review');
    // 授权 with the keyboard too: the box, Space, then on to submit.
    await tabTo(page, '[data-testid="authorisation"] input[type="checkbox"]', 80);
    await page.keyboard.press('Space');
    await poll(() => page.getByTestId('authorised-at').count()).toBe(1);
    await tabTo(page, '[data-testid="submit"]', 80);
    await page.keyboard.press('Enter');
    await poll(() => page.url()).toMatch(new RegExp(`/applications/${id}$`));

    // 卫健 asks, once, for everything missing: one field and one material.
    const health = ApiClient.department(ts, 'health');
    const sub = await until(
      async () => {
        const list = await health.get<{ id: string; applicationId: string; status: string }[]>('/api/departments/health/sub-applications?status=delivered');
        return list.body.find((s) => s.applicationId === id);
      },
      15_000,
      'delivery to the health inbox',
    );
    const asked = await health.post(`/api/sub-applications/${sub.id}/actions`, {
      action: 'request-supplement',
      reason: '出生医学记录不清晰，新生儿姓名与记录不符',
      missing: { materials: ['birthMedicalRecord'], fields: ['xsexm'] },
    });
    expect(asked.status).toBe(200);

    const card = page.getByTestId('supplement-birth-certificate');
    await poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain('出生医学记录不清晰');
    // The deadline to answer, as the department fixed it; and nothing claims the item was accepted.
    const due = (asked.body as { supplement: { dueDate: string } }).supplement.dueDate;
    expect(due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await page.getByTestId('supplement-due-birth-certificate').textContent()).toContain(`请于 ${due} 前补正`);
    const itemCard = page.getByTestId('item-birth-certificate');
    expect(await itemCard.locator('.item-stages .ant-steps-item-error').textContent()).toContain('需补正');
    expect(await itemCard.locator('.item-stages .ant-steps-item-finish').allTextContents()).toEqual(['已提交']);
    // Exactly what was asked: one field (with the value given before) and one upload.
    expect(await card.locator('input:not([type="file"]), select, textarea').count()).toBe(1);
    expect(await card.locator('input[type="file"]').count()).toBe(1);
    const nameField = card.getByLabel('新生儿姓名');
    expect(await nameField.inputValue()).toBe('王小宝');
    await fits(page, 'supplement');
    await axe(page, 'supplement (375 px)');
    await screenshot(page, 'portal-mobile-04-supplement');

    // Sending without the material is refused in the page; then it goes.
    await card.getByTestId('send-supplement-birth-certificate').click();
    await poll(() => card.getByRole('alert').textContent()).toContain('请上传');
    await nameField.fill('王小宝贝');
    await card.getByTestId('file-birthMedicalRecord').setInputFiles({ name: 'record.pdf', mimeType: 'application/pdf', buffer: pdf('a clearer record') });
    await poll(() => card.getByTestId('uploaded-birthMedicalRecord').count()).toBe(1);
    await card.getByTestId('send-supplement-birth-certificate').click();
    await poll(() => page.getByTestId('supplement-birth-certificate').count()).toBe(0);
    // A confirmation, and the item says it is back with the department, not "已提交".
    await poll(() => page.getByTestId('supplement-sent-birth-certificate').count()).toBe(1);
    expect(await page.getByTestId('item-status-birth-certificate').textContent()).toBe('已补正，待部门审核');
    const after = await db.query<{ status: string; round: number; answers: Record<string, unknown> }>(
      'SELECT s.status, s.round, a.answers FROM sub_applications s JOIN applications a ON a.id = s.application_id WHERE s.id = $1',
      [sub.id],
    );
    expect(after.rows[0]!.round).toBe(2);
    expect(['queued', 'delivered']).toContain(after.rows[0]!.status);
    expect(after.rows[0]!.answers['child.name']).toBe('王小宝贝');
    await fits(page, 'progress');
    await axe(page, 'progress (375 px)');
    await screenshot(page, 'portal-mobile-05-after-supplement');
    expect(problems).toEqual([]);
  });

  it('keeps the header to one line behind a menu, and remembers 长辈版 and English across visits', { timeout: 90_000 }, async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(ts.url + '/');
    await poll(() => page.getByTestId('bundle-newborn').count()).toBe(1);

    // The header took a quarter of the screen: now one line, the rest behind 打开菜单.
    const header = await page.getByTestId('app-header').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(64);
    expect(await page.getByRole('link', { name: '改革成效' }).count()).toBe(0);
    await page.getByRole('button', { name: '打开菜单' }).click();
    const drawer = page.getByTestId('nav-drawer');
    await poll(() => drawer.getByRole('link', { name: '改革成效' }).isVisible()).toBe(true);
    await axe(page, 'menu open (375 px)');
    await screenshot(page, 'portal-mobile-06-menu');

    // 长辈版 from the menu: larger type and targets, and still no serious or critical axe finding.
    const before = await page.getByTestId('bundle-newborn').evaluate((el) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize));
    await drawer.getByTestId('elder-toggle').click();
    await page.keyboard.press('Escape');
    await poll(() => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { className: string } } }).document.documentElement.className)).toContain('elder');
    const after = await page.getByTestId('bundle-newborn').evaluate((el) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize));
    expect(after).toBeGreaterThanOrEqual(18);
    expect(after).toBeGreaterThan(before);
    await fits(page, 'home in 长辈版');
    await axe(page, 'home in 长辈版 (375 px)');
    await screenshot(page, 'portal-mobile-07-elder');

    // Remembered: a new visit opens in 长辈版; English chosen once sets <html lang> on the next load too.
    await page.reload();
    await poll(() => page.getByTestId('bundle-newborn').count()).toBe(1);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { className: string } } }).document.documentElement.className)).toContain('elder');
    await page.getByRole('button', { name: '打开菜单' }).click();
    await drawer.getByRole('button', { name: /切换到英文/ }).click();
    await page.reload();
    await poll(() => page.getByTestId('bundle-newborn').count()).toBe(1);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang)).toBe('en');
    await axe(page, 'home in English and 长辈版 (375 px)');

    // Back to the standard view and Chinese for whoever uses this browser next.
    await page.getByRole('button', { name: 'Open the menu' }).click();
    await drawer.getByTestId('elder-toggle').click();
    await drawer.getByRole('button', { name: /Switch to Chinese/ }).click();
    expect(problems).toEqual([]);
    await page.close();
  });
});
