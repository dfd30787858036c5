// The citizen's applications: drafts, answers, materials, submission, progress, 补正, 好差评.
import { ResultDocument } from './results.js';
import { Type, type Static } from '@sinclair/typebox';
import { ApplicationStatus, Closed, DateTime, DayUnitSchema, ItemDecision, MATERIAL_VERDICT, Dict, Named, Nullable, PathId, Reason, Savings, SubStatus, SupplementRequest, Uuid } from './common.js';
import { CounterApplicant, CounterFiled } from './counter.js';

export const ApplicationParams = Type.Object({ id: PathId('application id') });
export const MaterialParams = Type.Object({ id: PathId('application id'), code: PathId('material code') });
export const SupplementParams = Type.Object({ id: PathId('application id'), subId: PathId('sub-application id') });

/** The regional implementation an application was filed under (shared/regions.ts), null for the standard. */
const FiledRegion = Nullable(Type.String({ description: 'the regional implementation it was filed under, null for the standard' }));

export const CreateBody = Type.Object(
  {
    bundleId: Type.String({ minLength: 1 }),
    region: Type.Optional(Nullable(Type.String({ description: 'a region code the bundle lists (GET /bundles/{id}); an unknown one is refused with 422; absent or null: the standard' }))),
    applicant: Type.Optional(CounterApplicant),
  },
  { additionalProperties: false, description: 'Any key but bundleId, region and (a clerk only) applicant is refused with 422 naming it' },
);
export const Created = Closed({ id: Uuid(), bundleId: Type.String(), version: Type.String(), region: FiledRegion, status: ApplicationStatus, answers: Dict('answers so far') });

const DraftStep = Type.String({
  maxLength: 64,
  description: 'the wizard step the applicant is on: a section id of the bundle, `materials` or `review`; kept with the draft so resuming it (on any device) opens that step. Another value is refused with 422',
});

export const AnswersBody = Named(
  'Answers',
  Type.Object(
    {
      answers: Dict('Values keyed by data element id (`child.name`); item-local fields by `<itemId>/<field>`; null clears a value. GET /bundles/{id}/form serves its JSON Schema as answersSchema'),
      step: Type.Optional(DraftStep),
    },
    { additionalProperties: false, description: 'Any other top-level key is refused with 422 naming it' },
  ),
);
export type AnswersBody = Static<typeof AnswersBody>;
export const Saved = Closed({ id: Uuid(), status: ApplicationStatus, answers: Dict('the answers kept (nulls removed)'), updatedAt: DateTime() });

export const SubmitBody = Type.Object({}, { additionalProperties: false, description: 'Filing takes no body: a key sent in one is refused with 422 naming it' });
export const SubmitHeaders = Type.Object({ 'Idempotency-Key': Type.Optional(Type.String({ maxLength: 200, description: 'The same key never files twice; a repeat returns the first result' })) });

/** 办件编号 (server/applications/number.ts). */
const ApplicationNumber = Nullable(Type.String({ pattern: '^[0-9]{20}$', description: '办件编号: region code, Beijing date of filing and a sequence (20 digits); null for a draft' }));

export const ApplicationSummary = Closed({
  id: Uuid(),
  bundleId: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  version: Type.String(),
  region: FiledRegion,
  status: ApplicationStatus,
  number: ApplicationNumber,
  createdAt: DateTime(),
  submittedAt: Nullable(DateTime()),
});
export type ApplicationSummary = Static<typeof ApplicationSummary>;

export const HistoryEntry = Closed({ at: DateTime(), status: Type.String(), note: Type.Unknown({ description: 'what came with the change (a reason, outputs…)' }) });
export type HistoryEntry = Static<typeof HistoryEntry>;

/** The national 好差评 scale runs from 1 (非常不满意) to 5 (非常满意); a comment is optional. */
export const MAX_COMMENT = 500;

export const Rating = Named(
  'Rating',
  Closed({
    score: Type.Integer({ minimum: 1, maximum: 5, description: '1 非常不满意 · 2 不满意 · 3 基本满意 · 4 满意 · 5 非常满意' }),
    comment: Nullable(Type.String({ maxLength: MAX_COMMENT })),
    createdAt: DateTime(),
  }),
);
export type Rating = Static<typeof Rating>;

export const ApplicationItem = Closed({
  id: Uuid(),
  itemId: Type.String(),
  title: Type.String(),
  department: Type.String(),
  departmentName: Type.String(),
  status: SubStatus,
  outputs: Dict('results of the item (certificate numbers…)'),
  reason: Nullable(Type.String()),
  supplement: Nullable(SupplementRequest),
  history: Type.Array(HistoryEntry),
  // 一事一评: the applicant's rating of this item, once its department has answered.
  rating: Nullable(Rating),
  documents: Type.Array(ResultDocument, { description: '办结结果文书 the department attached on completion, each downloadable by the applicant' }),
});
export type ApplicationItem = Static<typeof ApplicationItem>;

/** What proves a material was fetched through data sharing (免提交 · 数据共享). */
export const Evidence = Named(
  'Evidence',
  Closed({
    source: Type.String({ description: 'the connector (licence library) it was fetched from' }),
    licenceNumber: Type.String(),
    issuer: Type.String(),
    issuedOn: Type.String({ format: 'date' }),
    validUntil: Nullable(Type.String({ format: 'date' })),
    sha256: Type.String({ description: 'of the licence file kept with the application' }),
    fetchedAt: DateTime(),
  }),
);
export type Evidence = Static<typeof Evidence>;

