import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { chooseUntil, hasChromium, screenshot } from '../helpers/browser.js';
import { ApiClient, type TestServer } from '../helpers/api.js';
import { startProduct, type Product } from '../helpers/product.js';
import { fileNewborn } from '../helpers/newborn.js';

/** The text of the editor's line `n` (1-based) as CodeMirror renders it. */
function lineText(page: Page, n: number): Promise<string> {
  return page.locator('.cm-content .cm-line').nth(n - 1).innerText();
}

describe.runIf(hasChromium)('designer studio in Chromium', () => {
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

  it('a designer breaks the bundle, sees the error at its line, fixes it and submits version 2, a reviewer approves it; new applications take it, earlier ones keep version 1', { timeout: 90_000 }, async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const earlier = await fileNewborn(citizen);
    expect(earlier.version).toBe('1.0.0');

    const context = await browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
    expect((await context.request.post(`${ts.url}/api/auth/dev-login`, { data: { user: 'designer' } })).status()).toBe(200);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 500) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });

    await page.goto(`${ts.url}/studio`);
    await expect.poll(() => page.getByTestId('filed-newborn-1.0.0').textContent()).toBe('1');
    await page.getByTestId('edit-newborn').click();

    // The published file, linted clean by the server's check().
    await page.locator('.cm-content').waitFor();
    await expect.poll(() => page.getByTestId('lint-status').textContent(), { timeout: 15_000 }).toMatch(/检查通过/);
    expect(await lineText(page, 34)).toBe('  - item: birth-registration');

    // The preview runs the rules: the default example asks for a social security card.
    await page.getByTestId('load-example').click();
    await page.getByTitle(/^default/).click();
    await page.getByTestId('included-social-security-card').waitFor();
    await screenshot(page, 'studio-clean');

    // Break it: a typo in an item reference on line 34.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 33; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    for (let i = 0; i < 'registration'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('registraton');
    expect(await lineText(page, 34)).toBe('  - item: birth-registraton');
    await expect.poll(() => page.getByTestId('lint-status').textContent(), { timeout: 15_000 }).toMatch(/个错误/);

    // The CLI's message, underlined where it points: line 34, column 11.
    // An answer for half-typed text may come first; the one for the finished line follows.
    const underline = page.locator('.cm-lintRange-error').first();
    await expect.poll(() => underline.innerText(), { timeout: 15_000 }).toBe('birth-registraton');
    expect(await page.locator('.cm-line', { has: page.locator('.cm-lintRange-error') }).first().innerText()).toBe('  - item: birth-registraton');
    const first = page.getByTestId('problem').first();
    // In Chinese for a designer reading Chinese; the code stays the same in both languages.
    expect(await first.innerText()).toContain('bundles/newborn.yaml:34:11: 错误：一件事“新生儿出生一件事”中有未知的事项“birth-registraton”（是否应为“birth-registration”？） [unknown-item]');
    expect(await page.getByTestId('publish').isDisabled()).toBe(true);
    await underline.hover();
    await expect.poll(() => page.locator('.cm-tooltip-lint').innerText()).toContain('未知的事项“birth-registraton”');
    await screenshot(page, 'studio-error');

    // Fix it.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 33; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    for (let i = 0; i < 'registraton'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('registration');
    await expect.poll(() => page.getByTestId('lint-status').textContent(), { timeout: 15_000 }).toMatch(/检查通过/);
    expect(await page.locator('.cm-lintRange-error').count()).toBe(0);

    // Publish version 2.
    await page.getByTestId('publish').click();
    const version = page.getByTestId('publish-version');
    expect(await version.inputValue()).toBe('2.0.0');
    // A click that lands while the dialog is still sliding in is lost on a busy machine: clicked
    // again until the submission shows (the button is loading, and takes no click, once it went).
    const submitted = page.getByTestId('submitted');
    await chooseUntil(() => page.getByTestId('publish-ok').click({ timeout: 5_000 }), async () => (await submitted.count()) > 0, 'the version submitted for review');
    // 四眼原则: submitted for review; nothing is published yet.
    await expect.poll(() => submitted.textContent()).toBe('已提交审核（版本 2.0.0）');
    expect(await lineText(page, 10)).toBe('version: "2.0.0"');
    expect((await citizen.get<{ version: string }>('/api/bundles/newborn/form')).body.version).toBe('1.0.0');

    // Export: the files of the editor as a ZIP, with the new version in the bundle file.
    const download = page.waitForEvent('download');
    await page.getByTestId('export').click();
    const file = await (await download).path();
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(bytes.includes(Buffer.from('bundles/newborn.yaml'))).toBe(true);
    expect(bytes.includes(Buffer.from('version: "2.0.0"'))).toBe(true);

    // A reviewer sees the proposal with its diff, by whom and when, and approves it.
    const reviewing = await browser.newContext({ locale: 'zh-CN' });
    expect((await reviewing.request.post(`${ts.url}/api/auth/dev-login`, { data: { user: 'reviewer' } })).status()).toBe(200);
    const review = await reviewing.newPage();
    review.on('pageerror', (e) => problems.push(e.message));
    await review.goto(`${ts.url}/studio/proposals`);
    const card = review.getByTestId('proposal-newborn-2.0.0');
    await card.waitFor();
    expect(await card.innerText()).toMatch(/新生儿出生一件事：1\.0\.0 → 2\.0\.0[\s\S]*低风险[\s\S]*场景设计员 提交于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await card.innerText()).toContain('bundles/newborn.yaml（修改）');
    await screenshot(review, 'studio-review');
    await card.getByTestId('approve').click();
    await review.getByText('已批准，版本 2.0.0 已发布').waitFor();
    await review.getByText('没有待审核的发布申请').waitFor();
    await reviewing.close();

    // The citizen form now uses version 2; the application filed before keeps version 1.
    expect((await citizen.get<{ version: string }>('/api/bundles/newborn/form')).body.version).toBe('2.0.0');
    const later = await fileNewborn(citizen);
    expect(later.version).toBe('2.0.0');
    expect((await citizen.get<{ version: string }>(`/api/applications/${earlier.id}`)).body.version).toBe('1.0.0');
    expect((await citizen.get<{ version: string }>(`/api/applications/${later.id}`)).body.version).toBe('2.0.0');

    await page.goto(`${ts.url}/studio`);
    await expect.poll(() => page.getByTestId('filed-newborn-2.0.0').textContent()).toBe('1');
    expect(await page.getByTestId('filed-newborn-1.0.0').textContent()).toBe('1');
    // Published by the designer who proposed it, by name; the first version came from the files.
    expect(await page.getByTestId('publisher-newborn-2.0.0').textContent()).toBe('场景设计员');
    expect(await page.getByTestId('publisher-newborn-1.0.0').textContent()).toBe('场景文件');
    expect(await page.getByTestId('proposal-status-2.0.0').textContent()).toBe('已批准发布');
    await screenshot(page, 'studio-versions');
    await page.getByRole('button', { name: /切换到英文/ }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent()).toBe('Designer studio');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('in English the lint speaks English; an edit is kept on the server, there again after leaving the editor, until discarded', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    await context.addInitScript("localStorage.setItem('yjs.lang', 'en')");
    expect((await context.request.post(`${ts.url}/api/auth/dev-login`, { data: { user: 'designer' } })).status()).toBe(200);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });

    await page.goto(`${ts.url}/studio`);
    await page.getByTestId('edit-newborn').click();
    await page.locator('.cm-content').waitFor();
    await expect.poll(() => page.getByTestId('lint-status').textContent(), { timeout: 15_000 }).toMatch(/Lints clean/);

    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 33; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.type('x');
    expect(await lineText(page, 34)).toBe('  - item: birth-registrationx');
    await expect.poll(() => page.getByTestId('problem').first().innerText(), { timeout: 15_000 }).toContain(
      'bundles/newborn.yaml:34:11: error: bundle "newborn" (新生儿出生一件事): unknown item "birth-registrationx" (did you mean "birth-registration"?) [unknown-item]',
    );
    // Saved on the server, with the Beijing time of the save.
    await expect.poll(() => page.getByTestId('draft-status').textContent(), { timeout: 15_000 }).toMatch(/^Draft saved \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    await screenshot(page, 'studio-draft-saved-en');

    // Leave the editor and come back: the edit is there, restored from the server.
    await page.getByRole('link', { name: /All bundles/ }).click();
    await page.getByTestId('edit-newborn').waitFor();
    await page.goto(`${ts.url}/studio/newborn`);
    await page.getByTestId('draft-restored').waitFor();
    await expect.poll(() => lineText(page, 34)).toBe('  - item: birth-registrationx');
    expect(await page.getByTestId('draft-restored').innerText()).toMatch(/Your draft saved \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(from version [\d.]+\) is restored\./);
    await expect.poll(() => page.getByTestId('lint-status').textContent(), { timeout: 15_000 }).toMatch(/\d+ error\(s\)/);

    // In Chinese, the same finding in Chinese.
    await page.getByRole('button', { name: /中文/ }).first().click();
    await expect.poll(() => page.getByTestId('problem').first().innerText()).toContain('错误：一件事“新生儿出生一件事”中有未知的事项“birth-registrationx”（是否应为“birth-registration”？） [unknown-item]');
    await screenshot(page, 'studio-draft-restored-zh');

    // Discarded explicitly: the published text again, and nothing kept on the server.
    await page.getByTestId('discard-draft').click();
    await expect.poll(() => lineText(page, 34)).toBe('  - item: birth-registration');
    await expect.poll(() => page.getByTestId('lint-status').textContent(), { timeout: 15_000 }).toMatch(/检查通过/);
    const designer = await ApiClient.login(ts.url, 'designer');
    await expect.poll(async () => (await designer.get<{ draft: unknown }>('/api/studio/bundles/newborn/draft')).body).toEqual({ draft: null });
    expect(problems).toEqual([]);
    await context.close();
  });
});
