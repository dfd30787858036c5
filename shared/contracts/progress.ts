// 进度查询: an application's progress for whoever holds its 受理回执 (办件编号 + 查询码), without
// signing in. Titles and statuses only: no name, no answers, no id.
import { Type, type Static } from '@sinclair/typebox';
import { ApplicationStatus, Closed, DateTime, Named, Nullable, SubStatus } from './common.js';

export const ProgressQuery = Type.Object({
  number: Type.String({ pattern: '^[0-9]{20}$', description: '办件编号 (20 digits), as printed on the receipt' }),
  code: Type.String({ minLength: 8, maxLength: 12, description: '查询码 as printed on the receipt (8 characters; a dash and spaces are ignored, case too)' }),
});

export const Progress = Named(
  'Progress',
  Closed({
    number: Type.String(),
    title: Type.String({ description: "the bundle's title" }),
    status: ApplicationStatus,
    submittedAt: DateTime(),
    promisedBy: Nullable(DateTime({ description: 'when the promise runs out: 24:00 China time of its last day, ISO 8601 with +08:00' })),
    items: Type.Array(Closed({ title: Type.String(), departmentName: Type.String(), status: SubStatus })),
  }),
);
export type Progress = Static<typeof Progress>;
