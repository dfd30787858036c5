// Checks a person expects, over HTTP: a father applying for his newborn is not asked his own name
// and 公民身份号码 (they come from his real-name identity, like the applicant's), a draft may not
// change them (422 naming the field, in both languages), and the filing carries his identity's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startServer, type TestServer } from '../helpers/api.js';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { fileNewborn, NEWBORN_ANSWERS } from '../helpers/newborn.js';

type ErrorBody = { error: { code: string; details: { path: string; message: string; messageEn?: string }[] } };

// citizen-zhang in the demo identity provider.
const ZHANG = { name: '张伟', idNumber: '430102199003077716' };
const FATHER_APPLIES: Record<string, unknown> = { ...NEWBORN_ANSWERS, 'applicant.relation': 'father', 'mother.name': '李芳', 'mother.idNumber': '430102199207080028' };
delete FATHER_APPLIES['father.name'];
delete FATHER_APPLIES['father.idNumber'];

describe.each(databaseTargets())('the father applying, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  it('refuses a draft that changes the father’s own name or 公民身份号码', async () => {
    const father = await ApiClient.login(ts.url, 'citizen-zhang');
    const id = (await father.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    const changed = await father.put<ErrorBody>(`/api/applications/${id}/answers`, { answers: { ...FATHER_APPLIES, 'father.name': '陈强', 'father.idNumber': '430104199003151237' } });
    expect(changed.status).toBe(422);
    expect(changed.body.error.details).toEqual([
      { path: 'father.name', message: '此项由实名信息或数据共享自动填写，不能修改', messageEn: 'is prefilled from identity or data sharing and cannot be changed' },
      { path: 'father.idNumber', message: '此项由实名信息或数据共享自动填写，不能修改', messageEn: 'is prefilled from identity or data sharing and cannot be changed' },
    ]);
    // His own values are accepted, and so is leaving them out (the platform fills them).
    expect((await father.put(`/api/applications/${id}/answers`, { answers: { ...FATHER_APPLIES, 'father.name': ZHANG.name } })).status).toBe(200);
    expect((await father.put(`/api/applications/${id}/answers`, { answers: FATHER_APPLIES })).status).toBe(200);
  });

  it('files the father’s name and 公民身份号码 from his identity', async () => {
    const father = await ApiClient.login(ts.url, 'citizen-zhang');
    const filed = await fileNewborn(father, FATHER_APPLIES);
    const { rows } = await db.query<{ evaluation: { values: Record<string, unknown>; prefilled: Record<string, string> } }>('SELECT evaluation FROM applications WHERE id = $1', [filed.id]);
    expect(rows[0]!.evaluation.values).toMatchObject({ 'father.name': ZHANG.name, 'father.idNumber': ZHANG.idNumber, 'mother.name': '李芳' });
    expect(rows[0]!.evaluation.prefilled).toMatchObject({ 'father.name': 'identity', 'father.idNumber': 'identity' });
  });

  it('asks the mother applying for the father’s name, and refuses her submission without it', async () => {
    const mother = await ApiClient.login(ts.url, 'citizen-li');
    const id = (await mother.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    const answers: Record<string, unknown> = { ...NEWBORN_ANSWERS, 'applicant.relation': 'mother' };
    delete answers['father.name'];
    expect((await mother.put(`/api/applications/${id}/answers`, { answers })).status).toBe(200);
    const missing = await mother.post<ErrorBody>(`/api/applications/${id}/submit`);
    expect(missing.status).toBe(422);
    const detail = missing.body.error.details.find((d) => d.path === 'father.name');
    expect(detail?.message).toBe('必填');
    expect(detail?.messageEn).toBe('required');
  });
});
