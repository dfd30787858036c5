// The statistics pages in Chromium, under the product's CSP (ECharts must draw without eval):
// the dashboard draws its five charts from a seeded year and exports a table as CSV; the annual
// report says the seed report's sentence with the API's numbers and prints without the app's
// chrome; the public summary shows the same headline to someone who is not signed in.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, screenshot } from '../helpers/browser.js';
import type { TestServer } from '../helpers/api.js';
import type { TestDatabase } from '../helpers/db.js';
import { startProduct, type Product } from '../helpers/product.js';
import { seedLoad } from '../../server/stats/seed.js';
import { chinaToday } from '../../shared/beijing-time.js';
import type { PublicSummary, StatsReport } from '../../shared/stats.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_URL = '/__test__/axe.min.js';

/** Serious and critical axe-core findings (loaded from a same-origin URL: the CSP refuses inline scripts). */
async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ url: AXE_URL });
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
    const r = await (globalThis as unknown as { axe: { run(ctx: unknown): Promise<Result> } }).axe.run((globalThis as unknown as { document: unknown }).document);
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  return problems;
}

/** The seed report's way with numbers: exact below 10,000, then 万 and 亿 with one decimal. */
function seedStyle(n: number): string {
  const short = (v: number, unit: string) => `${(Math.round(v * 10) / 10).toFixed(1).replace(/\.0$/, '')}${unit}`;
  return n >= 1e8 ? short(n / 1e8, '亿') : n >= 1e4 ? short(n / 1e4, '万') : String(n);
}

