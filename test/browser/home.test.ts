import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchBrowser, screenshot } from '../helpers/browser.js';
import { listen } from '../helpers/server.js';
import { createApp } from '../../server/app.js';
import { CLIENT_DIST } from '../../server/client-build.js';
import { captureLogger, testConfig } from '../helpers/app.js';
import { freshPglite } from '../helpers/db.js';
import type { Database } from '../../server/db/types.js';

describe.runIf(hasChromium)('the client in Chromium', () => {
  let browser: Browser;
  let db: Database;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    db = await freshPglite();
    server = await listen(createApp({ db, logger: captureLogger().logger, config: testConfig(), clientDir: CLIENT_DIST }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  it('loads the home page in Chinese, under the CSP, and shows the service healthy', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(server.url + '/');
    await expect.poll(() => page.getByTestId('health').textContent()).toBe('正常');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByRole('heading', { level: 3 }).textContent()).toBe('一件事一次办');
    await screenshot(page, 'home');
    expect(problems).toEqual([]);
  });
});
