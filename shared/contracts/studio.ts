// The designer studio: published versions and their files, lint and preview of a draft, publishing.
import { Type, type Static } from '@sinclair/typebox';
import type { BundleExample } from '../model.js';
import { Closed, DateTime, Uuid, Engine, MATERIAL_VERDICT, ItemDecision, Dict, Nullable, Official, PathId, Reason, Savings, StringEnum } from './common.js';
import { ComposedElementSchema, ComposedSectionSchema, JsonSchemaValue } from './bundles.js';

export const MAX_CHANGED_FILES = 200;
// Scenario files are small; the editor's whole bundle fits well inside the 1 MB JSON body limit.
export const MAX_FILE_CHARS = 512_000;

/**
 * A scenario file path as the loader reads a folder (shared/loader.ts fileKind), never climbing
 * out of it: no "..", written without a lookahead (every dot is followed by another character)
 * because the server's Ajv runs patterns on RE2 (shared/pattern.ts).
 */
const SCENARIO_PATH = '^(?:(?:dictionary|materials|departments)\\.ya?ml|(?:dictionary|materials|departments|items|bundles|regions)/(?:[^/.]|\\.[^/.])*\\.ya?ml)$';

export const SourceFile = Type.Object(
  {
    path: Type.String({ pattern: SCENARIO_PATH, description: 'relative to the scenarios folder, e.g. items/birth-registration.yaml' }),
    text: Type.String({ maxLength: MAX_FILE_CHARS }),
  },
  { additionalProperties: false },
);
export type SourceFile = Static<typeof SourceFile>;

const draft = {
  base: Type.String({ minLength: 1, description: 'the published version the edits start from' }),
  changes: Type.Optional(Type.Array(SourceFile, { maxItems: MAX_CHANGED_FILES, description: 'files replaced or added' })),
  removed: Type.Optional(Type.Array(Type.String(), { description: 'paths removed' })),
};
export const DraftBody = Type.Object(draft, { additionalProperties: false, description: 'Any other key is refused with 422 naming it' });
export type DraftBody = Static<typeof DraftBody>;
export const CheckBody = Type.Object(
  { ...draft, answers: Type.Optional(Nullable(Dict('answers keyed by data element id'))), lang: Type.Optional(StringEnum(['zh', 'en'])) },
  { additionalProperties: false, description: 'Any other key is refused with 422 naming it' },
);

/** All changed files of a saved draft together, in characters: well inside the 1 MB JSON body limit. */
export const MAX_DRAFT_CHARS = 600_000;

export const StudioDraft = Closed({
  bundleId: Type.String(),
  base: Type.String({ description: 'the published version the edits start from' }),
  changes: Type.Array(Closed({ path: Type.String(), text: Type.String() })),
  removed: Type.Array(Type.String()),
  savedAt: DateTime(),
});
export type StudioDraft = Static<typeof StudioDraft>;
export const SavedDraft = Closed({ draft: Nullable(StudioDraft) }, { description: "the signed-in designer's saved draft of the bundle, null when there is none" });

export const StudioParams = Type.Object({ id: PathId('bundle id') });
export const VersionParams = Type.Object({ id: PathId('bundle id'), version: PathId('published version') });

export const StudioItem = Closed({
  id: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  department: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
  departmentNameEn: Nullable(Type.String()),
  timeLimitDays: Nullable(Type.Number()),
  optional: Type.Boolean(),
  file: Nullable(Type.String()),
  hash: Nullable(Type.String({ description: 'short hash of the item file: shows in which version it last changed' })),
});
export type StudioItem = Static<typeof StudioItem>;

export const StudioVersion = Closed({
  version: Type.String(),
  seq: Type.Integer(),
  publishedAt: DateTime(),
  publishedBy: Nullable(Type.String()),
  publishedByName: Nullable(Type.String({ description: 'the publisher by name; null for versions loaded from the scenario files' })),
  applications: Type.Integer(),
  drafts: Type.Integer(),
  bundleFile: Type.String(),
  items: Type.Array(StudioItem),
});
export type StudioVersion = Static<typeof StudioVersion>;

export const StudioBundle = Closed({
  id: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  audience: Nullable(Type.Union([Type.Literal('person'), Type.Literal('enterprise')], { description: "the current version's 服务对象: person 个人办事, enterprise 企业办事; null when it does not say" })),
  current: Type.String(),
  versions: Type.Array(StudioVersion),
});
export type StudioBundle = Static<typeof StudioBundle>;

export const VersionFiles = Closed({ bundleId: Type.String(), version: Type.String(), files: Type.Array(Closed({ path: Type.String(), text: Type.String() })) });

