// Misuse: HTML and script typed into answers, notes and scenario titles stay text on every page.
//
// A citizen types markup into free-text answers (one in the browser, the rest through the API), a
// designer publishes a scenario version whose bundle and item titles carry markup, and 公安 staff
// write markup into a 补正 notice. Each page that shows one of them is then opened in Chromium and
// must (a) leave window.__pwned undefined, (b) show the exact string as text, (c) hold no element
// made from it (no img[src=x], svg[onload], inline handler, iframe, javascript: link, script with
// it), and (d) open no dialog. The product's CSP is checked too: its header allows no inline script,
// and HTML deliberately injected into the live page is both caught by the checks here (so they can
// fail) and refused by the browser.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, BrowserContext, Page, Response as PageResponse } from 'playwright-core';
import { chooseReason, hasChromium, requestSupplement, screenshot } from '../helpers/browser.js';
import { ApiClient, pdf, until, type TestServer } from '../helpers/api.js';
import type { TestDatabase } from '../helpers/db.js';
import { startProduct, type ProductWithDepartments } from '../helpers/product.js';
import { NEWBORN_ANSWERS } from '../helpers/newborn.js';

// What an attacker types. Each fits the field's schema (child.name: at most 20 characters).
const CHILD_NAME = '<svg onload=alert()>';
const BIRTH_PLACE = '<img src=x onerror="window.__pwned=1">长沙市';
const FATHER_NAME = '"><svg onload=window.__pwned=1>';
const HEAD_NAME = 'javascript:alert(1)';
const ADDRESS = '<script>window.__pwned=1</script>湖南省长沙市';
const RESIDENCE = '<a href="javascript:window.__pwned=1">点我</a>';
/** Typed by 公安 staff into the 补正 notice the applicant reads. */
const NOTICE = '请核对姓名<iframe src="javascript:window.__pwned=1"></iframe>';
/** Published by a designer as the bundle's and an item's titles. */
const BUNDLE_TITLE = '<img src=x onerror="window.__pwned=1">新生儿出生一件事';
const ITEM_TITLE = '<script>window.__pwned=1</script>出生登记';
/** Typed by a designer in the studio: a section title, then a broken `after:` reference. */
const SECTION_TITLE = '"><svg onload=window.__pwned=1>新生儿信息';
const BAD_REF = '<script>alert(1)</script>';

/** How long a page may take to get somewhere on a busy machine (a wait, never an assertion on time). */
const WAIT = 60_000;

/** Answer fields (their form keys) and what the citizen put in them. */
const TYPED: Readonly<Record<string, string>> = {
  child_name: CHILD_NAME,
  child_birthPlace: BIRTH_PLACE,
  father_name: FATHER_NAME,
  household_headName: HEAD_NAME,
  household_address: ADDRESS,
  family_residenceAddress: RESIDENCE,
};

/** Elements that exist only if some string above was parsed as HTML. */
const MADE_FROM_MARKUP = ['img[src="x"]', 'svg[onload]', '[onload]', '[onerror]', 'iframe', 'a[href^="javascript:"]'];

/** A page with everything that would betray executed or parsed markup recorded. */
interface Watched {
  page: Page;
  dialogs: string[];
  /** Chromium's console reports of what the Content-Security-Policy refused. */
  refused: string[];
  errors: string[];
}

async function signedIn(browser: Browser, base: string, user: string): Promise<{ context: BrowserContext; w: Watched }> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  expect((await context.request.post(`${base}/api/auth/dev-login`, { data: { user } })).status()).toBe(200);
  const page = await context.newPage();
  // The machine running these may be busy (two cores, other suites): waits are generous, not tight.
  page.setDefaultTimeout(60_000);
  const w: Watched = { page, dialogs: [], refused: [], errors: [] };
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => w.errors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) w.refused.push(m.text());
  });
  return { context, w };
}