describe.runIf(hasChromium)('the statistics pages in Chromium', () => {
  let product: Product;
  let browser: Browser;
  let db: TestDatabase;
  let ts: TestServer;
  const today = chinaToday();
  const year = Number(today.slice(0, 4));

  beforeAll(async () => {
    product = await startProduct();
    ({ db, ts, browser } = product);
    await seedLoad(db, ts.parts.registry, { applications: 600, from: `${year}-01-01`, to: today });
  }, 120_000);
  afterAll(async () => {
    await product?.close();
  });

  async function signedIn(user: string): Promise<Page> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    await context.route(`**${AXE_URL}`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: AXE_SOURCE }));
    const page = await context.newPage();
    const login = await page.request.post(`${ts.url}/api/auth/dev-login`, { data: { user } });
    expect(login.status()).toBe(200);
    return page;
  }

  it('draws the dashboard’s charts and exports a table as CSV', { timeout: 90_000 }, async () => {
    const page = await signedIn('admin');
    const problems = watch(page);
    await page.goto(`${ts.url}/stats`);
    const charts = ['chart-trend', 'chart-savings', 'chart-time', 'chart-rating', 'chart-ontime'];
    for (const id of charts) {
      await expect.poll(() => page.getByTestId(id).getAttribute('data-rendered'), { timeout: 15_000, message: id }).toBe('true');
      expect(await page.getByTestId(id).locator('canvas').count()).toBe(1);
    }
    const api = (await (await page.request.get(`${ts.url}/api/stats/overview`)).json()) as StatsReport;
    expect(api.applications.filed).toBe(600);
    await expect.poll(() => page.getByTestId('stats-kpis').innerText()).toContain(api.applications.filed.toLocaleString('en-US'));
    // The two savings in documents say what each counts, and the mean rating how many ratings it rests on.
    const kpis = await page.getByTestId('stats-kpis').innerText();
    expect(kpis).toContain('免交或一份多用的材料（份）');
    expect(kpis).toContain('一份同时用于几个事项的材料');
    expect(kpis).toContain('比分别办理少交的材料（份）');
    expect(kpis).toContain('分别到各部门办理须交的份数');
    expect(kpis).toContain(`（${api.rating.count} 条）`);
    // The charts are drawn, not blank: the savings chart has coloured bars.
    const colours = await page.getByTestId('chart-savings').locator('canvas').evaluate((c) => {
      const canvas = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let blue = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 80 && data[i + 2]! > 150) blue++;
      return blue;
    });
    expect(colours).toBeGreaterThan(500);
    await screenshot(page, 'stats-dashboard');

    const download = page.waitForEvent('download');
    await page.getByTestId('table-departments-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`departments-all-${year}-01-01-${today}.csv`);
    const csv = readFileSync((await file.path())!, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['部门', '收件', '办结', '按时办结']);
    expect(lines.length).toBe(api.departments.length + 1);
    const first = api.departments[0]!;
    expect(lines[1]!.split(',').slice(0, 3)).toEqual([first.name, String(first.received), String(first.completed)]);

    // One bundle: the time chart turns to its departments.
    await page.goto(`${ts.url}/stats?bundle=newborn`);
    await expect.poll(() => page.getByTestId('chart-time').getAttribute('data-rendered'), { timeout: 15_000 }).toBe('true');
    expect(await page.getByTestId('table-bundles').count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('writes the annual report in the seed’s terms with the API’s numbers, and prints it', { timeout: 60_000 }, async () => {
    const page = await signedIn('designer');
    const problems = watch(page);
    await page.goto(`${ts.url}/stats/report?year=${year}`);
    const sentence = page.getByTestId('headline-sentence');
    await expect.poll(() => sentence.count(), { timeout: 15_000 }).toBe(1);
    const api = (await (await page.request.get(`${ts.url}/api/stats/overview?from=${year}-01-01&to=${today}`)).json()) as StatsReport;
    const h = api.headline;
    for (const [id, value] of [['headline-bundles', h.bundles], ['headline-applications', h.applications], ['headline-materials', h.materialsOnceOrWaived], ['headline-visits', h.visitsSaved]] as const) {
      expect(await page.getByTestId(id).getAttribute('data-value')).toBe(String(value));
    }
    const lead = api.bundles[0]!.title.replace(/一件事$/, '');
    const until = today.slice(5) === '12-31' ? '全年' : `截至${Number(today.slice(5, 7))}月${Number(today.slice(8, 10))}日`;
    expect(await sentence.innerText()).toBe(
      `${year}年${until}，“${lead}”等${seedStyle(h.bundles)}个“一件事”实现“一次办”，累计办理${seedStyle(h.applications)}件；${seedStyle(h.materialsOnceOrWaived)}份材料实现“只提交一次”或免于提交，群众少跑${seedStyle(h.visitsSaved)}次。`,
    );
    await expect.poll(() => page.getByTestId('report-chart-savings').getAttribute('data-rendered')).toBe('true');
    expect(await page.getByTestId('report-chart-savings').locator('svg').count()).toBe(1);
    expect(await axe(page)).toEqual([]);

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.ant-layout-header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: /打印/ }).isVisible()).toBe(false);
    expect(await sentence.isVisible()).toBe(true);
    await screenshot(page, 'stats-annual-report-print');
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('button', { name: /切换到英文/ }).click();
    await expect.poll(() => sentence.innerText()).toMatch(new RegExp(`^In ${year}.* ${h.applications.toLocaleString('en-US')} applications in all`));
    expect(problems).toEqual([]);
  });

  it('shows the headline numbers to anyone, without signing in', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    await context.route(`**${AXE_URL}`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: AXE_SOURCE }));
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${ts.url}/summary`);
    await expect.poll(() => page.getByTestId('headline-applications').getAttribute('data-value'), { timeout: 15_000 }).not.toBeNull();
    const api = (await (await page.request.get(`${ts.url}/api/public/summary`)).json()) as PublicSummary;
    expect(await page.getByTestId('headline-applications').getAttribute('data-value')).toBe(String(api.headline.applications));
    expect(await page.getByTestId('headline-visits').getAttribute('data-value')).toBe(String(api.headline.visitsSaved));
    await expect.poll(() => page.getByTestId('summary-chart').getAttribute('data-rendered')).toBe('true');
    // 满意率 with the number of ratings it comes from.
    expect(api.rating.count).toBeGreaterThan(0);
    expect(await page.locator('.ant-card', { hasText: '满意率' }).innerText()).toContain(`（${api.rating.count} 条评价）`);
    // A visitor has the public entry in the menu, not the analysts' pages.
    expect(await page.getByRole('link', { name: '改革成效' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: '统计分析' }).count()).toBe(0);
    await screenshot(page, 'stats-public-summary');
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
