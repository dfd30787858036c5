// The counter (综合窗口) end to end in Chromium on a desktop screen: the demo clerk signs in and
// lands on the counter, identifies the applicant (a wrong name is refused at the field), starts
// the newborn bundle for her, fills the combined form, scans paper pages that become one PDF,
// reviews and submits, and sees the 办件编号 with the receipt link. The applicant, who never
// signed in, then finds it as hers.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chooseOption, hasChromium, screenshot } from '../helpers/browser.js';
import { ApiClient, type TestServer } from '../helpers/api.js';
import type { TestDatabase } from '../helpers/db.js';
import { startProduct, type Product } from '../helpers/product.js';
import { NEWBORN_ANSWERS } from '../helpers/newborn.js';
import { pagePng } from '../helpers/scan.js';
import { WANG } from '../../server/simulator/exchange-records.js';

/** The machine running these may be busy (two cores, other suites): waits are generous, not tight. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const step = (page: Page) => page.getByTestId('step-heading').getAttribute('data-step');

function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/deprecated/.test(m.text())) problems.push(m.text());
  });
  return problems;
}

describe.runIf(hasChromium)('the counter in Chromium', () => {
  let product: Product;
  let browser: Browser;
  let db: TestDatabase;
  let ts: TestServer;

  beforeAll(async () => {
    product = await startProduct();
    ({ db, ts, browser } = product);
  });
  afterAll(async () => {
    await product?.close();
  });

  it('identifies the applicant, fills, scans, reviews and files for her, and shows the number and the receipt', { timeout: 150_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems = watch(page);

    // The clerk signs in and lands on the counter.
    await page.goto(ts.url + '/login');
    await page.getByTestId('login-clerk').click();
    await poll(() => new URL(page.url()).pathname).toBe('/counter');

    // Identify: a name that is not the one registered under the number is refused at the field.
    await page.getByLabel('公民身份号码', { exact: true }).fill(WANG.idNumber);
    await page.getByLabel('姓名', { exact: true }).fill('王芬');
    await page.getByLabel(/手机号码/).fill('13700731003');
    // The choice is checked shown, not assumed: a click on the list while it slides in is lost on a busy machine.
    const bundle = page.locator('.ant-select', { has: page.locator('#counter-bundle') });
    await chooseOption(page, page.locator('#counter-bundle'), '出生', async () => (await bundle.innerText()).includes('出生'));
    await page.getByTestId('counter-start').click();
    await poll(() => page.locator('.ant-form-item-has-error').filter({ hasText: '姓名与公民身份号码登记的姓名不符' }).count()).toBe(1);
    await screenshot(page, 'counter-01-identify-refused');
    await page.getByLabel('姓名', { exact: true }).fill(WANG.name);
    await page.getByTestId('counter-start').click();
    await poll(() => page.url()).toMatch(/\/counter\/applications\/[0-9a-f-]{36}/);
    const id = /applications\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await poll(() => step(page)).toBe('newborn');

    // The combined form, the portal's own: the first step typed here...
    await page.getByLabel('新生儿姓名').fill('陈小宝');
    await page.getByRole('group', { name: /新生儿性别/ }).getByLabel('女').check();
    await page.getByLabel('出生日期').fill('2026-11-21');
    await page.getByLabel('出生地点（省市县）').fill('湖南省长沙市开福区');
    await page.getByLabel('新生儿民族').selectOption({ label: '汉族' });
    await page.getByLabel('接生机构名称').fill('湖南省妇幼保健院');
    await screenshot(page, 'counter-02-form');
    await page.getByTestId('next').click();
    await poll(() => step(page)).toBe('parents');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    // ...the rest as the applicant dictates it, saved through the API the page uses, then read back.
    const clerk = await ApiClient.login(ts.url, 'clerk');
    const saved = await db.query<{ answers: Record<string, unknown> }>('SELECT answers FROM applications WHERE id = $1', [id]);
    expect(saved.rows[0]!.answers).toMatchObject({ 'child.name': '陈小宝' });
    expect((await clerk.put(`/api/applications/${id}/answers`, { answers: { ...NEWBORN_ANSWERS, ...saved.rows[0]!.answers } })).status).toBe(200);
    await page.reload();
    await poll(() => step(page)).toBe('parents');
    expect(await page.getByLabel('母亲姓名').inputValue()).toBe(WANG.name);
    for (let i = 0; i < 8 && (await step(page)) !== 'materials'; i++) {
      const before = await step(page);
      await page.getByTestId('next').click();
      await poll(() => step(page)).not.toBe(before);
    }
    expect(await step(page)).toBe('materials');

    // Scan: two page images per paper document become one PDF of two pages.
    await poll(() => page.getByTestId('scan-panel').count()).toBe(1);
    const inputs = page.locator('[data-testid^="scan-"][type="file"]');
    const codes = await Promise.all((await inputs.all()).map(async (i) => (await i.getAttribute('data-testid'))!.slice('scan-'.length)));
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) {
      await page.getByTestId(`scan-${code}`).setInputFiles([
        { name: `${code}-1.png`, mimeType: 'image/png', buffer: pagePng(160, 220, 230) },
        { name: `${code}-2.png`, mimeType: 'image/png', buffer: pagePng(160, 220, 210) },
      ]);
      await poll(() => page.getByTestId(`scanned-${code}`).textContent()).toContain('已扫描 2 页');
      await poll(() => page.getByTestId(`uploaded-${code}`).count()).toBe(1);
    }
    await screenshot(page, 'counter-03-scanned');
    await page.getByTestId('next').click();
    await poll(() => step(page)).toBe('review');

    // Review with the applicant, her authorisation, and file.
    await poll(() => page.getByTestId('review-step').count()).toBe(1);
    expect(await page.getByTestId('review-newborn').textContent()).toContain('陈小宝');
    if (await page.getByTestId('authorise').count()) {
      await page.getByTestId('authorise').click();
      await poll(() => page.getByTestId('authorised-at').count()).toBe(1);
    }
    await screenshot(page, 'counter-04-review');
    await page.getByTestId('submit').click();

    // Filed: the number, the window, and the receipt to print.
    await poll(() => page.getByTestId('filed-summary').count()).toBe(1);
    await poll(() => page.getByTestId('filed-number').textContent()).toMatch(/^\d{20}$/);
    const number = (await page.getByTestId('filed-number').textContent())!;
    expect(await page.getByTestId('filed-summary').textContent()).toContain('政务服务中心综合窗口 · 综合窗口受理员');
    expect(await page.getByTestId('receipt-link').getAttribute('href')).toBe(`/api/applications/${id}/receipt`);
    await screenshot(page, 'counter-05-filed');

    // The counter's list has it; the applicant, signing in for the first time, finds it hers.
    await page.getByTestId('next-applicant').click();
    await poll(() => page.getByTestId('counter-mine').textContent()).toContain(number);
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    expect((await wang.get<{ id: string; number: string | null }[]>('/api/applications')).body).toContainEqual(expect.objectContaining({ id, number }));

    // Presented by the applicant at the counter: the number with her ID number.
    await page.getByLabel('办件编号').fill(number);
    await page.getByLabel('申请人公民身份号码').fill(WANG.idNumber);
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await poll(() => page.getByTestId('presented').textContent()).toContain(number);
    await screenshot(page, 'counter-06-presented');

    // The refused identification answered 422, as it should; the browser logs that as a failed load.
    expect(problems.filter((p) => !/status of 422/.test(p))).toEqual([]);
    expect(problems.filter((p) => /status of 422/.test(p)).length).toBe(1);
    await page.close();
  });
});