/** The CSP of a served page: no inline script, no eval, no wildcard, inline handlers refused. */
function expectStrictCsp(res: PageResponse | null): void {
  const csp = res?.headers()['content-security-policy'] ?? '';
  const directive = (name: string) => new RegExp(`(?:^|;)\\s*${name}\\s+([^;]*)`).exec(csp)?.[1]?.trim();
  const scriptSrc = directive('script-src');
  expect(scriptSrc, csp).toBe("'self'");
  const attr = directive('script-src-attr');
  if (attr !== undefined) expect(attr).toBe("'none'");
  expect(directive('object-src')).toBe("'none'");
}

async function visit(w: Watched, url: string): Promise<void> {
  expectStrictCsp(await w.page.goto(url));
}

/** Which of the markup-made elements are in the page now. */
async function markupElements(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const selector of MADE_FROM_MARKUP) if ((await page.locator(selector).count()) > 0) found.push(selector);
  if (await page.evaluate<boolean>('[...document.scripts].some((s) => (s.textContent || "").includes("__pwned") || (s.textContent || "").includes("alert("))')) found.push('script');
  return found;
}

/** (a)–(d) for the page as it is now; `texts` must be shown verbatim as text. */
async function expectInert(w: Watched, where: string, texts: readonly string[]): Promise<void> {
  expect(await markupElements(w.page), `${where}: elements made from typed markup`).toEqual([]);
  expect(await w.page.evaluate<unknown>('window.__pwned'), `${where}: window.__pwned`).toBeUndefined();
  const shown = await w.page.locator('body').innerText();
  for (const s of texts) expect(shown, `${where}: shows ${s} as text`).toContain(s);
  expect(w.dialogs, `${where}: dialogs`).toEqual([]);
  expect(w.refused, `${where}: nothing for the CSP to refuse`).toEqual([]);
  expect(w.errors, `${where}: page errors`).toEqual([]);
}

/**
 * The control: markup put into the live page as HTML on purpose. The checks above must see it
 * (they can fail), and the browser must refuse to run it (the CSP is a second line).
 */
async function expectControlCaughtAndRefused(w: Watched): Promise<void> {
  await w.page.evaluate(`(() => {
    const box = document.createElement('div');
    box.id = 'inert-control';
    box.innerHTML = '<img src="x" onerror="window.__pwned=1">';
    document.body.append(box);
    const s = document.createElement('script');
    s.id = 'inert-control-script';
    s.textContent = 'window.__pwned = 1';
    document.body.append(s);
  })()`);
  expect(await markupElements(w.page)).toEqual(expect.arrayContaining(['img[src="x"]', '[onerror]', 'script']));
  await expect.poll(() => w.refused.some((m) => /inline event handler/i.test(m)), { timeout: WAIT }).toBe(true);
  expect(w.refused.some((m) => /inline script/i.test(m))).toBe(true);
  expect(await w.page.evaluate<unknown>('window.__pwned')).toBeUndefined();
  await w.page.evaluate(`document.getElementById('inert-control').remove(); document.getElementById('inert-control-script').remove()`);
  w.refused.length = 0;
  expect(await markupElements(w.page)).toEqual([]);
}

/** A line of a text, 1-based, found by its content. */
function lineOf(text: string, line: string): number {
  const n = text.split('\n').indexOf(line);
  if (n < 0) throw new Error(`no line ${JSON.stringify(line)}`);
  return n + 1;
}

/** Replaces line `n` of the CodeMirror editor (after its indentation) with `text`, as typed. */
async function replaceLine(page: Page, n: number, indent: string, text: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < n; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.insertText(text);
  // CodeMirror renders only the lines in view: the edited one is found by its text.
  const edited = page.locator('.cm-content .cm-line').filter({ hasText: text });
  expect(await edited.count()).toBe(1);
  expect(await edited.innerText()).toBe(indent + text);
}

