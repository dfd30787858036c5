// Every page of every role in Chromium, in Chinese and English, in 适老化 (长辈版) and standard
// mode: axe finds nothing serious or critical in 适老化 mode; the English pages say nothing in
// Chinese punctuation or Chinese words outside people's data, and break no English word in two;
// each page is kept as a PNG in test/artifacts/screenshots/<page>-<lang>-<mode>.png.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chooseReason, hasChromium, pageShot } from '../helpers/browser.js';
import { axeFindings, serveAxe } from '../helpers/axe.js';
import { ApiClient, until, type TestServer } from '../helpers/api.js';
import { fileNewborn, NEWBORN_ANSWERS } from '../helpers/newborn.js';
import { startProduct, type ProductWithDepartments } from '../helpers/product.js';

type Lang = 'zh' | 'en';
const LANGS: Lang[] = ['zh', 'en'];

/** The machine running these may be busy (two cores, other suites): waits are generous, not tight. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 150 });

/** People's data the pages show as typed (names, places) and an operator's name for a connector: Chinese in either language, rightly. */
const DATA = ['模拟证照库（DEMO）', '王小宝', '王芳', '陈强', '湖南省长沙市开福区湘江中路1号', '湖南省长沙市开福区', '湖南省妇幼保健院', '湖南省长沙市岳麓区麓山南路1号'];

interface Visit {
  /** File name of the screenshot: role-page. */
  name: string;
  path: string;
  /** What shows the page has loaded (beyond the spinner going). */
  ready: (page: Page) => Promise<unknown>;
  /** After loading (a dialog answered, a tab chosen). */
  then?: (page: Page, lang: Lang) => Promise<void>;
  /** The page before `then` is checked and kept too, under this name. */
  before?: string;
}

/** A browser context signed in as a demo user (or nobody), in a language and mode chosen before the first page loads. */
async function contextFor(browser: Browser, base: string, user: string | null, lang: Lang, elder: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: lang === 'en' ? 'en-GB' : 'zh-CN' });
  await serveAxe(context);
  await context.addInitScript(
    ([l, e]) => {
      const store = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage;
      store.setItem('yjs.lang', l as string);
      store.setItem('yjs.elder', e ? '1' : '0');
    },
    [lang, elder] as const,
  );
  if (user) expect((await context.request.post(`${base}/api/auth/dev-login`, { data: { user } })).status()).toBe(200);
  return context;
}

/** Loaded: no spinner, a heading, and the text no longer changing between two looks. */
async function settle(page: Page, visit: Visit): Promise<void> {
  await visit.ready(page);
  await poll(() => page.locator('.ant-spin-spinning, .ant-skeleton-active').count()).toBe(0);
  let before = '';
  await poll(async () => {
    const now = await page.locator('body').innerText();
    const same = now === before;
    before = now;
    return same;
  }).toBe(true);
}

/**
 * What an English reader would trip on: full-width punctuation anywhere in the words the page
 * says (text, accessible names, placeholders, the title), and Chinese outside people's data.
 */
async function englishProblems(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    // Text marked lang="zh-CN" is Chinese on purpose (a person's name, the 中文 switch) and is said so to screen readers.
    const ZH = '[lang^="zh"]:not(html)';
    type El = {
      textContent: string | null;
      getAttribute(n: string): string | null;
      closest(s: string): unknown;
      cloneNode(deep: boolean): El;
      querySelectorAll(s: string): Iterable<El & { remove(): void }>;
    };
    const d = (globalThis as unknown as { document: { title: string; querySelectorAll(s: string): Iterable<El> } }).document;
    const out: string[] = [d.title];
    // The words of the interface: headings, controls, labels, tabs, steps, table heads, alerts, menus.
    const chrome = 'h1,h2,h3,h4,button,label,th,[role=tab],[role=menuitem],.ant-steps-item-title,.ant-alert-message,.ant-alert-title,.ant-alert-description,.ant-descriptions-item-label,.ant-card-head-title,.ant-tag,.ant-empty-description,.ant-result-title,.ant-result-subtitle,.ant-form-item-label,.ant-typography,header a,nav a,.ant-select-selection-item,.ant-pagination,.ant-statistic-title';
    // Not yet English: a notice's text names the bundle and item as the department payload carries them (Chinese titles only).
    const NOT_YET = '[data-testid^="message-"] div.ant-typography';
    for (const el of d.querySelectorAll(chrome)) {
      if (el.closest(ZH) || el.closest('.cm-editor') || el.closest(NOT_YET)) continue;
      const copy = el.cloneNode(true);
      for (const zh of copy.querySelectorAll(ZH)) zh.remove();
      out.push(copy.textContent ?? '');
    }
    for (const el of d.querySelectorAll('[aria-label],[placeholder],[title]')) {
      if (el.closest(ZH) || el.closest('.cm-editor')) continue;
      const said = [...el.querySelectorAll(ZH)].map((z) => z.textContent ?? '');
      for (const a of ['aria-label', 'placeholder', 'title']) {
        let v = el.getAttribute(a);
        for (const z of said) v = v?.split(z).join('') ?? null;
        if (v) out.push(v);
      }
    }
    return out;
  });
  const problems = new Set<string>();
  for (const raw of texts) {
    let text = raw;
    for (const d of DATA) text = text.split(d).join('');
    if (/[：，。；（）、！？【】《》]/.test(text)) problems.add(`full-width punctuation: ${raw.trim().slice(0, 120)}`);
    else if (/[\u3400-\u9fff]/.test(text)) problems.add(`Chinese: ${raw.trim().slice(0, 120)}`);
  }
  return [...problems];
}

