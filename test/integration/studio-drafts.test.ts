import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, type TestServer } from '../helpers/api.js';
import { readScenarioFiles } from '../../server/bundles/files.js';
import { MAX_DRAFT_CHARS } from '../../shared/contracts/studio.js';
import type { Diagnostic } from '../../shared/diagnostic.js';

type Draft = { bundleId: string; base: string; changes: { path: string; text: string }[]; removed: string[]; savedAt: string };
type ErrorBody = { error: { code: string; message: string; messageEn: string; details: { path: string; message: string; messageEn?: string }[] } };

const BUNDLE = 'bundles/newborn.yaml';
const URL = '/api/studio/bundles/newborn/draft';

describe.each(databaseTargets())('studio drafts kept on the server, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let designer: ApiClient;
  let original: string;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    designer = await ApiClient.login(ts.url, 'designer');
    original = readScenarioFiles(ts.config.scenariosDir).find((f) => f.path === BUNDLE)!.text;
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  it('saves a draft, reads it back, replaces it on the next save and discards it', async () => {
    expect((await designer.get<{ draft: Draft | null }>(URL)).body).toEqual({ draft: null });

    const edited = original.replace('titleEn: Birth of a child', 'titleEn: Birth of a baby');
    const saved = await designer.put<Draft>(URL, { base: '1.0.0', changes: [{ path: BUNDLE, text: edited }] });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ bundleId: 'newborn', base: '1.0.0', changes: [{ path: BUNDLE, text: edited }], removed: [] });
    expect(saved.body.savedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await designer.get<{ draft: Draft | null }>(URL)).body.draft).toEqual(saved.body);

    const again = original.replace('titleEn: Birth of a child', 'titleEn: A new child');
    expect((await designer.put<Draft>(URL, { base: '1.0.0', changes: [{ path: BUNDLE, text: again }, { path: 'items/extra.yaml', text: 'id: extra\n' }] })).status).toBe(200);
    const read = await designer.get<{ draft: Draft }>(URL);
    expect(read.body.draft.changes).toEqual([
      { path: BUNDLE, text: again },
      { path: 'items/extra.yaml', text: 'id: extra\n' },
    ]);

    expect((await designer.request('DELETE', URL)).status).toBe(204);
    expect((await designer.get<{ draft: Draft | null }>(URL)).body).toEqual({ draft: null });
    // Discarding what is not there is not an error: a second click, another tab.
    expect((await designer.request('DELETE', URL)).status).toBe(204);
  });

  it("shows a designer only their own draft; citizens, staff and reviewers get 403, nobody signed in 401", async () => {
    const mine = original.replace('titleEn: Birth of a child', 'titleEn: Mine');
    expect((await designer.put(URL, { base: '1.0.0', changes: [{ path: BUNDLE, text: mine }] })).status).toBe(200);

    // A second designer: the administrator grants the role to another person.
    const other = await ApiClient.login(ts.url, 'clerk');
    const admin = await ApiClient.login(ts.url, 'admin');
    expect((await admin.post('/api/admin/role-grants', { userId: 'clerk', role: 'designer' })).status).toBe(201);
    try {
      expect((await other.get<{ draft: Draft | null }>(URL)).body).toEqual({ draft: null });
      const theirs = original.replace('titleEn: Birth of a child', 'titleEn: Theirs');
      expect((await other.put(URL, { base: '1.0.0', changes: [{ path: BUNDLE, text: theirs }] })).status).toBe(200);
      expect((await other.get<{ draft: Draft }>(URL)).body.draft.changes[0]?.text).toBe(theirs);
      // Neither save nor discard touches the other designer's draft.
      expect((await designer.get<{ draft: Draft }>(URL)).body.draft.changes[0]?.text).toBe(mine);
      expect((await other.request('DELETE', URL)).status).toBe(204);
      expect((await designer.get<{ draft: Draft }>(URL)).body.draft.changes[0]?.text).toBe(mine);
    } finally {
      expect((await admin.request('DELETE', '/api/admin/role-grants/clerk')).status).toBe(204);
    }

    for (const user of ['citizen-li', 'staff-police', 'reviewer']) {
      const c = await ApiClient.login(ts.url, user);
      const got = await c.get<ErrorBody>(URL);
      expect(got.status, user).toBe(403);
      expect(got.body.error.message).toBe('无权执行此操作');
      expect((await c.put(URL, { base: '1.0.0', changes: [] })).status, user).toBe(403);
      expect((await c.request('DELETE', URL)).status, user).toBe(403);
    }
    expect((await new ApiClient(ts.url).get(URL)).status).toBe(401);
    expect((await designer.request('DELETE', URL)).status).toBe(204);
  });

  it('refuses a draft that is too large (413) or malformed, naming the part, in Chinese and English', async () => {
    const half = Math.ceil(MAX_DRAFT_CHARS / 2) + 10;
    const big = await designer.put<ErrorBody>(URL, {
      base: '1.0.0',
      changes: [
        { path: 'items/a.yaml', text: 'x'.repeat(half) },
        { path: 'items/b.yaml', text: 'y'.repeat(half) },
      ],
    });
    expect(big.status).toBe(413);
    expect(big.body.error.message).toMatch(/^草稿过大：共 \d+ 个字符，上限为 600000 个字符$/);
    expect(big.body.error.messageEn).toMatch(/too large/);
    expect(big.body.error.details).toEqual([expect.objectContaining({ path: 'changes', message: '修改的文件合计不能超过 600000 个字符' })]);

    const oneFile = await designer.put<ErrorBody>(URL, { base: '1.0.0', changes: [{ path: BUNDLE, text: 'z'.repeat(520_000) }] });
    expect(oneFile.status).toBe(400);
    expect(oneFile.body.error.details.map((d) => d.path)).toEqual(['changes[0].text']);

    const path = await designer.put<ErrorBody>(URL, { base: '1.0.0', changes: [{ path: '../etc/passwd', text: 'x' }], extra: 1 });
    expect([400, 422]).toContain(path.status);
    expect(path.body.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['changes[0].path']));

    const unknownBase = await designer.put<ErrorBody>(URL, { base: '9.9.9', changes: [{ path: BUNDLE, text: original }] });
    expect(unknownBase.status).toBe(404);
    expect(unknownBase.body.error.message).toContain('没有这个版本');
    expect((await designer.get<{ draft: Draft | null }>(URL)).body).toEqual({ draft: null });
  });

  it('proposing the edits for publishing removes the draft', async () => {
    const next = original.replace(/^version: .*$/m, 'version: "1.1.0"');
    expect((await designer.put(URL, { base: '1.0.0', changes: [{ path: BUNDLE, text: next }] })).status).toBe(200);
    const proposed = await designer.post('/api/studio/bundles/newborn/versions', { base: '1.0.0', changes: [{ path: BUNDLE, text: next }] });
    expect(proposed.status).toBe(202);
    expect((await designer.get<{ draft: Draft | null }>(URL)).body).toEqual({ draft: null });
  });

  it('the check answers every finding in Chinese and in English, with its code', async () => {
    const broken = original.replace('  - item: birth-registration\n', '  - item: birth-registraton\n');
    const res = await designer.post<{ diagnostics: Diagnostic[] }>('/api/studio/bundles/newborn/check', { base: '1.0.0', changes: [{ path: BUNDLE, text: broken }] });
    expect(res.status).toBe(200);
    expect(res.body.diagnostics[0]).toMatchObject({
      code: 'unknown-item',
      message: 'bundle "newborn" (新生儿出生一件事): unknown item "birth-registraton" (did you mean "birth-registration"?)',
      messageZh: '一件事“新生儿出生一件事”中有未知的事项“birth-registraton”（是否应为“birth-registration”？）',
    });
  });
});
