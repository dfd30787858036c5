import type { ComposedForm } from './compose.js';
import type { JsonSchema } from './model.js';

/**
 * The JSON Schema of the answers body (PUT /api/applications/{id}/answers): flat, one property per
 * data element the form asks (`child.name`, item-local `<itemId>/<field>`), with the element's own
 * constraints, each also taking null (which clears it), and no other key. It is what the server
 * checks a draft against (server/applications/validation.ts), less what needs the applicant's
 * identity: a prefilled value may not be changed. Nothing is required in a draft; submit checks
 * completeness against the composed form.
 */
export function answersSchema(form: Pick<ComposedForm, 'elements'>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const el of form.elements) {
    if (!el.inForm) continue;
    properties[el.element] = { title: el.title, 'x-section': el.section, 'x-key': el.key, anyOf: [el.schema, { type: 'null' }] };
  }
  return { type: 'object', properties, additionalProperties: false };
}
