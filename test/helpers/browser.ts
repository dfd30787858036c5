import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
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

/**
 * A whole-page capture given up to two minutes, and tried once more after a timeout: on CI a
 * 30 s default was once exceeded after the fonts had loaded, while the two cores served another
 * browser suite as well. Animations are stopped so the compositor has one frame to render.
 */
async function capture(page: Page, file: string): Promise<void> {
  const shoot = () => page.screenshot({ path: file, fullPage: true, animations: 'disabled', timeout: 120_000 });
  try {
    await shoot();
  } catch (e) {
    if (!(e instanceof Error && e.name === 'TimeoutError')) throw e;
    await shoot();
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await capture(page, path.join(ARTIFACTS, `${name}.png`));
}

export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');

/**
 * A whole-page PNG kept as a test artifact: test/artifacts/screenshots/<page>-<lang>-<mode>.png
 * (gitignored), one per page, language and 适老化 mode, for people to look at after a run.
 */
export async function pageShot(page: Page, name: string, lang: 'zh' | 'en', elder: boolean): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await capture(page, path.join(SCREENSHOTS, `${name}-${lang}-${elder ? 'elder' : 'standard'}.png`));
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

/**
 * Retries a choice until it shows. A click that lands while antd's modal or list is still sliding
 * in is lost on a busy machine without an error, so the test waits on what the choice brings
 * (an enabled button, a new field) rather than on the click.
 */
export async function chooseUntil(choose: () => Promise<void>, chosen: () => Promise<boolean>, what: string): Promise<void> {
  await expect
    .poll(
      async () => {
        if (await chosen()) return true;
        await choose().catch(() => undefined);
        return chosen();
      },
      { timeout: 30_000, message: what },
    )
    .toBe(true);
}

/** 查阅事由: picks the reason in the workbench's dialog and opens the case. */
export async function chooseReason(page: Page, reason: string): Promise<void> {
  const ok = page.getByTestId('reason-ok');
  await ok.waitFor();
  await chooseUntil(() => page.getByTestId(`reason-${reason}`).click({ timeout: 5_000 }), () => ok.isEnabled(), `the reason ${reason} enables 查阅`);
  await ok.click();
  await ok.waitFor({ state: 'detached' });
}

/**
 * Picks `option` in an antd Select opened by clicking `field`, until `chosen` says it took. Only
 * the open list's options are clicked: closed lists stay in the page, hidden.
 */
export async function chooseOption(page: Page, field: Locator, option: string, chosen: () => Promise<boolean>): Promise<void> {
  await chooseUntil(
    async () => {
      await field.click({ timeout: 5_000 });
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option }).first().click({ timeout: 5_000 });
    },
    chosen,
    `the option ${option}`,
  );
}
