// The home page with a province's catalogue (15+ bundles): grouped by 个人办事 / 企业办事 / 其他,
// searchable by title, item, department and pinyin initials, filterable by group, usable from
// the keyboard, in Chinese and English, standard and 长辈版, with nothing wider than the page.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasChromium, launchBrowser, pageShot } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/api.js';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { SAMPLES, manyBundles } from '../helpers/many-bundles.js';
import type { BundleSummary } from '../../shared/contracts/bundles.js';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 150 });

const GROUP: Record<string, string> = { person: 'group-person', enterprise: 'group-enterprise' };

async function open(browser: Browser, base: string, lang: 'zh' | 'en', elder: boolean, width = 1280): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  await context.addInitScript(
    ([l, e]) => {
      const store = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage;
      store.setItem('yjs.lang', l as string);
      store.setItem('yjs.elder', e ? '1' : '0');
    },
    [lang, elder] as const,
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '/');
  await poll(() => page.locator('[data-testid^="bundle-"][class*="ant-card"]').count()).toBeGreaterThanOrEqual(15);
  return { context, page, errors };
}

/** Cards shown, by bundle id. */
async function shownIds(page: Page): Promise<string[]> {
  const ids = await page.locator('.ant-card[data-testid^="bundle-"]').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { testid?: string } }).dataset.testid ?? ''));
  return ids.map((id) => id.replace(/^bundle-/, '')).sort();
}

