import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { chooseOption, hasChromium, launchBrowser, screenshot } from '../helpers/browser.js';
import { ApiClient, startServer, type TestServer } from '../helpers/api.js';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { Browser as HandDriven, CLIENT_ID, CLIENT_SECRET, startTestProvider, type TestProvider } from '../helpers/oidc.js';

describe.runIf(hasChromium)('sign-in through the identity provider in Chromium', () => {
  let db: TestDatabase;
  let op: TestProvider & { configure(redirectUri: string, postLogoutRedirectUri: string): void };
  let ts: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    db = await databaseTargets()[0]!.open();
    op = await startTestProvider();
    ts = await startServer(db, { OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET });
    op.configure(`${ts.url}/api/auth/oidc/callback`, `${ts.url}/`);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await ts?.close();
    await op?.close();
    await db?.close();
  });

  it('the button leads to the provider and back signed in, where the page asked; signing out ends the provider session too', { timeout: 60_000 }, async () => {
    op.signInAs({ sub: 'sub-zhou-0009', name: '周晓明', id_number: '430102199003077716', phone_number: '13800731001' });
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${ts.url}/login?next=${encodeURIComponent('/applications')}`);
      const button = page.getByTestId('login-oidc');
      await expect.poll(() => button.innerText()).toContain('通过统一身份认证登录');
      // DEMO is on here too: the demo list stays below the button.
      await page.getByTestId('login-citizen-zhang').waitFor();
      await button.click();
      await page.waitForURL(`${ts.url}/applications`);
      await expect.poll(() => page.getByTestId('user-menu').innerText()).toContain('周晓明');
      expect(op.logins).toBe(1);

      await page.getByTestId('user-menu').hover();
      await page.getByText('退出登录').click();
      // The provider asks to confirm; confirmed, it sends the browser back here.
      await page.waitForURL((u) => u.href.startsWith(op.issuer));
      await page.getByRole('button', { name: '退出' }).click();
      await page.waitForURL(`${ts.url}/`);
      const me = (await (await context.request.get(`${ts.url}/api/auth/me`)).json()) as { user: unknown };
      expect(me.user).toBeNull();

      // The provider forgot her: signing in again needs a login there.
      await page.goto(`${ts.url}/login`);
      await page.getByTestId('login-oidc').click();
      await page.waitForURL(`${ts.url}/`);
      expect(op.logins).toBe(2);
      expect(problems).toEqual([]);
    } catch (err) {
      await screenshot(page, 'oidc-failure');
      throw err;
    } finally {
      await context.close();
    }
  });

  it('an administrator finds a person who signed in and grants, then revokes, a staff role in the console', { timeout: 60_000 }, async () => {
    // 吴小红 signs in once through the provider (driven by hand here; the button is tested above).
    op.signInAs({ sub: 'sub-wu-0010', name: '吴小红', id_number: '430104199208154327' });
    const hand = new HandDriven();
    const start = await hand.request(`${ts.url}/api/auth/oidc/login?returnTo=%2F`);
    const back = await hand.follow(start.location!, `${ts.url}/api/auth/oidc/callback`);
    expect((await hand.request(back.url)).status).toBe(303);
    const me = JSON.parse((await hand.request(`${ts.url}/api/auth/me`, { headers: { accept: 'application/json' } })).text) as { user: { id: string } };
    const admin = await ApiClient.login(ts.url, 'admin');
    const police = (await admin.get<{ code: string; name: string }[]>('/api/admin/departments')).body.find((d) => d.code === 'police')!;

    const context = await browser.newContext({ locale: 'zh-CN' });
    expect((await context.request.post(`${ts.url}/api/auth/dev-login`, { data: { user: 'admin' } })).status()).toBe(200);
    const page = await context.newPage();
    try {
      await page.goto(`${ts.url}/console?tab=roles`);
      await page.getByLabel('查找用户').fill('吴小红');
      await page.getByLabel('查找用户').press('Enter');
      const row = page.locator('tr', { hasText: '4301**********4327' });
      await row.waitFor();
      await chooseOption(page, row.getByLabel('角色'), '部门工作人员', async () => (await row.getByLabel('部门').count()) > 0);
      const grant = page.getByTestId(`grant-${me.user.id}`);
      await chooseOption(page, row.getByLabel('部门'), police.name, () => grant.isEnabled());
      await grant.click();
      await page.getByText('已授予 吴小红').waitFor();
      await page.getByTestId(`revoke-${me.user.id}`).waitFor();
      // Her session, unchanged, is police staff from its next request.
      const now = JSON.parse((await hand.request(`${ts.url}/api/auth/me`, { headers: { accept: 'application/json' } })).text) as { user: { role: string; department: string } };
      expect(now.user).toMatchObject({ role: 'staff', department: 'police' });

      await page.getByTestId(`revoke-${me.user.id}`).click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
      await page.getByText('已收回 吴小红 的角色').waitFor();
      const after = JSON.parse((await hand.request(`${ts.url}/api/auth/me`, { headers: { accept: 'application/json' } })).text) as { user: { role: string } };
      expect(after.user.role).toBe('citizen');
    } catch (err) {
      await screenshot(page, 'role-grants-failure');
      throw err;
    } finally {
      await context.close();
    }
  });
});
