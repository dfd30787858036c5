// The department API: a department's own sub-applications, their materials, and its actions.
import { Type, type Static } from '@sinclair/typebox';
import { Evidence } from './applications.js';
import { ResultDocument, ResultDocumentInput, MAX_RESULT_DOCUMENTS } from './results.js';
import { Closed, DateTime, DepartmentAction, Dict, MaskedPerson, Named, Nullable, PathId, SubStatus, SupplementRequest, Uuid } from './common.js';

export const DepartmentParams = Type.Object({ code: PathId('department code') });
export const SubParams = Type.Object({ id: PathId('sub-application id') });
export const SubMaterialParams = Type.Object({ id: PathId('sub-application id'), code: PathId('material code') });

export const ListQuery = Type.Object({ status: Type.Optional(SubStatus) });
/** Why personal data is opened (查阅事由), e.g. 审核办理: written to the audit log (the first 200 characters). */
export const AccessReason = Type.String({ pattern: '\\S', description: 'why personal data is opened (查阅事由), e.g. 审核办理; written to the audit log (the first 200 characters)' });
export const ReadQuery = Type.Object({
  reason: Type.Optional({
    ...AccessReason,
    description: 'why it is read (查阅事由), e.g. 审核办理: required of a staff session (400 naming reason without it); a department system may omit it and is logged as "system: processing"',
  }),
});

export const SubListRow = Closed({
  id: Uuid(),
  applicationId: Uuid(),
  applicationNumber: Nullable(Type.String({ description: '办件编号 of the whole application (20 digits)' })),
  itemId: Type.String(),
  applicant: MaskedPerson,
  status: SubStatus,
  round: Type.Integer(),
  timeLimitDays: Type.Number(),
  deliveredAt: Nullable(DateTime()),
  completedAt: Nullable(DateTime()),
});

export const SubMaterial = Closed({
  code: Type.String(),
  title: Type.String(),
  disposition: Type.String(),
  reason: Type.String(),
  producedBy: Type.Optional(Type.String()),
  fileName: Type.Optional(Type.String()),
  mime: Type.Optional(Type.String()),
  value: Type.Optional(Type.Unknown({ description: 'the value produced by an earlier item (a licence number)' })),
  url: Type.Optional(Type.String({ description: 'where to download the file (audit-logged)' })),
  evidence: Type.Optional(Evidence),
  licence: Type.Optional(Closed({ fields: Dict("the licence's own fields (照面信息) as the library holds them") }, { description: 'a licence fetched through data sharing' })),
});
export type SubMaterial = Static<typeof SubMaterial>;

export const Produce = Closed({ key: Type.String(), title: Type.String(), schema: Dict('the JSON Schema the output must satisfy') });
export type Produce = Static<typeof Produce>;

export const SubHistoryEntry = Closed({ at: DateTime(), status: Type.String(), actor: Type.String(), note: Type.Unknown() });
export type SubHistoryEntry = Static<typeof SubHistoryEntry>;

/** 告知承诺: the commitment the applicant signed, for the materials of this item it replaces. */
export const DeliveredCommitment = Named(
  'SignedCommitment',
  Closed({
    text: Type.String({ description: 'the 承诺书 as signed (the whole text: its hash checks)' }),
    sha256: Type.String({ description: 'SHA-256 (hex) of text' }),
    signerName: Type.String(),
    signedAt: DateTime(),
    materials: Type.Array(Closed({ code: Type.String(), title: Type.String() }), { description: "this item's materials the commitment replaces" }),
  }),
);
export type DeliveredCommitment = Static<typeof DeliveredCommitment>;

const subApplicationProperties = {
  id: Uuid(),
  applicationId: Uuid(),
  applicationNumber: Nullable(Type.String({ description: '办件编号 of the whole application (20 digits)' })),
  itemId: Type.String(),
  title: Type.String(),
  department: Type.String(),
  status: SubStatus,
  allowedActions: Type.Array(DepartmentAction),
  round: Type.Integer(),
  fields: Dict("Only this department's fields, under its own field names"),
  fieldLabels: Dict('the Chinese label of each field', Type.String()),
  materials: Type.Array(SubMaterial),
  commitment: Type.Optional(DeliveredCommitment),
  inputs: Dict('Results of earlier items this one needs'),
  produces: Type.Array(Produce),
  outputs: Dict('results recorded on completion'),
  supplement: Nullable(SupplementRequest),
  reason: Nullable(Type.String()),
  timeLimitDays: Type.Number(),
  deliveredAt: Nullable(DateTime()),
  completedAt: Nullable(DateTime()),
  history: Type.Array(SubHistoryEntry),
  documents: Type.Array(ResultDocument, { description: '办结结果文书 attached on completion, each with its download link (audit-logged, with a reason for staff)' }),
};
export const SubApplication = Named('SubApplication', Closed(subApplicationProperties));
export type SubApplication = Static<typeof SubApplication>;
/** For the workbench's view, which adds to it (shared/contracts/workbench.ts). */
export const SUB_APPLICATION_PROPERTIES = subApplicationProperties;

const missing = Type.Object(
  { materials: Type.Optional(Type.Array(Type.String())), fields: Type.Optional(Type.Array(Type.String())) },
  { description: 'everything missing, at once (一次性告知): material codes and field names of this item' },
);
export const ActionBody = Named(
  'Action',
  Type.Union(
    [
      Type.Object({ action: Type.Literal('accept') }, { additionalProperties: false }),
      Type.Object({ action: Type.Literal('reject'), reason: Type.Optional(Type.String({ description: 'required: why' })) }, { additionalProperties: false }),
      Type.Object({ action: Type.Literal('request-supplement'), reason: Type.Optional(Type.String()), missing: Type.Optional(missing) }, { additionalProperties: false }),
      Type.Object(
        {
          action: Type.Literal('complete'),
          outputs: Type.Optional(Dict('every output the item declares, by key')),
          documents: Type.Optional(Type.Array(ResultDocumentInput, { maxItems: MAX_RESULT_DOCUMENTS, description: '办结结果文书 for the applicant: PDF, JPEG, PNG or OFD, base64, checked by content (422 naming documents[i].content otherwise)' })),
        },
        { additionalProperties: false },
      ),
    ],
    {
      description: 'accept takes only action; reject also reason; request-supplement reason and missing; complete outputs and documents. Any other key is refused with 422 naming it',
      discriminator: { propertyName: 'action' },
    },
  ),
);
export type ActionBody = Static<typeof ActionBody>;
