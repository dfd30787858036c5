// 办结文书 in Chromium: 公安 staff attach the result document in the 办结 dialog, and the applicant
// downloads it from their application's follow page.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chooseReason, hasChromium, screenshot } from '../helpers/browser.js';
import { ApiClient, pdf, until, type TestServer } from '../helpers/api.js';
import { startProduct, type ProductWithDepartments } from '../helpers/product.js';
import { fileNewborn } from '../helpers/newborn.js';
import { randomIdNumber } from '../../server/simulator/outputs.js';

async function signedIn(browser: Browser, base: string, user: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
  expect((await context.request.post(`${base}/api/auth/dev-login`, { data: { user } })).status()).toBe(200);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { context, page, problems };
}

describe.runIf(hasChromium)('result documents in Chromium', () => {
  let product: ProductWithDepartments;
  let browser: Browser;
  let ts: TestServer;

  beforeAll(async () => {
    // 卫健 is played by the simulator, so 出生登记 reaches 公安's staff.
    product = await startProduct({ departments: { inbox: ['police'] } });
    ({ ts, browser } = product);
  });
  afterAll(async () => {
    await product?.close();
  });

  it('staff attach a document in the 办结 dialog (a wrong file is refused at its row); the citizen downloads it from the follow page', { timeout: 90_000 }, async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-wang');
    const filed = await fileNewborn(citizen);
    const sub = filed.items.find((i) => i.itemId === 'birth-registration')!.id;
    const police = await ApiClient.login(ts.url, 'staff-police');
    await until(async () => (await police.get<{ rows: { id: string }[] }>('/api/workbench/inbox')).body.rows.some((r) => r.id === sub), 20_000, 'the registration in the police inbox');

    const staff = await signedIn(browser, ts.url, 'staff-police');
    const page = staff.page;
    await page.goto(`${ts.url}/workbench/${sub}`);
    await chooseReason(page, '审核办理');
    await page.getByTestId('action-accept').click();
    await page.getByTestId('accept-ok').click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('办理中');

    await page.getByTestId('action-complete').click();
    await page.getByTestId('output-input-child.idNumber').fill(randomIdNumber('2026-11-21'));
    const certificate = pdf(`户口登记证明 ${sub}`);
    await page.getByTestId('document-input').setInputFiles([
      { name: '户口登记证明.pdf', mimeType: 'application/pdf', buffer: certificate },
      { name: '说明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('only text, named like a PDF') },
    ]);
    // Each file gets a title from its name, editable.
    expect(await page.getByTestId('document-title-0').inputValue()).toBe('户口登记证明');
    await page.getByTestId('complete-ok').click();
    // The server judges by content: the second file is refused at its own row, nothing is completed.
    await expect.poll(() => page.getByTestId('document-error-1').textContent()).toContain('文件内容不是 PDF、JPEG、PNG 或 OFD');
    expect(await page.getByTestId('document-error-0').count()).toBe(0);
    await screenshot(page, 'complete-dialog-documents');
    await page.getByRole('button', { name: '移除 说明.pdf' }).click();
    await page.getByTestId('complete-ok').click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('已办结');
    const listed = page.getByTestId('result-documents');
    await expect.poll(() => listed.innerText()).toContain('户口登记证明');
    expect(await listed.innerText()).toContain('户口登记证明.pdf');
    expect(staff.problems).toEqual([]);
    await staff.context.close();

    // The applicant, on the application's follow page: the document with its file and size, downloadable.
    const applicant = await signedIn(browser, ts.url, 'citizen-wang');
    await applicant.page.goto(`${ts.url}/applications/${filed.id}`);
    const docs = applicant.page.getByTestId('documents-birth-registration');
    await docs.waitFor({ timeout: 20_000 });
    expect(await docs.innerText()).toMatch(/办结文书\s*户口登记证明\s*（户口登记证明\.pdf，\d+ 字节）/);
    await screenshot(applicant.page, 'follow-result-documents');
    const download = applicant.page.waitForEvent('download');
    await docs.getByRole('link', { name: '户口登记证明' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('户口登记证明.pdf');
    expect(readFileSync((await file.path())!).equals(certificate)).toBe(true);
    expect(applicant.problems).toEqual([]);
    await applicant.context.close();
  });
});