export const Diagnostic = Closed({
  file: Type.String(),
  line: Type.Integer(),
  col: Type.Integer(),
  severity: StringEnum(['error', 'warning']),
  code: Type.String({ description: 'stable name of the kind of finding, e.g. unknown-element' }),
  message: Type.String({ description: 'in English' }),
  messageZh: Type.String({ description: 'in Chinese' }),
});

export const PreviewMaterial = Closed({ ...MATERIAL_VERDICT, form: Type.Boolean({ description: "an item's own application form (form:<itemId>), which the combined form replaces" }) });
export type PreviewMaterial = Static<typeof PreviewMaterial>;

export const Preview = Closed({
  form: Closed({ schema: JsonSchemaValue, uiSchema: Dict('uiSchema by section and key'), sections: Type.Array(ComposedSectionSchema), elements: Type.Array(ComposedElementSchema), included: Type.Array(Type.String()) }),
  evaluation: Closed({
    eligible: Type.Boolean(),
    ineligible: Type.Array(Reason),
    notices: Type.Array(Reason),
    visits: Type.Array(Reason),
    items: Type.Array(ItemDecision),
    materials: Type.Array(PreviewMaterial),
    notRequired: Type.Array(Closed({ code: Type.String(), title: Type.String(), titleEn: Type.String(), items: Type.Array(Type.String()), reason: Type.String(), reasonEn: Type.String(), rule: Type.Optional(Type.String()) })),
    firedRules: Type.Array(Type.String()),
  }),
  savings: Savings,
  official: Nullable(Official),
  examples: Type.Record(Type.String(), Engine<BundleExample>('an example situation: answers and profile', { answers: Dict('answers by element id') }, ['answers'])),
  departments: Type.Record(Type.String(), Closed({ name: Type.String(), nameEn: Type.String(), shortName: Type.String(), shortNameEn: Type.String() })),
});
export type Preview = Static<typeof Preview>;

export const CheckResult = Closed({
  bundle: Nullable(Closed({ id: Type.String(), title: Type.String(), titleEn: Type.String(), version: Type.String(), file: Type.String() })),
  files: Type.Integer(),
  errors: Type.Integer(),
  warnings: Type.Integer(),
  diagnostics: Type.Array(Diagnostic),
  preview: Nullable(Preview),
});
export type CheckResult = Static<typeof CheckResult>;

export const Published = Closed({ bundleId: Type.String(), version: Type.String(), seq: Type.Integer(), publishedAt: DateTime(), publishedBy: Type.String() });

// Reviewed publishing (四眼原则): a designer's publish is a proposal another person approves.
export const RISKS = ['high', 'medium', 'low'] as const;
export const Risk = StringEnum(RISKS, { description: 'high: a department move, a delivery address or sensitive data; medium: items, fields, rules; low: materials and texts' });
export type Risk = Static<typeof Risk>;

export const ProposalChange = Closed({
  kind: StringEnum(['item-added', 'item-removed', 'department', 'field', 'sensitive', 'material', 'rule', 'delivery', 'other']),
  risk: Risk,
  title: Type.String(),
  titleEn: Type.String(),
});
export type ProposalChange = Static<typeof ProposalChange>;

export const ProposalFile = Closed({ path: Type.String(), change: StringEnum(['added', 'removed', 'changed']) });
export type ProposalFile = Static<typeof ProposalFile>;

export const PROPOSAL_STATUSES = ['pending', 'approved', 'rejected'] as const;

export const Proposal = Closed({
  id: Uuid(),
  bundleId: Type.String(),
  bundleTitle: Type.String(),
  version: Type.String({ description: 'the version it publishes once approved' }),
  against: Type.String({ description: 'the version current when proposed: the diff is against it' }),
  status: StringEnum(PROPOSAL_STATUSES),
  risk: StringEnum([...RISKS, 'none']),
  needsAdmin: Type.Boolean({ description: "it changes departments' delivery: only an administrator may approve" }),
  changes: Type.Array(ProposalChange),
  files: Type.Array(ProposalFile),
  authorId: Type.String(),
  authorName: Type.String(),
  createdAt: DateTime(),
  decidedBy: Nullable(Type.String()),
  decidedByName: Nullable(Type.String()),
  decidedAt: Nullable(DateTime()),
  reason: Nullable(Type.String()),
});
export type Proposal = Static<typeof Proposal>;

export const Proposed = Closed({ proposal: Closed({ id: Uuid(), status: Type.Literal('pending'), bundleId: Type.String(), version: Type.String(), risk: StringEnum([...RISKS, 'none']) }) });
export const ProposalParams = Type.Object({ id: Uuid({ description: 'proposal id' }) });
export const ProposalsQuery = Type.Object({ status: Type.Optional(StringEnum(PROPOSAL_STATUSES)) });
export const RejectBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }) }, { additionalProperties: false });
