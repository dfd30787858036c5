// Regular-expression DoS (issue #15, item 1): a designer's pattern that backtracks exponentially on
// a JavaScript RegExp (nested quantifiers) must not freeze the server. Field patterns run on RE2
// (shared/pattern.ts), in time linear in the answer: the attack is answered with a plain 422 and
// the server keeps answering everyone else meanwhile. Before, 29 characters took seconds and
// 5,000 never returned.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { ApiClient, startServer, type TestServer } from '../helpers/api.js';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';

type ErrorBody = { error: { code: string; details: { path: string; message: string; messageEn?: string }[] } };

// As the designer wrote it, with JavaScript's \u escapes (single-quoted: YAML keeps them as written).
const EVIL = String.raw`^([\u4e00-\u9fa5]+·?)+$`;

/** The shipped scenarios with child.name constrained by the designer's pattern. */
function scenariosWithEvilPattern(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-redos-'));
  cpSync(loadConfig({}).scenariosDir, dir, { recursive: true });
  const file = path.join(dir, 'dictionary.yaml');
  const before = '  child.name:\n    title: 新生儿姓名\n    titleEn: Newborn\'s name\n    schema: { type: string, minLength: 1, maxLength: 50 }\n';
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(before);
  // A function, not a replacement string: the pattern's `$'` would be read as a substitution.
  writeFileSync(file, text.replace(before, () => before.replace('maxLength: 50 }', () => `maxLength: 50, pattern: '${EVIL}' }`)));
  return dir;
}

describe.each(databaseTargets())('a catastrophic pattern on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let dir: string;
  let citizen: ApiClient;
  let draft: string;

  beforeAll(async () => {
    dir = scenariosWithEvilPattern();
    db = await open();
    ts = await startServer(db, { SCENARIOS_DIR: dir });
    citizen = await ApiClient.login(ts.url, 'citizen-li');
    draft = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('still checks the pattern: a name of Chinese characters (with a middle dot) passes', async () => {
    expect((await citizen.put(`/api/applications/${draft}/answers`, { answers: { 'child.name': '张小明' } })).status).toBe(200);
    expect((await citizen.put(`/api/applications/${draft}/answers`, { answers: { 'child.name': '阿依·古丽' } })).status).toBe(200);
  });

  it.each([
    ['29 Chinese characters and "!"', '中'.repeat(29) + '!'],
    ['5,000 Chinese characters and "!"', '中'.repeat(5000) + '!'],
  ])('refuses %s with 422 naming the field, and /api/health answers meanwhile', async (_what, name) => {
    const [put, health] = await Promise.all([
      citizen.put<ErrorBody>(`/api/applications/${draft}/answers`, { answers: { 'child.name': name } }),
      citizen.get<{ status: string }>('/api/health'),
    ]);
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(put.status).toBe(422);
    expect(put.body.error.code).toBe('validation_failed');
    expect(put.body.error.details.map((d) => d.path)).toContain('child.name');
    // The stored answer is the last valid one.
    const back = await citizen.get<{ answers: Record<string, unknown> }>(`/api/applications/${draft}`);
    expect(back.body.answers['child.name']).toBe('阿依·古丽');
  });
});
