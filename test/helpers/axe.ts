// axe-core in the browser suites, under the product's CSP: the script is served by the test
// itself from a same-origin URL (script-src 'self' refuses inline scripts, and the CSP stays on).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_URL = '/__test__/axe.min.js';

/** Serves axe-core to every page of the context (or one page) at AXE_URL. */
export async function serveAxe(target: Page | BrowserContext): Promise<void> {
  await target.route(`**${AXE_URL}`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: AXE_SOURCE }));
}

/** The serious and critical findings on the page as it rests, one line each (rule, then where). */
export async function axeFindings(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    await page.addScriptTag({ url: AXE_URL });
    // Colours are judged as they settle, not halfway through a button's fade.
    await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; animation: none !important; }' });
  }
  // The page as it rests: a pointer left over a button would judge antd's hover colours instead.
  await page.mouse.move(0, 0);
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: string[]; failureSummary?: string }[] }[] };
    // The root tsconfig has no DOM types (it checks the server): the page's globals are typed here.
    const g = globalThis as unknown as { axe: { run(ctx: unknown): Promise<Result> }; document: unknown };
    const r = await g.axe.run(g.document);
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  });
}
