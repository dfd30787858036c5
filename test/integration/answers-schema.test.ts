import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, type TestServer } from '../helpers/api.js';
import { createAjv } from '../../server/ajv.js';
import type { FormResponse } from '../../shared/contracts/bundles.js';

type Schema = { properties: Record<string, { 'x-section': string; 'x-key': string; properties?: Record<string, unknown> }> };

/**
 * A third-party client (a provincial app, a mini-program) fills the form as served: the answers
 * schema of GET /bundles/{id}/form says what PUT /applications/{id}/answers takes, no more, no less.
 */
describe.each(databaseTargets())('the answers schema a third-party client fills, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let citizen: ApiClient;
  let form: FormResponse;
  let draft: string;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    citizen = await ApiClient.login(ts.url, 'citizen-li');
    form = (await citizen.get<FormResponse>('/api/bundles/newborn/form')).body;
    draft = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  it('maps each element of the presentation schema (section, key) to one property of the answers schema (element id)', () => {
    const answers = form.answersSchema as unknown as Schema & { additionalProperties: boolean };
    const presentation = form.schema as unknown as Schema;
    expect(answers.additionalProperties).toBe(false);
    const inForm = form.elements.filter((e) => e.inForm && form.sections.some((s) => s.id === e.section && s.keys.includes(e.key)));
    expect(inForm.length).toBeGreaterThan(10);
    for (const el of inForm) {
      expect(answers.properties[el.element], el.element).toMatchObject({ 'x-section': el.section, 'x-key': el.key });
      expect(presentation.properties[el.section]?.properties?.[el.key], `${el.section}.${el.key}`).toBeDefined();
    }
  });

  it('accepts answers valid against it, and refuses answers it refuses', async () => {
    const validate = createAjv().compile(form.answersSchema);
    const example = (await ts.parts.registry.current('newborn')).bundle.examples.default!.answers;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    const saved = await citizen.put(`/api/applications/${draft}/answers`, { answers: example });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    // null clears a value, in the schema as on the server.
    expect(validate({ 'child.name': null })).toBe(true);
    expect((await citizen.put(`/api/applications/${draft}/answers`, { answers: { ...example, 'child.name': null } })).status).toBe(200);

    const refused: Record<string, unknown>[] = [
      // Filled like the presentation schema: nested by section, keyed child_name.
      { [form.sections[0]!.id]: { child_name: '王小宝' } },
      { 'child.birthDate': '2026-02-30' },
      { 'child.gender': '9' },
      { 'child.name': 5 },
      { 'no-such-item/field': 'x' },
    ];
    for (const answers of refused) {
      expect(validate(answers), JSON.stringify(answers)).toBe(false);
      const res = await citizen.put(`/api/applications/${draft}/answers`, { answers });
      expect(res.status, JSON.stringify(answers)).toBe(422);
    }
  });
});
