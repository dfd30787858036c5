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
