import { expect } from 'vitest';
import type { ApiClient } from './api.js';

/**
 * Signs the application's 告知承诺书 as its applicant would (box ticked, own name typed again),
 * when it needs one; returns whether it did.
 */
export async function signCommitment(citizen: ApiClient, applicationId: string): Promise<boolean> {
  const c = await citizen.get<{ required: boolean; sha256: string | null }>(`/api/applications/${applicationId}/commitment`);
  expect(c.status, JSON.stringify(c.body)).toBe(200);
  if (!c.body.required) return false;
  const me = await citizen.get<{ user: { name: string } }>('/api/auth/me');
  const signed = await citizen.post(`/api/applications/${applicationId}/commitment`, { agreed: true, name: me.body.user.name, sha256: c.body.sha256 });
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  return true;
}
