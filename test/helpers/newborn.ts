import { expect } from 'vitest';
import { pdf, type ApiClient } from './api.js';

/** A complete newborn application (parents married, no optional services): five departments. */
export const NEWBORN_ANSWERS = {
  'child.name': '王小宝',
  'child.gender': '2',
  'child.birthDate': '2026-11-21',
  'child.birthPlace': '湖南省长沙市开福区',
  'child.ethnicity': '01',
  'birth-certificate/jsjgmc': '湖南省妇幼保健院',
  'applicant.relation': 'mother',
  'mother.name': '王芳',
  'mother.idNumber': '430105198811206525',
  'mother.ethnicity': '01',
  'father.name': '陈强',
  'father.idNumber': '430104199003151237',
  'father.ethnicity': '01',
  'parents.married': true,
  'household.headName': '陈强',
  'household.relationToHead': '20',
  'household.address': '湖南省长沙市开福区湘江中路1号',
  'family.residenceAddress': '湖南省长沙市开福区湘江中路1号',
  'choice.socialSecurityCard': false,
  'delivery.method': 'pickup',
  'choice.maternityReimbursement': false,
  'choice.parentingGuidance': false,
};

export interface Filed {
  id: string;
  version: string;
  items: { id: string; itemId: string; department: string; status: string }[];
}

/** Files a newborn application as the signed-in citizen, uploading what must be uploaded. */
export async function fileNewborn(citizen: ApiClient, answers: Record<string, unknown> = NEWBORN_ANSWERS): Promise<Filed> {
  const created = await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' });
  expect(created.status).toBe(201);
  const id = created.body.id;
  expect((await citizen.put(`/api/applications/${id}/answers`, { answers })).status).toBe(200);
  const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
  for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
    expect((await citizen.upload(`/api/applications/${id}/materials/${m.code}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`)).status).toBe(201);
  }
  // 授权: the applicant allows the licences waived by sharing to be fetched (required to submit).
  expect((await citizen.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
  const submitted = await citizen.post<Filed>(`/api/applications/${id}/submit`);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  return submitted.body;
}

/** The one answer the misuse suites' draft holds: every refused request must leave it so. */
const DRAFT_ANSWERS = { 'child.name': '张小明' };

/**
 * A newborn draft with one saved answer, for suites that check a refused request changed
 * nothing: `unchanged()` asserts the draft still holds exactly that answer.
 */
export async function namedDraft(citizen: ApiClient): Promise<{ id: string; unchanged: () => Promise<void> }> {
  const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
  expect((await citizen.put(`/api/applications/${id}/answers`, { answers: DRAFT_ANSWERS })).status).toBe(200);
  return {
    id,
    unchanged: async () => {
      const d = await citizen.get<{ answers: Record<string, unknown> }>(`/api/applications/${id}`);
      expect(d.body.answers).toEqual(DRAFT_ANSWERS);
    },
  };
}
