// Citizen portal figures in headless Chromium (issue 5, item 9), on the built client served by
// the real server (embedded PGlite, demo sign-in), CSP on:
//   1. time until the newborn form is interactive: from navigation to /apply/newborn (sign-in
//      done, a fresh page, nothing cached) until its first field is in the page and usable;
//   2. input latency per keystroke in the newborn form's largest step (父母信息, 8 fields);
//   3. the same in a generated step of 300 text fields (a bundle published for the bench).
// Latency is measured in the page: from keydown to the next frame (requestAnimationFrame, then a
// task after it, so style, layout and paint of that frame are included); "processing" is keydown
// to the end of the input event's handlers (React renders synchronously inside them).
// Targets: < 1 s; < 16 ms; < 50 ms. Figures are reported, never asserted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureClientBuilt } from '../../server/client-build.js';
import { createLogger } from '../../server/log.js';
import { PgliteDatabase } from '../../server/db/pglite.js';
import type { SourceFile } from '../../shared/yaml-source.js';
import { launchBrowser } from '../helpers/browser.js';
import { chromiumAvailable } from '../helpers/chromium.js';
import { startServer, type TestServer } from '../helpers/api.js';
import type { BenchRow } from './types.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const RUNS = 5;
const KEYS = 40;
const FIELDS = 300;

function readFolder(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.yaml')) out.push({ path: relative(dir, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

/** The shipped scenarios plus one bundle whose single item asks 300 text fields in one section. */
function withGeneratedStep(): SourceFile[] {
  let item = 'id: bench-many\ntitle: 三百个字段\ntitleEn: Three hundred fields\ndepartment: health\ntimeLimitDays: 1\nfields:\n';
  for (let i = 0; i < FIELDS; i++) item += `  f${i}: { title: 字段${i}, titleEn: Field ${i}, schema: { type: string, maxLength: 50 }, required: false }\n`;
  const ids = Array.from({ length: FIELDS }, (_, i) => `bench-many/f${i}`).join(', ');
  const bundle = `id: bench-many\ntitle: 三百个字段的一件事\ntitleEn: A 300-field bundle\nversion: "1.0.0"\nitems:\n  - item: bench-many\nsections:\n  - { id: many, title: 三百个字段, titleEn: Three hundred fields, elements: [${ids}] }\n`;
  return [...readFolder(SCENARIOS), { path: 'items/bench-many.yaml', text: item }, { path: 'bundles/bench-many.yaml', text: bundle }];
}

// Installed before any page script (init scripts are not subject to the page's CSP).
const PROBES = `
  window.__lat = { proc: [], frame: [] };
  let t0 = 0;
  addEventListener('keydown', () => { t0 = performance.now(); }, true);
  addEventListener('input', () => {
    window.__lat.proc.push(performance.now() - t0);
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => window.__lat.frame.push(performance.now() - t0);
      ch.port2.postMessage(0);
    });
  });
  new MutationObserver((_, obs) => {
    const el = document.querySelector(window.__readySelector || '#f_child_name');
    if (el && !el.disabled) { window.__ready = performance.now(); obs.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
`;

/** What PROBES leaves on the page (typed here: the root tsconfig has no DOM types). */
type Probed = { __ready?: number; __lat: { proc: number[]; frame: number[] } };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const p95 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? Number.NaN;
};

async function signedIn(browser: Browser, ts: TestServer): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const res = await context.request.post(`${ts.url}/api/auth/dev-login`, { data: { user: 'citizen-li' } });
  if (!res.ok()) throw new Error(`dev-login: ${res.status()}`);
  await context.addInitScript(PROBES);
  return context;
}

async function interactive(page: Page, url: string, selector: string): Promise<number> {
  await page.addInitScript(`window.__readySelector = ${JSON.stringify(selector)};`);
  await page.goto(url);
  try {
    await page.waitForFunction(() => (globalThis as unknown as Probed).__ready !== undefined, undefined, { timeout: 30_000 });
  } catch (e) {
    throw new Error(`${url} never became interactive; the page showed: ${(await page.locator('body').innerText()).slice(0, 300)}`, { cause: e });
  }
  return page.evaluate(() => (globalThis as unknown as Probed).__ready as number);
}

async function typing(page: Page, selector: string): Promise<{ proc: number[]; frame: number[] }> {
  await page.locator(selector).click();
  // Warm-up keystrokes are not counted: the first ones pay for lazy work (fonts, JIT).
  await page.keyboard.type('预热');
  await page.waitForTimeout(300);
  await page.evaluate(() => {
    (globalThis as unknown as Probed).__lat = { proc: [], frame: [] };
  });
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.type('a');
    await page.waitForTimeout(40);
  }
  await page.waitForTimeout(100);
  return page.evaluate(() => (globalThis as unknown as Probed).__lat);
}

export async function bench(): Promise<BenchRow[]> {
  if (!chromiumAvailable()) {
    console.error('portal: no Chromium, skipped');
    return [];
  }
  await ensureClientBuilt(createLogger('warn'));
  const db = await PgliteDatabase.open();
  const ts = await startServer(db);
  const browser = await launchBrowser();
  try {
    await ts.parts.registry.publish('bench-many', withGeneratedStep(), 'bench');
    const context = await signedIn(browser, ts);

    const ready: number[] = [];
    let editUrl = '';
    for (let i = 0; i < RUNS; i++) {
      // A new context each time: nothing cached, as on a first visit.
      const fresh = i === 0 ? context : await signedIn(browser, ts);
      const page = await fresh.newPage();
      ready.push(await interactive(page, `${ts.url}/apply/newborn`, '#f_child_name'));
      editUrl = page.url().split('?')[0]!;
      await page.close();
      if (fresh !== context) await fresh.close();
    }

    const page = await context.newPage();
    await page.goto(`${editUrl}?step=parents`);
    await page.locator('#f_mother_name').waitFor();
    const newborn = await typing(page, '#f_mother_name');
    await page.close();

    const many = await context.newPage();
    const manyReady = await interactive(many, `${ts.url}/apply/bench-many`, '#f_bench_many__f150');
    const wide = await typing(many, '#f_bench_many__f150');
    await many.close();

    return [
      { name: `newborn form interactive, cold page (median of ${RUNS})`, value: median(ready), unit: 'ms', target: { max: 1000 } },
      { name: 'keystroke → next frame, newborn largest step (8 fields), median', value: median(newborn.frame), unit: 'ms', target: { max: 16 } },
      { name: 'keystroke → next frame, newborn largest step, p95', value: p95(newborn.frame), unit: 'ms' },
      { name: 'keystroke processing, newborn largest step, median', value: median(newborn.proc), unit: 'ms' },
      { name: `${FIELDS}-field step interactive, cold page`, value: manyReady, unit: 'ms' },
      { name: `keystroke → next frame, ${FIELDS}-field step, median`, value: median(wide.frame), unit: 'ms', target: { max: 50 } },
      { name: `keystroke → next frame, ${FIELDS}-field step, p95`, value: p95(wide.frame), unit: 'ms' },
      { name: `keystroke processing, ${FIELDS}-field step, median`, value: median(wide.proc), unit: 'ms' },
    ];
  } finally {
    await browser.close();
    await ts.close();
    await db.close();
  }
}