export const ApplicationMaterial = Closed({
  code: Type.String(),
  title: Type.String(),
  disposition: Type.String({ description: 'generated, bundle, sharing, reuse, commitment or upload' }),
  fetch: Type.Optional(
    Type.Union([Type.Literal('pending'), Type.Literal('fetched'), Type.Literal('missing'), Type.Literal('supplied')], {
      description: 'for a sharing material: being fetched, fetched (with evidence), not in the library (asked of the applicant), handed in after all',
    }),
  ),
  evidence: Type.Optional(Evidence),
});
export type ApplicationMaterial = Static<typeof ApplicationMaterial>;

export const Authorised = Closed({ authorisedAt: DateTime({ description: 'when the applicant authorised the fetch (授权), kept once' }) });

export const ApplicationDetail = Named(
  'Application',
  Closed({
    id: Uuid(),
    bundleId: Type.String(),
    title: Type.String(),
    titleEn: Type.String(),
    version: Type.String(),
    region: FiledRegion,
    status: ApplicationStatus,
    number: ApplicationNumber,
    answers: Dict('answers keyed by data element id'),
    step: Nullable(Type.String({ description: 'for a draft, the wizard step it was left at (see PUT /applications/{id}/answers); null before any step was saved and once filed' })),
    createdAt: DateTime(),
    submittedAt: Nullable(DateTime()),
    promise: Nullable(Closed({ days: Type.Number(), unit: DayUnitSchema }, { description: "the bundle's promised limit (承诺办结时限)" })),
    promisedBy: Nullable(
      DateTime({ description: 'when the promise runs out for this filing: 24:00 China time of its last day, ISO 8601 with +08:00; null without a promise or before filing' }),
    ),
    items: Type.Array(ApplicationItem),
    savings: Nullable(Savings),
    rating: Nullable(Rating),
    sharingAuthorisedAt: Nullable(DateTime({ description: 'when the applicant authorised fetching their licences and records (授权); required to submit when a material is waived by sharing' })),
    materials: Type.Array(ApplicationMaterial, { description: "the filed application's materials, each fetched licence with its evidence (empty for a draft)" }),
    counter: Type.Optional(CounterFiled),
  }),
);
export type ApplicationDetail = Static<typeof ApplicationDetail>;

export const Uploaded = Closed({ fileName: Type.String(), sha256: Type.String(), size: Type.Integer(), mime: Type.String(), uploadedAt: DateTime() });
export type Uploaded = Static<typeof Uploaded>;

export const EvaluatedMaterial = Closed({ ...MATERIAL_VERDICT, uploaded: Type.Optional(Uploaded) });
export type EvaluatedMaterial = Static<typeof EvaluatedMaterial>;

export const ServerEvaluation = Closed({
  bundleId: Type.String(),
  version: Type.String(),
  eligible: Type.Boolean(),
  ineligible: Type.Array(Reason),
  notices: Type.Array(Reason),
  items: Type.Array(ItemDecision),
  materials: Type.Array(EvaluatedMaterial),
  savings: Savings,
});
export type ServerEvaluation = Static<typeof ServerEvaluation>;

export const UploadForm = Type.Object({ file: Type.String({ format: 'binary' }) });
export const UploadLimitsSchema = Closed({ maxBytes: Type.Integer({ minimum: 1, description: 'MAX_UPLOAD_BYTES' }) });

export const UploadResult = Closed({ code: Type.String(), sha256: Type.String(), size: Type.Integer(), mime: Type.String(), fileName: Type.String() });

export const RatingBody = Type.Object(
  { score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Nullable(Type.String({ maxLength: MAX_COMMENT }))) },
  { additionalProperties: false },
);

// --- 告知承诺 (server/commitments/) ---------------------------------------------------------

const CommitmentMaterialView = Closed({
  code: Type.String(),
  title: Type.String(),
  items: Type.Array(Closed({ id: Type.String(), title: Type.String() }), { description: 'the included items that accept the commitment for it' }),
});

export const CommitmentView = Named(
  'Commitment',
  Closed({
    required: Type.Boolean({ description: 'whether any material of the application is waived by commitment (告知承诺)' }),
    text: Nullable(Type.String({ description: 'the 承诺书 to read and sign, plain text; null when none is required' })),
    sha256: Nullable(Type.String({ description: 'SHA-256 (hex) of text: a signature covers exactly this text' })),
    liability: Type.String({ description: 'the standard wording of the consequence of a false commitment' }),
    materials: Type.Array(CommitmentMaterialView),
    signature: Nullable(
      Closed({
        signerName: Type.String(),
        signedAt: DateTime(),
        sha256: Type.String({ description: 'the hash of the text that was signed' }),
        valid: Type.Boolean({ description: 'false once the answers changed the text: sign again before submitting' }),
      }),
    ),
  }),
);
export type CommitmentView = Static<typeof CommitmentView>;

export const CommitmentBody = Type.Object(
  {
    agreed: Type.Boolean({ description: 'the applicant ticked 我已阅读并同意 (must be true)' }),
    name: Type.String({ maxLength: 100, description: "the applicant's name typed again, exactly as in their real-name identity" }),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'the hash of the text read; a different text in force now is refused with 409' })),
  },
  { additionalProperties: false, description: 'Any other key is refused with 422 naming it' },
);
export type CommitmentBody = Static<typeof CommitmentBody>;
