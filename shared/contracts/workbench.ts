// The department workbench (staff in the web inbox): its reads; actions go through the department API.
import { Type, type Static } from '@sinclair/typebox';
import { SUB_STATUSES } from '../lifecycle.js';
import { Closed, DateOnly, DateTime, Dict, MaskedPerson, Nullable, PathId, StringEnum, SubStatus, Uuid } from './common.js';
import { AccessReason, SUB_APPLICATION_PROPERTIES } from './departments.js';

/** `open`: waiting for the department (to accept or to complete); `all`: everything it can see. */
export const INBOX_FILTERS = ['open', 'all', ...SUB_STATUSES.filter((s) => s !== 'waiting' && s !== 'dead')] as const;
export type InboxFilter = (typeof INBOX_FILTERS)[number];

export const InboxQuery = Type.Object({
  status: Type.Optional(StringEnum(INBOX_FILTERS, { description: 'default open (delivered or accepted: waiting for the department)' })),
  item: Type.Optional(Type.String({ maxLength: 200, description: 'item (事项) id' })),
  overdue: Type.Optional(StringEnum(['true', 'false'])),
  number: Type.Optional(Type.String({ maxLength: 20, pattern: '^[0-9]{1,20}$', description: '办件编号, whole or its last digits' })),
});

const clock = {
  dueDate: Nullable(DateOnly({ description: 'last working day of the time limit (China time); null while the clock is stopped (补正)' })),
  dueAt: Nullable(DateTime({ description: "the close of the due day: the item's own limit, or the bundle's promise when that comes first" })),
  promisedBy: Nullable(DateTime({ description: "when the bundle's promise runs out; null for items outside it" })),
  overdue: Type.Boolean({ description: '超期: the time limit in working days has run out (督办)' }),
  workingDaysLeft: Nullable(Type.Integer({ description: 'working days left after today (0: due today); negative when overdue; null unless the department holds it' })),
  completedLate: Type.Boolean({ description: 'completed after the due day' }),
};

export const InboxRow = Closed({
  id: Uuid(),
  applicationId: Uuid(),
  applicationNumber: Nullable(Type.String({ description: '办件编号' })),
  bundleId: Type.String(),
  version: Type.String(),
  itemId: Type.String(),
  itemTitle: Type.String(),
  itemTitleEn: Type.String(),
  applicant: MaskedPerson,
  status: SubStatus,
  round: Type.Integer(),
  timeLimitDays: Type.Number(),
  receivedAt: DateTime(),
  completedAt: Nullable(DateTime()),
  updatedAt: DateTime(),
  ...clock,
});
export type InboxRow = Static<typeof InboxRow>;

export const Inbox = Closed({
  department: Type.String(),
  items: Type.Array(Closed({ id: Type.String(), title: Type.String(), titleEn: Type.String() })),
  overdueCount: Type.Integer(),
  rows: Type.Array(InboxRow),
});
export type Inbox = Static<typeof Inbox>;

export const WorkbenchParams = Type.Object({ id: PathId('sub-application id') });
export const WorkbenchReadQuery = Type.Object({ reason: AccessReason });

export const SubDetail = Closed(
  {
    ...SUB_APPLICATION_PROPERTIES,
    bundle: Closed({ id: Type.String(), version: Type.String(), title: Type.String(), titleEn: Type.String() }),
    titleEn: Type.String(),
    departmentName: Type.String(),
    departmentNameEn: Type.String(),
    fieldLabelsEn: Dict('the English label of each field', Type.String()),
    valueLabels: Dict('words for coded values (性别 2 → 女), by field name', Closed({ zh: Type.String(), en: Type.String() })),
    sensitiveFields: Type.Array(Type.String()),
    producesEn: Dict('English titles of the outputs', Type.String()),
    materialsEn: Dict('English titles of the materials', Type.String()),
    inputLabels: Dict('titles of the results of earlier items, by key', Closed({ zh: Type.String(), en: Type.String() })),
    actorNames: Dict('who made each history entry, in words, by actor', Closed({ zh: Type.String(), en: Type.String() })),
    ...clock,
  },
  { description: 'the department API view plus English labels, bundle version and the clock' },
);
export type SubDetail = Static<typeof SubDetail>;
