import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chooseReason, hasChromium, requestSupplement, screenshot } from '../helpers/browser.js';
import { ApiClient, pdf, until, type TestServer } from '../helpers/api.js';
import type { TestDatabase } from '../helpers/db.js';
import { startProduct, type ProductWithDepartments } from '../helpers/product.js';
import { fileNewborn } from '../helpers/newborn.js';
import { randomIdNumber } from '../../server/simulator/outputs.js';
import { beijingTime } from '../../shared/beijing-time.js';

/** A browser context signed in as a demo user (the session cookie is shared with its pages). */
async function signedIn(browser: Browser, base: string, user: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  // A browser far from China: every time shown must still be Beijing time.
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'America/New_York' });
  const res = await context.request.post(`${base}/api/auth/dev-login`, { data: { user } });
  expect(res.status()).toBe(200);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  return { context, page, problems };
}

describe.runIf(hasChromium)('department workbench in Chromium', () => {
  let product: ProductWithDepartments;
  let browser: Browser;
  let db: TestDatabase;
  let ts: TestServer;

  beforeAll(async () => {
    // 卫健 is played by the simulator and completes by itself, so 出生登记 reaches 公安's staff.
    product = await startProduct({ departments: { inbox: ['police'] } });
    ({ db, ts, browser } = product);
  });
  afterAll(async () => {
    await product?.close();
  });

  it('公安 staff take a newborn registration through 补正 and 办结 while 医保 staff cannot open it', { timeout: 90_000 }, async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-wang');
    const filed = await fileNewborn(citizen);
    const sub = filed.items.find((i) => i.itemId === 'birth-registration')!.id;
    const police = await ApiClient.login(ts.url, 'staff-police');
    await until(async () => (await police.get<{ rows: { id: string }[] }>('/api/workbench/inbox')).body.rows.some((r) => r.id === sub), 20_000, 'the registration in the police inbox');

    const { context, page, problems } = await signedIn(browser, ts.url, 'staff-police');
    await page.goto(`${ts.url}/workbench`);
    await page.getByTestId(`inbox-row-${sub}`).waitFor();
    // 出生登记's own limit is 10 working days; inside the newborn bundle the promise (5) comes first.
    await expect.poll(() => page.getByTestId(`inbox-row-${sub}`).textContent()).toContain('剩余 5 个工作日');
    // Who applied, masked in the list: 王芳, 430105198811206525, 13700731003.
    const applicant = await page.getByTestId(`applicant-${sub}`).textContent();
    expect(applicant).toContain('王*');
    expect(applicant).toContain('4301**********6525');
    expect(applicant).toContain('137****1003');
    // 收件时间 in Beijing time, not New York's or UTC.
    const received = (await police.get<{ rows: { id: string; receivedAt: string }[] }>('/api/workbench/inbox')).body.rows.find((r) => r.id === sub)!.receivedAt;
    expect(await page.getByTestId(`inbox-row-${sub}`).textContent()).toContain(beijingTime(received));
    expect(await page.getByTestId(`inbox-row-${sub}`).textContent()).not.toContain('430105198811206525');
    await screenshot(page, 'workbench-inbox');
    await page.getByTestId(`open-${sub}`).click();
    // The reason is asked on every opening, and nothing is chosen for the staff member.
    await page.getByTestId('reason-ok').waitFor();
    expect(await page.getByTestId('reason-ok').isDisabled()).toBe(true);
    expect(await page.getByTestId('field-xm').count()).toBe(0);
    await chooseReason(page, '审核办理');

    // Only 公安's fields, under 公安's own names and labels.
    await expect.poll(() => page.getByTestId('field-xm').textContent()).toBe('王小宝');
    expect(await page.getByText('新生儿姓名').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('field-jsjgmc').count()).toBe(0);
    expect(await page.getByTestId('version').textContent()).toBe('1.0.0');

    // 居民户口簿 was fetched from the licence library at submit: its evidence is shown and its file opens.
    expect(await page.getByTestId('evidence-householdRegister').textContent()).toContain('430105007731');
    expect(await page.getByTestId('evidence-householdRegister').textContent()).toContain('长沙市公安局开福分局湘雅路派出所');
    const fetched = page.waitForEvent('download');
    await page.getByTestId('download-householdRegister').click();
    const licence = await fetched;
    expect(licence.suggestedFilename()).toBe('居民户口簿（电子证照）.pdf');
    await screenshot(page, 'workbench-fetched-licence');

    // 补正: one notice for everything missing.
    await requestSupplement(page, { materials: ['householdRegister'], fields: ['xm'] }, '户口簿信息不全，新生儿姓名与出生医学证明不一致');
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('待补正');
    await screenshot(page, 'workbench-supplement');

    // The applicant answers exactly that; the item comes back as round 2.
    expect((await citizen.upload(`/api/applications/${filed.id}/materials/householdRegister`, pdf('户口簿'), '户口簿.pdf')).status).toBe(201);
    const answered = await citizen.post(`/api/applications/${filed.id}/supplements/${sub}`, { answers: { 'child.name': '王小贝' } });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    await until(async () => (await police.get<{ rows: { id: string; round: number }[] }>('/api/workbench/inbox')).body.rows.find((r) => r.id === sub)?.round === 2, 10_000, 're-delivery');

    await page.reload();
    // Opened again (here by its URL): asked again, not remembered.
    await page.getByTestId('reason-ok').waitFor();
    expect(await page.getByTestId('reason-ok').isDisabled()).toBe(true);
    await chooseReason(page, '审核办理');
    await expect.poll(() => page.getByTestId('field-xm').textContent()).toBe('王小贝');
    expect(await page.getByTestId('download-householdRegister').count()).toBe(1);
    const download = page.waitForEvent('download');
    await page.getByTestId('download-householdRegister').click();
    expect((await download).suggestedFilename()).toBe('户口簿.pdf');

    // 受理, then 办结 with the output the item declares, validated at the field.
    await page.getByTestId('action-accept').click();
    await page.getByTestId('accept-ok').click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('办理中');
    await page.getByTestId('action-complete').click();
    const idInput = page.getByTestId('output-input-child.idNumber');
    // The output is labelled by its title with its format help, not by its key.
    const outputItem = page.locator('.ant-form-item', { has: idInput });
    expect(await outputItem.innerText()).toContain('18 位，末位可为 X');
    expect(await outputItem.innerText()).not.toContain('child.idNumber');
    const childId = randomIdNumber('2026-11-21');
    await idInput.fill(childId.slice(0, 17) + (childId[17] === '1' ? '2' : '1'));
    await page.getByTestId('complete-ok').click();
    await expect.poll(() => page.locator('.ant-form-item-explain-error').textContent()).toMatch(/校验码/);
    await idInput.fill(childId);
    await page.getByTestId('complete-ok').click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('已办结');
    expect(await page.getByTestId('output-child.idNumber').textContent()).toBe(childId);
    await screenshot(page, 'workbench-completed');
    // The history says who in words: the applicant, the platform, this officer; never citizen:…, staff:… or dispatch.
    const actors = await page.getByTestId('history-actor').allInnerTexts();
    expect(actors).toContain('申请人');
    expect(actors).toContain('系统自动推送');
    expect(actors).toContain('公安局窗口工作人员');
    expect(actors.join(' ')).not.toMatch(/citizen:|staff:|dispatch/);
    expect(await page.locator('.ant-descriptions-item-label code').count()).toBe(0);
    // The same page in English, labels from the dictionary's English titles.
    await page.getByRole('button', { name: /切换到英文/ }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('Completed');
    expect(await page.getByText("Newborn's name").count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await context.close();

    // 医保 staff: not in their inbox, and opening it directly finds nothing.
    const other = await signedIn(browser, ts.url, 'staff-medicalInsurance');
    await other.page.goto(`${ts.url}/workbench/${sub}`);
    await chooseReason(other.page, '材料核验');
    await other.page.getByTestId('not-found').waitFor({ timeout: 15_000 }).catch(async (e: unknown) => {
      await screenshot(other.page, 'workbench-failure');
      throw new Error(`no 404 page; problems: ${JSON.stringify(other.problems)}`, { cause: e });
    });
    await other.page.goto(`${ts.url}/workbench?status=all`);
    await other.page.getByText(/暂无事项|城乡居民/).first().waitFor();
    expect(await other.page.getByTestId(`inbox-row-${sub}`).count()).toBe(0);
    await other.context.close();

    // Every opening by 公安 staff is in the audit log with its reason; 医保's refused attempt is not a read.
    const audit = await db.query<{ actor_id: string; reason: string | null; action: string }>('SELECT actor_id, reason, action FROM audit_log WHERE subject = $1', [sub]);
    expect(audit.rows.filter((r) => r.actor_id === 'staff-police' && r.action === 'read-sub-application' && r.reason === '审核办理').length).toBeGreaterThanOrEqual(2);
    expect(audit.rows).toEqual(expect.arrayContaining([{ actor_id: 'staff-police', reason: '审核办理', action: 'download-material' }]));
    expect(audit.rows.some((r) => r.actor_id === 'staff-medicalInsurance')).toBe(false);
  });
});
