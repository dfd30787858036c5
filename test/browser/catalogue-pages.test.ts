// The studio and the statistics pages with a province's catalogue (15+ bundles, a seeded year):
// the studio's list is grouped by 个人 / 企业 and searchable; the dashboard's bundle picker is
// grouped and searchable and its per-bundle chart gives each bundle a row of its own; the annual
// report's table says who applies; the public pie keeps the largest bundles and sums the rest
// as 其他, its labels clear of each other; nothing is wider than the page.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchBrowser, pageShot } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/api.js';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { SAMPLES, manyBundles } from '../helpers/many-bundles.js';
import { seedLoad } from '../../server/stats/seed.js';
import { chinaToday } from '../../shared/beijing-time.js';
import type { BundleSummary } from '../../shared/contracts/bundles.js';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 150 });

/** The page wider than the window, or a card's content spilling out of it. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type El = { scrollWidth: number; clientWidth: number; className: string };
    const doc = (globalThis as unknown as { document: { documentElement: El; querySelectorAll(s: string): Iterable<El> } }).document;
    const out: string[] = [];
    if (doc.documentElement.scrollWidth > doc.documentElement.clientWidth + 1) out.push(`page ${doc.documentElement.scrollWidth} > ${doc.documentElement.clientWidth}`);
    for (const c of doc.querySelectorAll('.ant-card-head-title, .ant-card-body > .ant-typography')) if (c.scrollWidth > c.clientWidth + 1) out.push(`${c.className} ${c.scrollWidth} > ${c.clientWidth}`);
    return out;
  });
}

/** Pairs of an SVG chart's texts whose boxes intersect: labels drawn over each other. */
async function overlappingTexts(page: Page, testId: string): Promise<string[]> {
  return page.getByTestId(testId).evaluate((root) => {
    type Box = { x: number; y: number; width: number; height: number };
    type T = { textContent: string | null; getBoundingClientRect(): Box };
    const texts = [...(root as unknown as { querySelectorAll(s: string): Iterable<T> }).querySelectorAll('svg text')].filter((t) => (t.textContent ?? '').trim());
    const boxes = texts.map((t) => ({ text: t.textContent ?? '', b: t.getBoundingClientRect() })).filter((x) => x.b.width > 0);
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.b;
        const c = boxes[j]!.b;
        // The two lines of one label touch (line height): a third of the smaller box covered is one label drawn over another.
        const w = Math.min(a.x + a.width, c.x + c.width) - Math.max(a.x, c.x);
        const h = Math.min(a.y + a.height, c.y + c.height) - Math.max(a.y, c.y);
        if (w > 0 && h > 0 && w * h > Math.min(a.width * a.height, c.width * c.height) / 3) out.push(`"${boxes[i]!.text}" over "${boxes[j]!.text}"`);
      }
    return out;
  });
}

