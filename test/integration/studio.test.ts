import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, type TestServer } from '../helpers/api.js';
import { NEWBORN_ANSWERS } from '../helpers/newborn.js';
import { readScenarioFiles } from '../../server/bundles/files.js';
import { check } from '../../shared/lint.js';
import type { Diagnostic } from '../../shared/diagnostic.js';
import type { SourceFile } from '../../shared/yaml-source.js';

type ErrorBody = { error: { code: string; details: { path: string; message: string }[] } };
type Check = {
  bundle: { id: string; version: string; file: string } | null;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
  preview: null | {
    form: { schema: { properties: Record<string, { properties: Record<string, unknown> }> }; included: string[] };
    evaluation: { items: { id: string; included: boolean }[]; materials: { code: string; disposition: string }[] };
    savings: { items: number; materials: { separately: number; handedIn: number }; days: { separately: number; criticalPath: number } };
    examples: Record<string, { answers: Record<string, unknown> }>;
  };
};
type StudioBundle = { id: string; current: string; versions: { version: string; seq: number; applications: number; drafts: number; bundleFile: string; items: { id: string; file: string; hash: string }[] }[] };

const BUNDLE = 'bundles/newborn.yaml';

describe.each(databaseTargets())('designer studio on $kind', ({ open }) => {
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

  it('serves the files of a published version and lists bundles with their versions and items, to designers only', async () => {
    const files = await designer.get<{ files: SourceFile[] }>('/api/studio/bundles/newborn/versions/1.0.0/files');
    expect(files.status).toBe(200);
    expect(files.body.files.find((f) => f.path === BUNDLE)?.text).toBe(original);
    expect(files.body.files.map((f) => f.path)).toEqual(expect.arrayContaining(['dictionary.yaml', 'items/birth-registration.yaml']));
    expect((await designer.get('/api/studio/bundles/newborn/versions/9.9.9/files')).status).toBe(404);

    const list = await designer.get<StudioBundle[]>('/api/studio/bundles');
    const newborn = list.body.find((b) => b.id === 'newborn')!;
    expect(newborn.current).toBe('1.0.0');
    expect(newborn.versions[0]).toMatchObject({ version: '1.0.0', seq: 1, bundleFile: BUNDLE });
    expect(newborn.versions[0]!.items.find((i) => i.id === 'birth-registration')).toMatchObject({ file: 'items/birth-registration.yaml', hash: expect.stringMatching(/^[0-9a-f]{12}$/) });

    for (const user of ['citizen-li', 'staff-police', 'admin']) {
      const other = await ApiClient.login(ts.url, user);
      expect((await other.get('/api/studio/bundles')).status).toBe(403);
      expect((await other.post('/api/studio/bundles/newborn/check', { base: '1.0.0' })).status).toBe(403);
    }
    expect((await new ApiClient(ts.url).get('/api/studio/bundles/newborn/versions/1.0.0/files')).status).toBe(401);
  });

  it("lints a draft with the CLI's own check(): the same messages at the same line and column", async () => {
    const broken = original.replace('  - item: birth-registration\n', '  - item: birth-registraton\n');
    const res = await designer.post<Check>('/api/studio/bundles/newborn/check', { base: '1.0.0', changes: [{ path: BUNDLE, text: broken }] });
    expect(res.status).toBe(200);
    const cli = check(readScenarioFiles(ts.config.scenariosDir).map((f) => (f.path === BUNDLE ? { path: f.path, text: broken } : f))).diagnostics;
    expect(res.body.diagnostics).toEqual(cli);
    expect(res.body.diagnostics[0]).toMatchObject({ file: BUNDLE, line: 34, col: 11, severity: 'error', code: 'unknown-item' });
    expect(res.body.errors).toBeGreaterThan(0);
    expect(res.body.preview).toBeNull();

    const syntax = await designer.post<Check>('/api/studio/bundles/newborn/check', { base: '1.0.0', changes: [{ path: BUNDLE, text: original.replace('titleEn: Birth of a child', 'titleEn Birth of a child') }] });
    expect(syntax.body.diagnostics).toEqual([expect.objectContaining({ file: BUNDLE, line: 8, col: 1, code: 'yaml-syntax' })]);

    const bad = await designer.post<ErrorBody>('/api/studio/bundles/newborn/check', { base: '1.0.0', changes: [{ path: '../etc/passwd', text: 'x' }, { path: 'items/x.yaml' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.path)).toEqual(['changes[0].path', 'changes[1].text']);
    expect((await designer.post('/api/studio/bundles/newborn/check', { base: '7.7.7' })).status).toBe(404);
    // A misspelt key would otherwise lint the published files and look like success.
    const misspelt = await designer.post<ErrorBody>('/api/studio/bundles/newborn/check', { base: '1.0.0', change: [{ path: BUNDLE, text: broken }], changes: [{ path: BUNDLE, text: original, txt: 'x' }] });
    expect(misspelt.status).toBe(422);
    expect(misspelt.body.error.details.map((d) => d.path)).toEqual(['change', 'changes[0].txt']);
    const publishExtra = await designer.post<ErrorBody>('/api/studio/bundles/newborn/versions', { base: '1.0.0', changes: [], answers: {} });
    expect(publishExtra.status).toBe(422);
    expect(publishExtra.body.error.details.map((d) => d.path)).toEqual(['answers']);
  });

  it('answers hostile or mistyped scenario files with lint errors, never a crash, and publishes none of them', async () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const hostile: [string, string][] = [
      ['alias bomb', bomb],
      ['deep flow nesting', 'id: newborn\nx: ' + '['.repeat(10_000) + ']'.repeat(10_000)],
      ['deep block nesting', 'id: newborn\n' + Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1'],
      ['wrong types', original.replace(/^title: .*$/m, 'title: [1, 2]').replace(/^items:/m, 'items: 42\nx_items:')],
      ['a tag', '!!js/function "function () { process.exit(1) }"'],
    ];
    for (const [what, text] of hostile) {
      const res = await designer.post<Check & ErrorBody>('/api/studio/bundles/newborn/check', { base: '1.0.0', changes: [{ path: BUNDLE, text }] });
      expect(res.status, `${what}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
      expect(res.body.errors, what).toBeGreaterThan(0);
      expect(res.body.diagnostics.some((d) => d.file === BUNDLE && d.severity === 'error'), what).toBe(true);
      expect(res.body.preview, what).toBeNull();
      const publish = await designer.post<ErrorBody>('/api/studio/bundles/newborn/versions', { base: '1.0.0', changes: [{ path: BUNDLE, text }] });
      expect([409, 422], `${what}: ${publish.status}`).toContain(publish.status);
      expect(publish.body.error.details.length, what).toBeGreaterThan(0);
    }
    // Too large for one request body: refused before parsing.
    const huge = await designer.post<ErrorBody>('/api/studio/bundles/newborn/check', { base: '1.0.0', changes: [{ path: BUNDLE, text: 'x: ' + 'y'.repeat(2 * 1024 * 1024) }] });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    // Nothing was published, and the server still answers.
    const list = (await designer.get<StudioBundle[]>('/api/studio/bundles')).body.find((b) => b.id === 'newborn')!;
    expect(list.versions.map((v) => v.version)).toEqual(['1.0.0']);
    expect((await designer.get('/api/health')).status).toBe(200);
  });

  it('previews the merged form, the evaluation and the savings for answers, as the rules decide', async () => {
    const plain = await designer.post<Check>('/api/studio/bundles/newborn/check', { base: '1.0.0', answers: NEWBORN_ANSWERS });
    expect(plain.body.errors).toBe(0);
    const p = plain.body.preview!;
    expect(p.form.schema.properties.newborn!.properties).toHaveProperty('child_name');
    expect(p.form.included).not.toContain('social-security-card');
    expect(p.evaluation.items.find((i) => i.id === 'social-security-card')?.included).toBe(false);
    expect(p.examples).toHaveProperty('default');

    const withCard = await designer.post<Check>('/api/studio/bundles/newborn/check', { base: '1.0.0', answers: { ...NEWBORN_ANSWERS, 'choice.socialSecurityCard': true } });
    const q = withCard.body.preview!;
    expect(q.form.included).toContain('social-security-card');
    expect(q.savings.items).toBe(p.savings.items + 1);
    expect(q.savings.days.separately).toBeGreaterThan(p.savings.days.separately);

    // The preview follows the draft, not the published version.
    const quicker = original.replace(/^title: 新生儿出生一件事$/m, 'title: 新生儿出生一件事（试行）');
    const drafted = await designer.post<Check>('/api/studio/bundles/newborn/check', { base: '1.0.0', changes: [{ path: BUNDLE, text: quicker }], lang: 'zh' });
    expect((drafted.body.preview!.form.schema as unknown as { title: string }).title).toBe('新生儿出生一件事（试行）');
  });

  it('publishes a new immutable version only when it lints and a reviewer approved it; new applications take it, earlier ones keep theirs', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const before = await citizen.post<{ id: string; version: string }>('/api/applications', { bundleId: 'newborn' });
    expect(before.body.version).toBe('1.0.0');

    const broken = original.replace('  - item: birth-registration\n', '  - item: birth-registraton\n').replace('version: "1.0.0"', 'version: "2.0.0"');
    const refused = await designer.post<ErrorBody>('/api/studio/bundles/newborn/versions', { base: '1.0.0', changes: [{ path: BUNDLE, text: broken }] });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details[0]!.path).toBe(`${BUNDLE}:34:11`);
    const same = await designer.post<ErrorBody>('/api/studio/bundles/newborn/versions', { base: '1.0.0', changes: [{ path: BUNDLE, text: original.replace(/^title: .*$/m, 'title: 改了但没改版本') }] });
    expect(same.status).toBe(409);

    const v2 = original.replace('version: "1.0.0"', 'version: "2.0.0"').replace(/^title: 新生儿出生一件事$/m, 'title: 新生儿出生一件事（第二版）');
    // 四眼原则: the designer's publish is a proposal; nothing changes until a reviewer approves it.
    const proposed = await designer.post<{ proposal: { id: string; status: string } }>('/api/studio/bundles/newborn/versions', { base: '1.0.0', changes: [{ path: BUNDLE, text: v2 }] });
    expect(proposed.status).toBe(202);
    expect(proposed.body.proposal).toMatchObject({ status: 'pending' });
    expect((await citizen.get<{ version: string }>('/api/bundles/newborn/form')).body.version).toBe('1.0.0');
    expect((await designer.post(`/api/studio/proposals/${proposed.body.proposal.id}/approve`)).status).toBe(403);
    const reviewer = await ApiClient.login(ts.url, 'reviewer');
    const published = await reviewer.post<{ version: string; seq: number; publishedBy: string }>(`/api/studio/proposals/${proposed.body.proposal.id}/approve`);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ version: '2.0.0', seq: 2, publishedBy: 'designer' });
    expect((await designer.post('/api/studio/bundles/newborn/versions', { base: '1.0.0', changes: [{ path: BUNDLE, text: v2 }] })).status).toBe(409);

    const form = await citizen.get<{ version: string }>('/api/bundles/newborn/form');
    expect(form.body.version).toBe('2.0.0');
    const after = await citizen.post<{ id: string; version: string }>('/api/applications', { bundleId: 'newborn' });
    expect(after.body.version).toBe('2.0.0');
    const earlier = await citizen.get<{ version: string }>(`/api/applications/${before.body.id}`);
    expect(earlier.body.version).toBe('1.0.0');

    const files = await designer.get<{ files: SourceFile[] }>('/api/studio/bundles/newborn/versions/2.0.0/files');
    expect(files.body.files.find((f) => f.path === BUNDLE)?.text).toBe(v2);
    expect((await designer.get<{ files: SourceFile[] }>('/api/studio/bundles/newborn/versions/1.0.0/files')).body.files.find((f) => f.path === BUNDLE)?.text).toBe(original);
    const list = (await designer.get<StudioBundle[]>('/api/studio/bundles')).body.find((b) => b.id === 'newborn')!;
    expect(list.current).toBe('2.0.0');
    expect(list.versions.map((v) => [v.version, v.drafts])).toEqual([['1.0.0', 1], ['2.0.0', 1]]);
    // Other bundles are untouched by publishing this one.
    expect((await citizen.get<{ version: string }>('/api/bundles/business-startup/form')).body.version).toBe('1.0.0');
  });
});
