// Published bundles (一件事) and their composed form.
import { Type, type Static } from '@sinclair/typebox';
import type { ComposedElement, ComposedSection } from '../compose.js';
import type { JsonSchema, Profile } from '../model.js';
import { Closed, Engine, Dict, Nullable, Official, PathId, Savings } from './common.js';

export const BundleParams = Type.Object({ id: PathId('bundle id') });

/** A region a bundle is implemented in: the province's standard or a city or county implementation. */
export const RegionRef = Closed({ code: Type.String(), name: Type.String(), nameEn: Type.String(), standard: Type.Boolean() });

export const BundleSummary = Closed({
  id: Type.String(),
  version: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  description: Nullable(Type.String()),
  audience: Nullable(Type.Union([Type.Literal('person'), Type.Literal('enterprise')], { description: '服务对象: person 个人办事, enterprise 企业办事; null when the bundle does not say' })),
  departments: Type.Array(Closed({ code: Type.String(), name: Type.String(), nameEn: Type.String() })),
  items: Type.Array(
    Closed({
      id: Type.String(),
      title: Type.String(),
      titleEn: Type.String(),
      department: Nullable(Type.String()),
      timeLimitDays: Nullable(Type.Number()),
      optional: Type.Boolean(),
      after: Type.Array(Type.String(), { description: 'items that must complete first' }),
    }),
  ),
  official: Nullable(Official),
  savings: Savings,
  regions: Type.Array(RegionRef, { description: 'the standard first, then the city or county implementations (实施清单); empty for a bundle without regions' }),
});
export type BundleSummary = Static<typeof BundleSummary>;

export const BundleDetail = Closed({
  ...BundleSummary.properties,
  materials: Type.Array(Closed({ code: Type.String(), title: Type.String(), titleEn: Type.String(), electronicLicence: Type.Boolean() })),
});
export type BundleDetail = Static<typeof BundleDetail>;

export const FormQuery = Type.Object({
  version: Type.Optional(Type.String({ description: 'a published version, e.g. the one a draft was started under' })),
  region: Type.Optional(Type.String({ description: "a region code of the bundle (GET /bundles/{id} lists them): that implementation's form; absent: the standard" })),
});

/** The JSON Schema of a composed form or of one element: the engine's (shared/compose.ts). */
export const JsonSchemaValue = Engine<JsonSchema>('a JSON Schema (draft 2020-12 subset)');

export const ComposedElementSchema = Engine<ComposedElement>(
  'one data element of the form: its section and key there, the departments and items using it, whether it is asked, prefilled or supplied by an earlier item',
  {
    key: Type.String({ description: 'property key in its section (child_name)' }),
    element: Type.String({ description: 'data element id, the key of the answers body (child.name)' }),
    section: Type.String(),
    title: Type.String(),
    titleEn: Type.String(),
    inForm: Type.Boolean(),
    asked: Type.Boolean(),
    required: Type.Boolean(),
    schema: JsonSchemaValue,
  },
  ['key', 'element', 'section', 'title', 'titleEn', 'inForm', 'asked', 'required', 'schema'],
);
export const ComposedSectionSchema = Engine<ComposedSection>('a section of the form: its keys in order', { id: Type.String(), title: Type.String(), titleEn: Type.String(), keys: Type.Array(Type.String()) }, ['id', 'title', 'titleEn', 'keys']);

/** The engine's model as the server sends it (server/bundles/portable.ts); rebuilt by the client. */
export const PortableModel = Closed(
  {
    bundle: Engine<Record<string, unknown> & { prefill: [string, unknown][] }>('the bundle, Maps as [key, value] arrays'),
    items: Type.Array(Engine<unknown>('an item (事项)')),
    elements: Type.Array(Engine<{ id: string }>('a data element', { id: Type.String() }, ['id'])),
    materials: Type.Array(Engine<{ code: string }>('a material', { code: Type.String() }, ['code'])),
    departments: Type.Array(Closed({ code: Type.String(), name: Type.String(), nameEn: Type.String(), shortName: Type.String(), shortNameEn: Type.String() })),
  },
  { description: 'bundle, items, dictionary, materials and department names, for running the engine in the browser' },
);
export type PortableModel = Static<typeof PortableModel>;

export const ProfileSchema = Engine<Profile>("the signed-in citizen's identity and archive (一人一档)", { identity: Type.Optional(Dict('identity values by data element')) });

export const FormResponse = Closed({
  bundleId: Type.String(),
  version: Type.String(),
  region: Nullable(Closed({ code: Type.String(), name: Type.String(), nameEn: Type.String() }, { description: 'the region whose implementation this is, null for a bundle without regions' })),
  schema: Engine<JsonSchema>('the presentation schema: one object per section, keys like child_name (see answersSchema for the body of PUT /applications/{id}/answers)', { type: Type.Literal('object'), properties: Dict('sections') }, ['type', 'properties']),
  uiSchema: Dict('react-jsonschema-form uiSchema, by section and key'),
  prefill: Type.Record(Type.String(), Dict('prefilled values by key'), { description: 'prefilled values shaped like the form data: section → key → value' }),
  answersSchema: Engine<JsonSchema>(
    'the JSON Schema of the answers object of PUT /applications/{id}/answers: flat, keyed by data element id (child.name) and <itemId>/<field> for item-local fields; null clears a value',
    { type: Type.Literal('object'), properties: Dict('one schema per element id'), additionalProperties: Type.Literal(false) },
    ['type', 'properties', 'additionalProperties'],
  ),
  elements: Type.Array(ComposedElementSchema),
  sections: Type.Array(ComposedSectionSchema),
  model: PortableModel,
  profile: Nullable(ProfileSchema),
  sharing: Nullable(
    Closed(
      {
        licences: Type.Array(
          Closed({
            code: Type.String(),
            title: Type.String(),
            state: Type.Union([Type.Literal('fetch'), Type.Literal('missing'), Type.Literal('expired'), Type.Literal('unknown')], {
              description: 'fetch: the licence library holds it, valid: fetched at submit (免提交); missing / expired: to be uploaded; unknown: the library did not answer, fetched at submit or asked later',
            }),
            source: Nullable(Type.String({ description: 'the connector asked' })),
            licenceNumber: Type.Optional(Type.String()),
            issuer: Type.Optional(Type.String()),
            validUntil: Type.Optional(Nullable(Type.String({ format: 'date' }))),
          }),
        ),
        data: Type.Array(
          Closed({
            element: Type.String(),
            department: Type.String({ description: 'whose records (sharing:<department>)' }),
            source: Type.String({ description: 'the connector asked' }),
            filled: Type.Boolean({ description: 'the exchange gave a value (shown read-only with its source)' }),
          }),
        ),
      },
      { description: "for a signed-in citizen: what data sharing will fetch and fill, before anything is filled; null otherwise" },
    ),
  ),
});
export type FormResponse = Static<typeof FormResponse>;