describe.runIf(hasChromium)('the studio and statistics with a province’s catalogue', () => {
  let db: TestDatabase;
  let ts: TestServer;
  let browser: Browser;
  let bundles: BundleSummary[];

  beforeAll(async () => {
    db = await databaseTargets()[0]!.open();
    ts = await startServer(db, { SCENARIOS_DIR: manyBundles() });
    const today = chinaToday();
    await seedLoad(db, ts.parts.registry, { applications: 1000, from: `${today.slice(0, 4)}-01-01`, to: today });
    browser = await launchBrowser();
    bundles = (await (await fetch(`${ts.url}/api/bundles`)).json()) as BundleSummary[];
    expect(bundles.length).toBeGreaterThanOrEqual(15);
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    await ts?.close();
    await db?.close();
  });

  async function signedIn(user: string, lang: 'zh' | 'en' = 'zh'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript((l) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('yjs.lang', l), lang);
    const page = await context.newPage();
    expect((await page.request.post(`${ts.url}/api/auth/dev-login`, { data: { user } })).status()).toBe(200);
    return page;
  }

  const studioIds = (page: Page) => page.locator('[data-testid^="studio-bundle-"]').evaluateAll((els) => els.map((e) => ((e as unknown as { dataset: { testid?: string } }).dataset.testid ?? '').replace('studio-bundle-', '')).sort());

  it('the studio lists every bundle under 个人办事 / 企业办事 / 其他 and finds one by title, item or pinyin', { timeout: 120_000 }, async () => {
    const page = await signedIn('designer');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ts.url}/studio`);
    await poll(() => studioIds(page)).toEqual(bundles.map((b) => b.id).sort());
    for (const b of bundles) {
      const group = `studio-group-${b.audience ?? 'other'}`;
      expect(await page.getByTestId(group).getByTestId(`studio-bundle-${b.id}`).count(), `${b.id} under ${group}`).toBe(1);
    }
    const sample = SAMPLES.find((s) => s.audience === 'person')!;
    await page.getByTestId('studio-search').fill(sample.title.slice(0, 4));
    await poll(() => studioIds(page)).toEqual([sample.id]);
    await page.getByTestId('studio-search').fill('xsecs');
    await poll(() => studioIds(page)).toContain('newborn');
    await page.getByTestId('studio-search').fill('没有这件事');
    await poll(() => page.getByTestId('studio-empty').count()).toBe(1);
    await page.getByTestId('studio-search').press('Escape');
    await poll(() => studioIds(page)).toEqual(bundles.map((b) => b.id).sort());
    await page.getByTestId('studio-audience').getByText('企业办事').click();
    await poll(() => studioIds(page)).toEqual(bundles.filter((b) => b.audience === 'enterprise').map((b) => b.id).sort());
    expect(await overflow(page)).toEqual([]);
    await pageShot(page, 'studio-catalogue', 'zh', false);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the dashboard picks a bundle from a grouped, searchable list and gives each bundle its own row in the time chart', { timeout: 120_000 }, async () => {
    const page = await signedIn('admin');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ts.url}/stats`);
    await poll(() => page.getByTestId('chart-time').getAttribute('data-rendered')).toBe('true');
    // One row per bundle: the chart is as tall as its rows need, far past the 300 px of a fixed chart.
    const height = (await page.getByTestId('chart-time').boundingBox())!.height;
    expect(height).toBeGreaterThanOrEqual(bundles.length * 40);
    const rows = page.getByTestId('table-bundles').locator('tbody tr.ant-table-row');
    await poll(() => rows.count()).toBe(bundles.length);
    const sample = SAMPLES.find((s) => s.audience === 'enterprise')!;
    await poll(() => rows.filter({ hasText: sample.title }).innerText()).toContain('企业办事');
    expect(await overflow(page)).toEqual([]);
    await pageShot(page, 'stats-catalogue', 'zh', false);

    // The picker: grouped 个人办事 first, and typing narrows it to the one bundle, under its group.
    await page.getByTestId('stats-bundle').click();
    const groups = page.locator('.ant-select-dropdown:visible .ant-select-item-group');
    await poll(async () => (await groups.allInnerTexts())[0]).toBe('个人办事');
    await page.keyboard.type(sample.title.slice(0, 4));
    const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    await poll(() => options.allInnerTexts()).toEqual([sample.title]);
    expect(await groups.allInnerTexts()).toEqual(['企业办事']);
    await page.keyboard.press('Enter');
    await poll(() => new URL(page.url()).searchParams.get('bundle')).toBe(sample.id);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the annual report says who applies for each bundle and fits the page', { timeout: 120_000 }, async () => {
    const page = await signedIn('admin');
    await page.goto(`${ts.url}/stats/report`);
    const rows = page.getByTestId('report-bundles').locator('tbody tr.ant-table-row');
    await poll(() => rows.count()).toBe(bundles.length);
    for (const b of bundles.filter((x) => x.id.startsWith('sample-'))) {
      await poll(() => rows.filter({ hasText: b.title }).innerText()).toContain(b.audience === 'person' ? '个人办事' : b.audience === 'enterprise' ? '企业办事' : '其他');
    }
    await poll(() => page.getByTestId('report-chart-savings').getAttribute('data-rendered')).toBe('true');
    expect(await overlappingTexts(page, 'report-chart-savings')).toEqual([]);
    expect(await overflow(page)).toEqual([]);
    await pageShot(page, 'report-catalogue', 'zh', false);
    await page.context().close();
  });

  it('the public summary’s pie keeps the largest bundles and sums the rest as 其他, no label over another', { timeout: 120_000 }, async () => {
    for (const lang of ['zh', 'en'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript((l) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('yjs.lang', l), lang);
      const page = await context.newPage();
      await page.goto(`${ts.url}/summary`);
      await poll(() => page.getByTestId('summary-chart').getAttribute('data-rendered')).toBe('true');
      const slices = await page.getByTestId('summary-chart').locator('svg path[fill]').count();
      expect(slices).toBeGreaterThan(0);
      const labels = (await page.getByTestId('summary-chart').locator('svg text').evaluateAll((els) => els.map((e) => (e as unknown as { textContent: string | null }).textContent ?? ''))).join(' ');
      expect(labels).toContain(lang === 'zh' ? '其他' : 'others');
      expect(await overlappingTexts(page, 'summary-chart')).toEqual([]);
      expect(await overflow(page)).toEqual([]);
      await pageShot(page, 'summary-catalogue', lang, false);
      await context.close();
    }
  });
});