/** Anything wider than the window (a horizontal scrollbar) or a card's text spilling out of it. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(s: string): Iterable<{ scrollWidth: number; clientWidth: number; getAttribute(n: string): string | null }> } }).document;
    const out: string[] = [];
    if (doc.documentElement.scrollWidth > doc.documentElement.clientWidth + 1) out.push(`page ${doc.documentElement.scrollWidth} > ${doc.documentElement.clientWidth}`);
    for (const card of doc.querySelectorAll('.ant-card[data-testid^="bundle-"]')) if (card.scrollWidth > card.clientWidth + 1) out.push(`${card.getAttribute('data-testid')} ${card.scrollWidth} > ${card.clientWidth}`);
    return out;
  });
}

describe.runIf(hasChromium)('the home page with a province’s catalogue', () => {
  let db: TestDatabase;
  let ts: TestServer;
  let browser: Browser;
  let bundles: BundleSummary[];

  beforeAll(async () => {
    db = await databaseTargets()[0]!.open();
    ts = await startServer(db, { SCENARIOS_DIR: manyBundles() });
    browser = await launchBrowser();
    bundles = (await (await fetch(`${ts.url}/api/bundles`)).json()) as BundleSummary[];
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await ts?.close();
    await db?.close();
  });

  it('lists every bundle under its group, 个人办事 then 企业办事 then 其他', { timeout: 120_000 }, async () => {
    expect(bundles.length).toBeGreaterThanOrEqual(15);
    for (const s of SAMPLES) expect(bundles.find((b) => b.id === s.id)?.audience ?? null, s.id).toBe(s.audience);
    const { context, page, errors } = await open(browser, ts.url, 'zh', false);
    expect(await shownIds(page)).toEqual(bundles.map((b) => b.id).sort());
    const headings = await page.locator('section.bundle-group h3').allInnerTexts();
    expect(headings.map((h) => h.replace(/\s*\d+ 件$/, ''))).toEqual(['个人办事', '企业办事', '其他']);
    for (const b of bundles) {
      const group = GROUP[b.audience ?? ''] ?? 'group-other';
      expect(await page.getByTestId(group).getByTestId(`bundle-${b.id}`).count(), `${b.id} under ${group}`).toBe(1);
    }
    expect(await page.getByTestId('bundle-count').innerText()).toBe(`共 ${bundles.length} 件事`);
    expect(await overflow(page)).toEqual([]);
    await pageShot(page, 'home-catalogue', 'zh', false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('finds by title, item, department and pinyin initials, says so when nothing matches, and clears from the keyboard', { timeout: 120_000 }, async () => {
    const { context, page, errors } = await open(browser, ts.url, 'zh', false);
    const search = page.getByRole('textbox', { name: /搜索一件事/ });
    // Reached from the keyboard: Tab from the top of the page lands in the search box before any card.
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await search.evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement);
    }
    expect(reached, 'the search box is reached with Tab').toBe(true);

    const sample = SAMPLES.find((s) => s.audience === 'enterprise')!;
    await page.keyboard.type(sample.title.slice(0, 4));
    await poll(() => shownIds(page)).toEqual([sample.id]);
    expect(await page.getByTestId('bundle-count').innerText()).toBe(`找到 1 件与“${sample.title.slice(0, 4)}”相关的事`);
    expect(await page.locator('section.bundle-group h3').allInnerTexts()).toEqual([expect.stringContaining('企业办事')]);
    // Escape clears the search: everything back.
    await page.keyboard.press('Escape');
    await poll(() => shownIds(page)).toEqual(bundles.map((b) => b.id).sort());

    // An item's title finds every bundle that includes it; a department's name every bundle it takes part in.
    const item = bundles.find((b) => b.id === 'newborn')!.items[0]!.title;
    await search.fill(item);
    await poll(() => shownIds(page)).toEqual(bundles.filter((b) => b.items.some((i) => i.title.includes(item)) || b.title.includes(item) || b.departments.some((d) => d.name.includes(item))).map((b) => b.id).sort());
    const department = bundles.find((b) => b.id === 'unemployment')!.departments.find((d) => d.code === 'hrss')!.name;
    await search.fill(department);
    const withDepartment = bundles.filter((b) => b.departments.some((d) => d.name.includes(department))).map((b) => b.id).sort();
    expect(withDepartment.length).toBeGreaterThan(1);
    await poll(() => shownIds(page)).toEqual(withDepartment);

    // Pinyin initials: xsecs is 新生儿出生.
    await search.fill('xsecs');
    await poll(() => shownIds(page)).toContain('newborn');
    expect(await shownIds(page)).not.toContain('business-startup');

    await search.fill('没有这件事');
    await poll(() => page.getByTestId('bundle-empty').isVisible()).toBe(true);
    expect(await shownIds(page)).toEqual([]);
    expect(await page.getByTestId('bundle-empty').innerText()).toContain('没有找到与“没有这件事”相关的一件事');
    await page.getByTestId('bundle-search-clear').focus();
    await page.keyboard.press('Enter');
    await poll(() => shownIds(page)).toEqual(bundles.map((b) => b.id).sort());
    expect(errors).toEqual([]);
    await context.close();
  });

  it('filters by 个人 / 企业, and in English finds by the English title', { timeout: 120_000 }, async () => {
    const { context, page, errors } = await open(browser, ts.url, 'zh', false);
    await page.getByTestId('audience-filter').getByText(/^企业办事/).click();
    await poll(() => shownIds(page)).toEqual(bundles.filter((b) => b.audience === 'enterprise').map((b) => b.id).sort());
    await page.getByTestId('audience-filter').getByText(/^个人办事/).click();
    await poll(() => shownIds(page)).toEqual(bundles.filter((b) => b.audience === 'person').map((b) => b.id).sort());
    await context.close();

    const en = await open(browser, ts.url, 'en', false);
    expect(await en.page.locator('section.bundle-group h3').allInnerTexts()).toEqual([expect.stringContaining('For individuals'), expect.stringContaining('For businesses'), expect.stringContaining('Other')]);
    const newborn = bundles.find((b) => b.id === 'newborn')!;
    await en.page.getByRole('textbox', { name: /Search life events/ }).fill(newborn.titleEn);
    await poll(() => shownIds(en.page)).toEqual(bundles.filter((b) => b.titleEn.toLowerCase().includes(newborn.titleEn.toLowerCase())).map((b) => b.id).sort());
    await en.page.getByRole('textbox', { name: /Search life events/ }).fill('nothing like this');
    await poll(() => en.page.getByTestId('bundle-empty').innerText()).toContain('No life event matches "nothing like this"');
    expect([...errors, ...en.errors]).toEqual([]);
    await en.context.close();
  });

  it('keeps everything inside the page in 长辈版 and on a phone, in both languages', { timeout: 180_000 }, async () => {
    for (const lang of ['zh', 'en'] as const) {
      for (const [elder, width] of [[true, 1280], [true, 390], [false, 390]] as const) {
        const { context, page, errors } = await open(browser, ts.url, lang, elder, width);
        expect(await overflow(page), `${lang} ${elder ? '长辈版' : 'standard'} ${width}px`).toEqual([]);
        if (elder) expect(await page.locator('html.elder').count()).toBe(1);
        await pageShot(page, `home-catalogue-${width}`, lang, elder);
        expect(errors).toEqual([]);
        await context.close();
      }
    }
  });
});
