import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from './chromium.js';
import { ROOT } from './process.js';

export const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');

/**
 * Browser suites run when Chromium is installed. Outside CI its absence skips them with a warning
 * from the global setup; on CI the global setup fails the run instead.
 */
export const hasChromium = chromiumAvailable();

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');

/**
 * A whole-page PNG kept as a test artifact: test/artifacts/screenshots/<page>-<lang>-<mode>.png
 * (gitignored), one per page, language and 适老化 mode, for people to look at after a run.
 */
export async function pageShot(page: Page, name: string, lang: 'zh' | 'en', elder: boolean): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${lang}-${elder ? 'elder' : 'standard'}.png`), fullPage: true });
}

/**
 * 补正 through the workbench dialog: each box is ticked and seen ticked, and the dialog must close;
 * if the server refused, its message fails the test instead of a silent wait on the status.
 */
export async function requestSupplement(page: Page, missing: { materials?: string[]; fields?: string[] }, notice: string): Promise<void> {
  await page.getByTestId('action-supplement').click();
  const ok = page.getByTestId('supplement-ok');
  await ok.waitFor();
  const ticks = [...(missing.materials ?? []).map((c) => `missing-material-${c}`), ...(missing.fields ?? []).map((f) => `missing-field-${f}`)];
  // check() clicks and then verifies the box is ticked, so a click lost to the opening animation is retried.
  for (const id of ticks) await page.locator('label', { has: page.getByTestId(id) }).check();
  await page.getByTestId('supplement-notice').fill(notice);
  await ok.click();
  const dialog = page.locator('.ant-modal', { has: ok });
  const error = dialog.locator('.ant-alert-error');
  const outcome = await Promise.race([
    ok.waitFor({ state: 'detached', timeout: 60_000 }).then(() => 'closed' as const),
    error.waitFor({ timeout: 60_000 }).then(() => 'error' as const),
  ]);
  if (outcome === 'error') throw new Error(`the supplement request was refused: ${await error.innerText()}`);
}