describe.runIf(hasChromium)('typed markup stays inert in Chromium', () => {
  let product: ProductWithDepartments;
  let browser: Browser;
  let db: TestDatabase;
  let ts: TestServer;
  let bundleText = '';

  beforeAll(async () => {
    // 卫健 completes by itself (simulated); 公安 is left to its staff in the workbench.
    product = await startProduct({ departments: { inbox: ['police'] } });
    ({ db, ts, browser } = product);

    // A designer publishes 2.0.0 with markup in the bundle's and 出生登记's titles.
    const designer = await ApiClient.login(ts.url, 'designer');
    const v1 = await designer.get<{ files: { path: string; text: string }[] }>('/api/studio/bundles/newborn/versions/1.0.0/files');
    expect(v1.status).toBe(200);
    const original = (path: string) => v1.body.files.find((f) => f.path === path)!.text;
    bundleText = original('bundles/newborn.yaml').replace('title: 新生儿出生一件事', `title: ${JSON.stringify(BUNDLE_TITLE)}`).replace('version: "1.0.0"', 'version: "2.0.0"');
    const itemText = original('items/birth-registration.yaml').replace('title: 出生登记', `title: ${JSON.stringify(ITEM_TITLE)}`);
    expect(bundleText).toContain(BUNDLE_TITLE.replaceAll('"', '\\"'));
    expect(itemText).toContain('<script>');
    const proposed = await designer.post<{ proposal: { id: string } }>('/api/studio/bundles/newborn/versions', {
      base: '1.0.0',
      changes: [
        { path: 'bundles/newborn.yaml', text: bundleText },
        { path: 'items/birth-registration.yaml', text: itemText },
      ],
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(202);
    // 四眼原则: published once another person approves it.
    const reviewer = await ApiClient.login(ts.url, 'reviewer');
    const published = await reviewer.post<{ version: string }>(`/api/studio/proposals/${proposed.body.proposal.id}/approve`);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.version).toBe('2.0.0');
  });
  afterAll(async () => {
    await product?.close();
  });

  it('portal and workbench: answers, titles and a 补正 notice are shown as text, never as HTML', { timeout: 240_000 }, async () => {
    // A draft with markup in free-text answers; the place of birth is typed in the browser below.
    const api = await ApiClient.login(ts.url, 'citizen-wang');
    const created = await api.post<{ id: string }>('/api/applications', { bundleId: 'newborn' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const answers = { ...NEWBORN_ANSWERS, 'child.name': CHILD_NAME, 'father.name': FATHER_NAME, 'household.headName': HEAD_NAME, 'household.address': ADDRESS, 'family.residenceAddress': RESIDENCE };
    expect((await api.put(`/api/applications/${id}/answers`, { answers })).status).toBe(200);
    const ev = await api.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await api.upload(`/api/applications/${id}/materials/${m.code}`, pdf(m.code), `${m.code}.pdf`)).status).toBe(201);
    }

    const citizen = await signedIn(browser, ts.url, 'citizen-wang');
    const page = citizen.w.page;

    // Home: the published title with markup, as text.
    await visit(citizen.w, `${ts.url}/`);
    await page.getByTestId('bundle-newborn').waitFor();
    await expectInert(citizen.w, 'home', [BUNDLE_TITLE]);
    await expectControlCaughtAndRefused(citizen.w);

    // The form, step by step: the markup stays in the inputs' values; the review shows it as text.
    await visit(citizen.w, `${ts.url}/applications/${id}/edit`);
    const heading = page.getByTestId('step-heading');
    await expect.poll(() => heading.getAttribute('data-step'), { timeout: WAIT }).toBe('newborn');
    await page.locator('[data-field="child_birthPlace"] input').fill(BIRTH_PLACE);
    await expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: WAIT }).toBe('saved');
    const seen = new Set<string>();
    const steps: string[] = [];
    for (;;) {
      const step = (await heading.getAttribute('data-step'))!;
      steps.push(step);
      if (step === 'review') break;
      for (const [key, value] of Object.entries(TYPED)) {
        const input = page.locator(`[data-field="${key}"] input`);
        if ((await input.count()) === 0) continue;
        expect(await input.inputValue(), `${step}: ${key}`).toBe(value);
        seen.add(key);
      }
      await expectInert(citizen.w, `step ${step}`, [BUNDLE_TITLE]);
      expect(steps.length).toBeLessThan(12);
      await page.getByTestId('next').click();
      await expect.poll(() => heading.getAttribute('data-step'), { timeout: WAIT }).not.toBe(step);
    }
    expect([...seen].sort()).toEqual(Object.keys(TYPED).sort());
    await page.getByTestId('review-step').waitFor();
    await expectInert(citizen.w, 'review', [BUNDLE_TITLE, ITEM_TITLE, ...Object.values(TYPED)]);
    await screenshot(page, 'inert-review');

    // Submitted as typed (after the data-sharing authorisation): the server keeps the characters, the pages keep them text.
    // Ticked once the server has recorded it: wait for its time before submitting.
    await page.getByTestId('authorise').click();
    await page.getByTestId('authorised-at').waitFor();
    await page.getByTestId('submit').click();
    await expect.poll(() => page.url(), { timeout: WAIT }).toMatch(new RegExp(`/applications/${id}$`));
    const stored = await db.query<{ answers: Record<string, unknown> }>('SELECT answers FROM applications WHERE id = $1', [id]);
    expect(stored.rows[0]!.answers).toMatchObject({ 'child.name': CHILD_NAME, 'child.birthPlace': BIRTH_PLACE, 'household.address': ADDRESS });
    await page.getByTestId('item-birth-registration').waitFor();
    await expectInert(citizen.w, 'progress', [BUNDLE_TITLE, ITEM_TITLE]);

    // 公安 staff: the inbox and the sub-application show the titles and answers as text.
    const detail = await api.get<{ items: { id: string; itemId: string }[] }>(`/api/applications/${id}`);
    const sub = detail.body.items.find((i) => i.itemId === 'birth-registration')!.id;
    const policeApi = await ApiClient.login(ts.url, 'staff-police');
    await until(async () => (await policeApi.get<{ rows: { id: string }[] }>('/api/workbench/inbox')).body.rows.some((r) => r.id === sub), 60_000, 'the registration in the police inbox');
    const police = await signedIn(browser, ts.url, 'staff-police');
    const staffPage = police.w.page;
    await visit(police.w, `${ts.url}/workbench`);
    await staffPage.getByTestId(`inbox-row-${sub}`).waitFor();
    await expectInert(police.w, 'inbox', [ITEM_TITLE]);
    expect(await staffPage.getByTestId(`open-${sub}`).innerText()).toBe(ITEM_TITLE);
    await expectControlCaughtAndRefused(police.w);

    await staffPage.getByTestId(`open-${sub}`).click();
    // Every opening asks why (审核办理, 材料核验…) before the case is read.
    await chooseReason(staffPage, '审核办理');
    await staffPage.getByTestId('field-xm').waitFor();
    const fields: Record<string, string> = { xm: CHILD_NAME, csd: BIRTH_PLACE, fqxm: FATHER_NAME, hzxm: HEAD_NAME, hjdz: ADDRESS };
    await expectInert(police.w, 'sub-application', [ITEM_TITLE, BUNDLE_TITLE, ...Object.values(fields)]);
    for (const [name, value] of Object.entries(fields)) expect(await staffPage.getByTestId(`field-${name}`).innerText(), name).toBe(value);

    // 补正 with markup in the notice: staff see it as text, and so does the applicant.
    await requestSupplement(staffPage, { fields: ['xm'] }, NOTICE);
    await expect.poll(() => staffPage.getByTestId('status').textContent(), { timeout: WAIT }).toBe('待补正');
    await expectInert(police.w, 'sub-application with a supplement request', [NOTICE, ITEM_TITLE]);
    await screenshot(staffPage, 'inert-workbench');
    await police.context.close();

    await visit(citizen.w, `${ts.url}/applications/${id}`);
    const request = page.getByTestId('supplement-birth-registration');
    await request.waitFor({ timeout: WAIT });
    await expectInert(citizen.w, 'progress with a supplement request', [BUNDLE_TITLE, ITEM_TITLE, NOTICE]);
    expect(await request.innerText()).toContain(NOTICE);
    expect(await request.locator('[data-field="child_name"] input').inputValue()).toBe(CHILD_NAME);
    await screenshot(page, 'inert-progress');

    await visit(citizen.w, `${ts.url}/applications`);
    await page.getByTestId(`application-${id}`).waitFor();
    await expectInert(citizen.w, 'my applications', [BUNDLE_TITLE]);
    expect(await page.getByTestId(`application-${id}`).innerText()).toContain(BUNDLE_TITLE);
    await citizen.context.close();
  });

  it('studio: markup in a scenario title and in a lint message is shown as text in the editor, preview and problems', { timeout: 180_000 }, async () => {
    const { context, w } = await signedIn(browser, ts.url, 'designer');
    const page = w.page;
    await visit(w, `${ts.url}/studio`);
    await page.getByTestId('studio-bundle-newborn').waitFor();
    await expectInert(w, 'studio bundles', [BUNDLE_TITLE, ITEM_TITLE]);
    expect(await page.getByTestId('studio-bundle-newborn').innerText()).toContain(BUNDLE_TITLE);
    await expectControlCaughtAndRefused(w);

    await page.getByTestId('edit-newborn').click();
    await page.locator('.cm-content').waitFor();
    await expect.poll(() => page.getByTestId('lint-status').textContent(), { timeout: WAIT }).toMatch(/检查通过/);
    await expectInert(w, 'studio editor', [BUNDLE_TITLE]);
    expect(await page.getByRole('heading', { level: 2 }).first().innerText()).toBe(BUNDLE_TITLE);

    // A section title with markup, typed: the live preview shows it as its section button's text.
    await replaceLine(page, lineOf(bundleText, '    title: 新生儿信息'), '    ', `title: ${JSON.stringify(SECTION_TITLE)}`);
    // The button of the edited section, whatever became of its title (it starts with `">` either way).
    const sectionButton = page.locator('label.ant-radio-button-wrapper').filter({ hasText: /^">/ });
    await expect.poll(() => sectionButton.count(), { timeout: WAIT }).toBe(1);
    await expect.poll(() => page.getByTestId('lint-status').textContent(), { timeout: WAIT }).toMatch(/检查通过/);
    await expectInert(w, 'studio preview', [SECTION_TITLE, BUNDLE_TITLE]);
    expect(await sectionButton.innerText()).toBe(SECTION_TITLE);
    await page.getByTestId('load-example').click();
    await page.getByTitle(/^default/).click();
    await page.getByTestId('included-birth-registration').waitFor();
    expect(await page.getByTestId('included-birth-registration').innerText()).toContain(ITEM_TITLE);
    await expectInert(w, 'studio preview with answers', [SECTION_TITLE, BUNDLE_TITLE, ITEM_TITLE]);

    // A broken reference with markup: the lint's message (in the page's language) quotes it, as text, in the list and the tooltip.
    await replaceLine(page, lineOf(bundleText, '    after: [birth-certificate]'), '    ', `after: [${JSON.stringify(BAD_REF)}]`);
    await expect.poll(() => page.getByTestId('lint-status').textContent(), { timeout: WAIT }).toMatch(/个错误/);
    const problem = page.getByTestId('problem').filter({ hasText: '不是本一件事的事项' });
    await expect.poll(() => problem.count(), { timeout: WAIT }).toBe(1);
    await expectInert(w, 'studio problems', [BAD_REF, BUNDLE_TITLE, SECTION_TITLE]);
    const message = await problem.innerText();
    expect(message).toContain(`排在“${BAD_REF}”之后`);
    const underline = page.locator('.cm-lintRange-error').filter({ hasText: BAD_REF });
    expect(await underline.count()).toBe(1);
    await underline.hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await expect.poll(() => tooltip.innerText(), { timeout: WAIT }).toContain('不是本一件事的事项');
    await expectInert(w, 'studio lint tooltip', [BAD_REF, BUNDLE_TITLE, SECTION_TITLE]);
    expect(await tooltip.innerText()).toContain(`排在“${BAD_REF}”之后`);
    await screenshot(page, 'inert-studio');
    await context.close();
  });
});
