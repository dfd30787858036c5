// Checks a person expects, in Chromium: a draft resumed from 我的办件 on another device opens
// the step where its applicant left; a father applying finds his own name and 公民身份号码
// filled from his identity (and types them when the mother applies); a birth date in the future
// is refused at the field, in Chinese and in English.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasChromium, screenshot } from '../helpers/browser.js';
import { ApiClient, type TestServer } from '../helpers/api.js';
import { startProduct, type Product } from '../helpers/product.js';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 100 });
const heading = (page: Page) => page.getByTestId('step-heading');
const group = (page: Page, name: RegExp) => page.getByRole('group', { name });

async function device(browser: Browser, base: string, user: string, lang: 'zh' | 'en' = 'zh'): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((l) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('yjs.lang', l), lang);
  expect((await context.request.post(`${base}/api/auth/dev-login`, { data: { user } })).status()).toBe(200);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

describe.runIf(hasChromium)('resuming a draft and the checks a person expects, in Chromium', () => {
  let product: Product;
  let browser: Browser;
  let ts: TestServer;

  beforeAll(async () => {
    product = await startProduct();
    ({ ts, browser } = product);
  });
  afterAll(async () => {
    await product?.close();
  });

  it('resumes a draft on another device at the step where the applicant left', { timeout: 120_000 }, async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;

    const laptop = await device(browser, ts.url, 'citizen-li');
    await laptop.page.goto(`${ts.url}/applications/${id}/edit`);
    await poll(() => heading(laptop.page).getAttribute('data-step')).toBe('newborn');
    await laptop.page.getByLabel('新生儿姓名').fill('张小明');
    await group(laptop.page, /新生儿性别/).getByLabel('男').check();
    await laptop.page.getByLabel('出生日期').fill('2026-11-20');
    await laptop.page.getByLabel('出生地点（省市县）').fill('湖南省长沙市岳麓区');
    await laptop.page.getByLabel('新生儿民族').selectOption({ label: '汉族' });
    await laptop.page.getByLabel('接生机构名称').fill('湖南省妇幼保健院');
    await laptop.page.getByTestId('next').click();
    await poll(() => heading(laptop.page).getAttribute('data-step')).toBe('parents');
    await poll(() => laptop.page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    expect(laptop.errors).toEqual([]);
    await laptop.context.close();

    // Another device: 我的办件 → 继续填写 opens 父母信息, not the first step.
    const phone = await device(browser, ts.url, 'citizen-li');
    await phone.page.goto(`${ts.url}/applications`);
    await phone.page.locator(`a[href="/applications/${id}/edit"]`).click();
    await poll(() => heading(phone.page).getAttribute('data-step')).toBe('parents');
    expect(await phone.page.getByTestId('step-heading').textContent()).toBe('父母信息');
    await screenshot(phone.page, 'draft-resumed-at-parents');
    // Back to the first step: its answers are there, and leaving here is remembered too.
    await phone.page.getByRole('button', { name: '上一步' }).click();
    await poll(() => heading(phone.page).getAttribute('data-step')).toBe('newborn');
    expect(await phone.page.getByLabel('新生儿姓名').inputValue()).toBe('张小明');
    await poll(() => phone.page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    expect((await citizen.get<{ step: string }>(`/api/applications/${id}`)).body.step).toBe('newborn');
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });

  it('fills the father’s own name and 公民身份号码 when he applies, and asks them when the mother does', { timeout: 120_000 }, async () => {
    const father = await ApiClient.login(ts.url, 'citizen-zhang');
    const id = (await father.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    const { context, page, errors } = await device(browser, ts.url, 'citizen-zhang');
    await page.goto(`${ts.url}/applications/${id}/edit?step=parents`);
    await poll(() => heading(page).getAttribute('data-step')).toBe('parents');
    const name = page.getByLabel(/父亲姓名/);
    const idNumber = page.getByLabel(/父亲公民身份号码/);
    expect(await name.inputValue()).toBe('');
    expect(await name.getAttribute('readonly')).toBeNull();

    await group(page, /申请人与新生儿关系/).getByLabel('父亲').check();
    await poll(() => name.inputValue()).toBe('张伟');
    expect(await idNumber.inputValue()).toBe('430102199003077716');
    expect(await name.getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('[data-field="father_name"] .sf-badge').textContent()).toContain('实名认证');
    await screenshot(page, 'father-prefilled');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');

    // The mother applying types the father's name.
    await group(page, /申请人与新生儿关系/).getByLabel('母亲').check();
    await poll(() => name.getAttribute('readonly')).toBeNull();
    await name.fill('陈强');
    await poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    expect((await father.get<{ answers: Record<string, unknown> }>(`/api/applications/${id}`)).body.answers).toMatchObject({ 'applicant.relation': 'mother', 'father.name': '陈强' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses a birth date in the future at the field, in English too', { timeout: 120_000 }, async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-wang');
    const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    const { context, page, errors } = await device(browser, ts.url, 'citizen-wang', 'en');
    await page.goto(`${ts.url}/applications/${id}/edit`);
    await poll(() => heading(page).getAttribute('data-step')).toBe('newborn');
    const birth = page.getByLabel('Date of birth');
    await birth.fill('2099-01-01');
    await birth.blur();
    const error = page.locator('[data-field="child_birthDate"] .sf-error');
    await poll(() => error.textContent()).toBe('The date of birth cannot be in the future');
    expect(await birth.getAttribute('aria-invalid')).toBe('true');
    // 下一步 keeps the applicant on the step, at the field.
    await page.getByTestId('next').click();
    expect(await heading(page).getAttribute('data-step')).toBe('newborn');
    await screenshot(page, 'birth-date-in-future-en');
    // Never saved: the server has no such date.
    expect((await citizen.get<{ answers: Record<string, unknown> }>(`/api/applications/${id}`)).body.answers['child.birthDate']).toBeUndefined();
    await birth.fill('2026-11-20');
    await poll(() => error.count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