/** English words split over two lines in the steppers, table heads and labels ("Applic / ant"). */
async function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Rect = { top: number; height: number };
    type TextNode = { textContent: string | null };
    type Range = { setStart(n: TextNode, o: number): void; setEnd(n: TextNode, o: number): void; getClientRects(): ArrayLike<Rect> };
    const g = globalThis as unknown as {
      document: { querySelectorAll(s: string): Iterable<unknown>; createRange(): Range; createTreeWalker(root: unknown, what: number): { nextNode(): TextNode | null } };
    };
    const out: string[] = [];
    for (const root of g.document.querySelectorAll('.ant-steps-item-title, th, .ant-descriptions-item-label, [role=tab], label, button')) {
      const walker = g.document.createTreeWalker(root, 4);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        // A hyphen is a fair place to break (Re-/employment); a word itself is not.
        for (const m of text.matchAll(/[A-Za-z][A-Za-z'’]{3,}/g)) {
          const range = g.document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...Array.from(range.getClientRects())].filter((r) => r.height > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push(m[0]);
        }
      }
    }
    return out;
  });
}

describe.runIf(hasChromium)('every page in 适老化 and standard mode, in Chinese and English', () => {
  let product: ProductWithDepartments;
  let browser: Browser;
  let ts: TestServer;
  let filed: string;
  let draft: string;
  let sub: string;

  beforeAll(async () => {
    // 卫健 answers in its web inbox, so a case waits there for the workbench pages.
    product = await startProduct({ departments: { inbox: ['health'] } });
    ({ ts, browser } = product);
    const citizen = await ApiClient.login(ts.url, 'citizen-wang');
    const application = await fileNewborn(citizen);
    filed = application.id;
    sub = application.items.find((i) => i.itemId === 'birth-certificate')!.id;
    const health = await ApiClient.login(ts.url, 'staff-health');
    await until(async () => (await health.get<{ rows: { id: string }[] }>('/api/workbench/inbox')).body.rows.some((r) => r.id === sub), 30_000, 'the certificate in the health inbox');
    // A draft with every step (the card brings 领取方式), for the wizard's pages.
    draft = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    const answers = { ...NEWBORN_ANSWERS, 'choice.socialSecurityCard': true, 'card.bank': 'ICBC', 'card.withPhoto': false, 'delivery.method': 'mail', 'delivery.address': '湖南省长沙市开福区湘江中路1号' };
    expect((await citizen.put(`/api/applications/${draft}/answers`, { answers })).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await product?.close();
  });

  const heading = (page: Page) => page.locator('h1, h2').first().waitFor();
  const step = (key: string): Visit => ({
    name: `citizen-apply-${key}`,
    path: '',
    ready: async (page) => poll(() => page.getByTestId('step-heading').getAttribute('data-step')).toBe(key),
  });

  /** Every visit in both languages: 适老化 with axe (and, in English, the words), then standard. */
  async function tour(user: string | null, visits: () => Visit[]): Promise<void> {
    const findings: string[] = [];
    for (const lang of LANGS) {
      for (const elder of [true, false]) {
        const context = await contextFor(browser, ts.url, user, lang, elder);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        for (const visit of visits()) {
          await page.goto(ts.url + visit.path);
          await settle(page, visit);
          const check = async (name: string) => {
            await pageShot(page, name, lang, elder);
            if (!elder) return;
            for (const f of await axeFindings(page)) findings.push(`${name} (${lang}, 适老化): axe ${f}`);
            if (lang === 'en') {
              for (const p of await englishProblems(page)) findings.push(`${name} (en): ${p}`);
              for (const w of await brokenWords(page)) findings.push(`${name} (en): "${w}" broken over two lines`);
            }
          };
          if (visit.before) await check(visit.before);
          if (visit.then) {
            await visit.then(page, lang);
            await poll(() => page.locator('.ant-spin-spinning, .ant-skeleton-active').count()).toBe(0);
          }
          await check(visit.name);
        }
        expect(errors, `page errors (${lang}${elder ? ', 适老化' : ''})`).toEqual([]);
        await context.close();
      }
    }
    expect(findings).toEqual([]);
  }

  it('the citizen’s pages: hall, start, each step of the form, progress, messages, licences, my applications', { timeout: 600_000 }, async () => {
    await tour('citizen-wang', () => [
      { name: 'citizen-home', path: '/', ready: (p) => p.getByTestId('bundle-newborn').waitFor() },
      ...['newborn', 'parents', 'household', 'insurance', 'delivery', 'applicant', 'materials', 'review'].map((k) => ({ ...step(k), path: `/applications/${draft}/edit?step=${k}` })),
      { name: 'citizen-start', path: '/apply/unemployment', ready: (p) => p.getByTestId('step-heading').waitFor() },
      { name: 'citizen-follow', path: `/applications/${filed}`, ready: (p) => p.getByTestId('progress-count').waitFor() },
      { name: 'citizen-messages', path: '/messages', ready: (p) => p.getByTestId('sms-switch').waitFor() },
      { name: 'citizen-licences', path: '/licences', ready: heading },
      { name: 'citizen-applications', path: '/applications', ready: (p) => p.locator(`a[href="/applications/${filed}"]`).first().waitFor() },
    ]);
  });

  it('the staff member’s inbox and a case, with the reason asked', { timeout: 300_000 }, async () => {
    await tour('staff-health', () => [
      { name: 'staff-inbox', path: '/workbench', ready: (p) => p.getByTestId(`inbox-row-${sub}`).waitFor() },
      // Opened by its address, the case asks the reason first; then the case itself.
      {
        name: 'staff-case',
        path: `/workbench/${sub}`,
        ready: (p) => p.getByTestId('reason-ok').waitFor(),
        before: 'staff-reason',
        then: async (p) => {
          await chooseReason(p, '审核办理');
          await p.getByTestId('status').waitFor();
        },
      },
    ]);
  });

  it('the designer’s studio and statistics, the reviewer’s proposals', { timeout: 300_000 }, async () => {
    await tour('designer', () => [
      { name: 'designer-studio', path: '/studio', ready: heading },
      { name: 'designer-editor', path: '/studio/newborn', ready: (p) => p.getByTestId('lint-status').waitFor() },
      { name: 'designer-stats', path: '/stats', ready: (p) => p.getByTestId('stats-bundle').waitFor() },
      { name: 'designer-report', path: '/stats/report', ready: (p) => p.getByTestId('annual-report').waitFor() },
    ]);
    await tour('reviewer', () => [{ name: 'reviewer-proposals', path: '/studio/proposals', ready: heading }]);
  });

  it('the administrator’s console, tab by tab', { timeout: 300_000 }, async () => {
    await tour('admin', () =>
      ['deliveries', 'departments', 'connectors', 'notices', 'audit', 'roles'].map((tab) => ({
        name: `admin-console-${tab}`,
        path: `/console?tab=${tab}`,
        ready: (p) => p.getByRole('tabpanel').first().waitFor(),
      })),
    );
  });

  it('the public summary and the sign-in page, for anyone', { timeout: 300_000 }, async () => {
    await tour(null, () => [
      { name: 'public-summary', path: '/summary', ready: heading },
      { name: 'public-login', path: '/login', ready: (p) => p.getByTestId('login-citizen-li').waitFor() },
    ]);
  });
});
