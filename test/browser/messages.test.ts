// The 消息中心 in Chromium: a citizen with notices sees the unread count in the header, reads one
// (the badge goes down), reads the rest, turns SMS off; on a phone the count rides on the menu
// button and the drawer. An operator sees a parked SMS notice in the console and retries it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { hasChromium, screenshot } from '../helpers/browser.js';
import { ApiClient, until, type TestServer } from '../helpers/api.js';
import type { TestDatabase } from '../helpers/db.js';
import { startProduct, type Product } from '../helpers/product.js';
import { fileNewborn } from '../helpers/newborn.js';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });

describe.runIf(hasChromium)('the 消息中心 in Chromium', () => {
  let product: Product;
  let browser: Browser;
  let ts: TestServer;
  let db: TestDatabase;

  beforeAll(async () => {
    product = await startProduct();
    ({ ts, browser, db } = product);
  });
  afterAll(async () => {
    await product?.close();
  });

  async function signedIn(user: string, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; problems: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport });
    expect((await context.request.post(`${ts.url}/api/auth/dev-login`, { data: { user } })).status()).toBe(200);
    const problems: string[] = [];
    context.on('page', (page) => {
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('response', (r) => {
        if (r.status() >= 500) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
      });
    });
    return { context, problems };
  }

  it('shows the unread count in the header, and it goes down as the citizen reads', { timeout: 90_000 }, async () => {
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    await fileNewborn(wang);
    await fileNewborn(wang);

    const { context, problems } = await signedIn('citizen-wang', { width: 1280, height: 900 });
    const page = await context.newPage();
    await page.goto(`${ts.url}/`);
    const badge = page.getByTestId('unread-link');
    await poll(() => badge.getAttribute('data-unread')).toBe('2');
    expect(await badge.innerText()).toContain('消息');
    await badge.click();
    await poll(() => page.url()).toMatch(/\/messages$/);
    const items = page.locator('[data-testid^="message-"]');
    await poll(() => items.count()).toBe(2);
    const first = items.first();
    expect(await first.getAttribute('data-read')).toBe('false');
    // Titles and Beijing time, never an id.
    const text = await first.innerText();
    expect(text).toContain('申请已提交');
    expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）提交/);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    await screenshot(page, 'messages-01-unread');

    await first.getByRole('button', { name: '标为已读' }).click();
    await poll(() => first.getAttribute('data-read')).toBe('true');
    await poll(() => badge.getAttribute('data-unread')).toBe('1');
    await poll(() => page.getByTestId('unread-badge').innerText()).toContain('1');
    await poll(() => page.getByTestId('messages-unread').innerText()).toBe('未读 1 条');

    await page.getByTestId('messages-read-all').click();
    await poll(() => badge.getAttribute('data-unread')).toBe('0');
    // It stays read on the server: a reload shows none unread.
    await page.reload();
    await poll(() => page.getByTestId('messages-unread').innerText()).toBe('未读 0 条');

    // English, and SMS off.
    await page.getByRole('button', { name: /EN/ }).click();
    await poll(() => page.getByTestId('messages-unread').innerText()).toBe('0 unread');
    expect(await items.first().innerText()).toContain('Application submitted');
    await page.getByTestId('sms-switch').click();
    await poll(async () => (await wang.get<{ sms: boolean }>('/api/me/notification-settings')).body.sms).toBe(false);
    await screenshot(page, 'messages-02-read');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('on a phone the count rides on the menu button and in the drawer', { timeout: 60_000 }, async () => {
    const li = await ApiClient.login(ts.url, 'citizen-li');
    await fileNewborn(li);
    const { context, problems } = await signedIn('citizen-li', { width: 375, height: 740 });
    const page = await context.newPage();
    await page.goto(`${ts.url}/`);
    const menu = page.getByTestId('nav-menu-button');
    await poll(() => menu.getAttribute('aria-label')).toBe('打开菜单（1 条未读消息）');
    await menu.click();
    const drawer = page.getByTestId('nav-drawer');
    await drawer.waitFor();
    await drawer.getByTestId('unread-link').click();
    await poll(() => page.url()).toMatch(/\/messages$/);
    await page.locator('[data-testid^="message-"]').first().click();
    await poll(() => menu.getAttribute('aria-label')).toBe('打开菜单');
    // The 长辈版 toggle still sits in the drawer.
    await menu.click();
    await page.getByTestId('nav-drawer').getByTestId('elder-toggle').waitFor();
    await screenshot(page, 'messages-03-phone');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an operator sees a parked SMS notice in the console and sends it again', { timeout: 60_000 }, async () => {
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    const filed = await fileNewborn(zhang);
    // No gateway reachable: the notice is parked after its attempts.
    const worker = ts.parts.createNoticeWorker({ gatewayUrl: 'http://127.0.0.1:9/sms', pollMs: 20, maxAttempts: 2, backoff: { baseMs: 10, maxGapMs: 10, jitter: 0 } });
    worker.start();
    let id: string;
    try {
      id = await until(async () => (await db.query<{ id: string }>(`SELECT id FROM notices WHERE application_id = $1 AND channel = 'sms' AND state = 'dead'`, [filed.id])).rows[0]?.id, 15_000, 'a parked notice');
    } finally {
      await worker.stop();
    }
    const { context, problems } = await signedIn('admin', { width: 1280, height: 900 });
    const page = await context.newPage();
    await page.goto(`${ts.url}/console?tab=notices`);
    const row = page.getByTestId(`notice-${id}`);
    await row.waitFor({ timeout: 15_000 });
    const text = await row.innerText();
    expect(text).toContain('张*');
    expect(text).toContain('138****1001');
    expect(text).not.toContain('13800731001');
    await screenshot(page, 'messages-04-console');
    await page.getByTestId(`notice-retry-${id}`).click();
    await poll(() => row.count()).toBe(0);
    expect((await db.query<{ state: string }>('SELECT state FROM notices WHERE id = $1', [id])).rows[0]!.state).toBe('queued');
    expect(problems).toEqual([]);
    await context.close();
  });
});
