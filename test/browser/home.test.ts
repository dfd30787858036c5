import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, screenshot } from '../helpers/browser.js';
import type { TestServer } from '../helpers/api.js';
import { startProduct, type Product } from '../helpers/product.js';

describe.runIf(hasChromium)('the client in Chromium', () => {
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

  it('loads the home page in Chinese under the CSP, with each life event and its savings', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(ts.url + '/');
    // The first page of the run loads the whole client: a busy machine takes more than a second.
    await expect.poll(() => page.getByTestId('bundle-newborn').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('一件事一次办');
    expect(await page.getByTestId('savings-newborn').textContent()).toMatch(/^少跑 \d+ 次 · 少交 \d+ 份材料 · [\d.]+ 天 → [\d.]+ 天$/);
    // A bundle whose time is no shorter says why instead of "20 天 → 20 天".
    const bundles = (await (await page.request.get(`${ts.url}/api/bundles`)).json()) as { id: string; savings: { days: { separately: number; criticalPath: number; promised?: { value: number } | null } } }[];
    for (const b of bundles) {
      const after = b.savings.days.promised?.value ?? b.savings.days.criticalPath;
      const text = (await page.getByTestId(`savings-${b.id}`).textContent())!;
      if (after < b.savings.days.separately) expect(text, b.id).toContain(' 天 → ');
      else expect(text, b.id).toMatch(/时限 [\d.]+ 天未缩短/);
    }
    await screenshot(page, 'home');
    await page.getByRole('button', { name: /切换到英文/ }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('One matter, one visit');
    expect(problems).toEqual([]);
  });

  it('lands each role where it works after signing in, and keeps a page asked for', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const [user, path] of [['staff-police', '/workbench'], ['designer', '/studio'], ['reviewer', '/studio/proposals'], ['admin', '/console'], ['citizen-li', '/']] as const) {
      await context.clearCookies();
      await page.goto(`${ts.url}/login?next=/`);
      await page.getByTestId(`login-${user}`).click();
      await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000, message: user }).toBe(path);
    }
    // A page asked for wins over the role's own.
    await context.clearCookies();
    await page.goto(`${ts.url}/login?next=/stats`);
    await page.getByTestId('login-admin').click();
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe('/stats');
    await context.close();
  });
});
