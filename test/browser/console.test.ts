import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, screenshot } from '../helpers/browser.js';
import { ApiClient, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { startProduct, type Product } from '../helpers/product.js';
import { fileNewborn } from '../helpers/newborn.js';

type Dead = { id: string; applicationId: string; department: string; itemId: string };
type Detail = { items: { id: string; status: string }[] };

describe.runIf(hasChromium)('operator console in Chromium', () => {
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

  it('an admin sees a dead delivery with its attempts, retries it, and it completes', { timeout: 90_000 }, async () => {
    const admin = await ApiClient.login(ts.url, 'admin');
    const citizen = await ApiClient.login(ts.url, 'citizen-zhang');

    // Every department unreachable: the first items of the bundle die after two attempts.
    const broken = ts.parts.createWorker({ pollMs: 20, maxAttempts: 2, backoff: { baseMs: 10, maxGapMs: 10, jitter: 0 }, targetFor: () => ({ channel: 'webhook', url: 'http://127.0.0.1:9/departments/x', secret: 's' }) });
    broken.start();
    let dead: Dead;
    let applicationId: string;
    try {
      applicationId = (await fileNewborn(citizen)).id;
      dead = await until(async () => (await admin.get<Dead[]>('/api/admin/deliveries?state=dead')).body.find((d) => d.applicationId === applicationId && d.department === 'health'), 15_000, 'a dead delivery');
    } finally {
      await broken.stop();
    }

    // The departments are back.
    const sim = await startSimulator(ts);
    const worker = workerTo(ts, sim.url);
    worker.start();
    try {
      const context = await browser.newContext({ locale: 'zh-CN' });
      expect((await context.request.post(`${ts.url}/api/auth/dev-login`, { data: { user: 'admin' } })).status()).toBe(200);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 500) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });

      await page.goto(`${ts.url}/console`);
      const row = page.getByTestId(`delivery-${dead.id}`);
      await row.waitFor({ timeout: 10_000 }).catch(async (e: unknown) => {
        await screenshot(page, 'console-failure');
        throw new Error(`no dead row; the API says ${JSON.stringify((await admin.get('/api/admin/deliveries?state=dead')).body)}; problems ${JSON.stringify(problems)}`, { cause: e });
      });
      expect(await row.innerText()).toContain('birth-certificate');
      expect(await row.innerText()).toMatch(/ECONNREFUSED|connect|refused/i);
      // Every attempt, with its error.
      await row.locator('.ant-table-row-expand-icon').click();
      await expect.poll(() => page.locator('.ant-table-expanded-row').first().innerText()).toMatch(/失败|ECONNREFUSED/);
      expect(await page.locator('.ant-table-expanded-row').first().locator('tbody tr.ant-table-row').count()).toBe(2);
      await screenshot(page, 'console-dead');

      await page.getByTestId(`retry-${dead.id}`).click();
      await expect.poll(() => row.count()).toBe(0);

      // The simulated department accepts and completes it.
      await until(async () => (await citizen.get<Detail>(`/api/applications/${applicationId}`)).body.items.find((i) => i.id === dead.id)?.status === 'completed', 20_000, 'the retried item to complete');
      await page.getByTestId('delivery-state').click();
      await page.getByTitle('已办结').click();
      await page.waitForURL(/state=completed/);
      await page.getByTestId(`delivery-${dead.id}`).waitFor();

      // Per department: one success out of three attempts, nothing queued or dead any more.
      await page.getByRole('tab', { name: '部门投递概况' }).click();
      const health = page.getByTestId('department-health');
      await health.waitFor();
      await expect.poll(() => page.getByTestId('rate-health').innerText()).toContain('33.3%');
      expect(await page.getByTestId('queue-health').innerText()).toBe('0');
      await screenshot(page, 'console-departments');

      // The audit log shows a staff member's reasoned read.
      const staff = await ApiClient.login(ts.url, 'staff-health');
      expect((await staff.get(`/api/workbench/sub-applications/${dead.id}?reason=${encodeURIComponent('督办检查')}`)).status).toBe(200);
      await page.getByRole('tab', { name: '审计日志' }).click();
      await page.getByTestId('audit-actor').locator('input').fill('staff-health');
      await page.getByTestId('audit-actor').locator('input').press('Enter');
      await expect.poll(() => page.locator('.ant-table-tbody').last().innerText()).toContain('督办检查');
      // Who and what in words: the staff member's name and role, the item and department, the way in; no ids, no JSON.
      const entry = await page.locator('.ant-table-tbody').last().locator('tr', { hasText: '督办检查' }).first().innerText();
      expect(entry).toContain('卫生健康委员会窗口工作人员');
      expect(entry).toContain('部门工作人员');
      expect(entry).toContain('卫生健康委员会');
      expect(entry).toContain('经部门工作台');
      expect(entry).not.toContain('staff-health');
      expect(entry).not.toContain(dead.id);
      expect(entry).not.toMatch(/[{}]/);
      await screenshot(page, 'console-audit');
      await page.getByRole('button', { name: /切换到英文/ }).click();
      await expect.poll(() => page.getByRole('tab', { name: 'Audit log' }).count()).toBe(1);
      expect(await page.locator('.ant-table-tbody').last().innerText()).toContain('Read an application');
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      await worker.stop();
      await sim.close();
    }
  });
});
