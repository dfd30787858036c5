// Building blocks of the API contracts (shared/contracts/*.ts): JSON Schemas declared once with
// TypeBox, validated by the server's Ajv, published as /api/openapi.json and, as
// `Static<typeof X>`, the client's types. Pure data: no I/O, importable on both sides.
import { Type, type SchemaOptions, type Static, type TRecord, type TSchema, type TString, type TUnknown, type TUnsafe } from '@sinclair/typebox';
import { DELIVERY_METHODS, ON_SITE_REASONS } from '../guide.js';
import { SUB_STATUSES, DEPARTMENT_ACTIONS, type ApplicationStatus as LifecycleStatus } from '../lifecycle.js';

/** The OpenAPI component a schema is published under (a symbol: it never reaches the JSON). */
export const ComponentName = Symbol('contracts.component');

/** Publishes `schema` once under components/schemas/<name>; every use refers to it. */
export function Named<T extends TSchema>(name: string, schema: T): T {
  (schema as unknown as Record<symbol, string>)[ComponentName] = name;
  return schema;
}

/** An object that says every key it may have: anything else is a drift from the contract. */
export const Closed = <T extends Parameters<typeof Type.Object>[0]>(properties: T, options: SchemaOptions = {}) => Type.Object(properties, { additionalProperties: false, ...options });

/** One of a list of strings, as `enum` (readable in the document, unlike an anyOf of consts). */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const DayUnitSchema = StringEnum(['working', 'natural'] as const, { description: 'working: 工作日; natural: 自然日' });

/** A string or number schema that also takes null, as JSON Schema 2020 says it: `type: [t, "null"]`. */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const { type, ...rest } = schema as { type?: string } & Record<string, unknown>;
  // A published component stays one: referred to, beside null.
  if (typeof type !== 'string' || ComponentName in schema) return Type.Unsafe<Static<T> | null>({ anyOf: [schema, { type: 'null' }] });
  const values = (rest as { enum?: unknown[] }).enum;
  return Type.Unsafe<Static<T> | null>({ ...rest, type: [type, 'null'], ...(values ? { enum: [...values, null] } : {}) });
}

/** An instant as JSON carries it (a Date serialises to this). */
export const DateTime = (options: SchemaOptions = {}) => Type.String({ format: 'date-time', ...options });
/** A China calendar date, YYYY-MM-DD. */
export const DateOnly = (options: SchemaOptions = {}) => Type.String({ format: 'date', ...options });
export const Uuid = (options: SchemaOptions = {}) => Type.String({ format: 'uuid', ...options });

/** A free-form map (answers, outputs, fields under a department's names): keys are data, values any JSON. */
export function Dict(description: string): TRecord<TString, TUnknown>;
export function Dict<T extends TSchema>(description: string, value: T): TRecord<TString, T>;
export function Dict(description: string, value: TSchema = Type.Unknown()) {
  return Type.Record(Type.String(), value, { description });
}

/**
 * A value whose shape the engine owns (a composed JSON Schema, a uiSchema): typed in TypeScript as
 * T, described here by what it must at least be.
 */
export function Engine<T>(description: string, properties: Record<string, TSchema> = {}, required: string[] = []): TUnsafe<T> {
  return Type.Unsafe<T>(Type.Object(properties, { description, additionalProperties: true, ...(required.length ? { required } : {}) }));
}

export const ErrorDetail = Named(
  'ErrorDetail',
  Type.Object({ path: Type.String(), message: Type.String({ description: 'Chinese' }), messageEn: Type.Optional(Type.String()) }, { additionalProperties: false }),
);
export const ErrorBody = Named(
  'Error',
  Closed({
    error: Closed({
      code: Type.String(),
      message: Type.String({ description: 'Chinese' }),
      messageEn: Type.String(),
      details: Type.Array(ErrorDetail),
    }),
  }),
);
export type ErrorBody = Static<typeof ErrorBody>;

export const SubStatus = Named('SubStatus', StringEnum(SUB_STATUSES));
export const DepartmentAction = StringEnum(DEPARTMENT_ACTIONS);
export const APPLICATION_STATUSES = ['draft', 'submitted', 'in_progress', 'supplement', 'completed', 'rejected', 'partially_completed'] as const satisfies readonly LifecycleStatus[];
export const ApplicationStatus = Named('ApplicationStatus', StringEnum(APPLICATION_STATUSES));

/** Same shape as `npm run scenario -- stats --json` (shared/account.ts). */
export const Savings = Named(
  'Savings',
  Closed(
    {
      bundle: Type.String(),
      items: Type.Integer(),
      materials: Closed({
        separately: Type.Integer(),
        handedIn: Type.Integer(),
        waived: Closed({ sharing: Type.Integer(), bundle: Type.Integer(), commitment: Type.Integer(), generated: Type.Integer() }),
        handedInOnceForSeveral: Type.Integer(),
        reusedFromArchive: Type.Integer(),
      }),
      fields: Closed({ separately: Type.Integer(), asked: Type.Integer() }),
      visits: Closed({
        separately: Type.Integer({ description: "each included item's own visits (跑动次数)" }),
        bundled: Type.Integer({ description: 'trips the remaining on-site needs cost' }),
        reasons: Type.Array(
          Closed({
            item: Type.Optional(Type.String()),
            reason: StringEnum([...ON_SITE_REASONS, 'rule'] as const),
            title: Type.String(),
            titleEn: Type.String(),
          }),
          { description: 'why a visit remains' },
        ),
      }),
      days: Closed({
        separately: Type.Number(),
        criticalPath: Type.Number(),
        promised: Closed(
          { value: Type.Number(), unit: DayUnitSchema, declared: Type.Boolean(), excludes: Type.Array(Type.String()) },
          { description: "the bundle's promise (承诺办结时限); without one the critical path, declared false" },
        ),
      }),
      steps: Closed({ separately: Type.Integer(), bundled: Type.Integer() }, { description: "环节: the items' own steps vs the bundle's flow" }),
      fees: Closed(
        {
          total: Type.Number(),
          items: Type.Array(Closed({ item: Type.String(), fee: Type.Number(), delivery: Type.Optional(StringEnum(DELIVERY_METHODS)) })),
        },
        { description: 'yuan: item fees and the chosen delivery options' },
      ),
    },
    { description: 'What the applicant is spared: same shape as `npm run scenario -- stats --json`' },
  ),
);

export const Reason = Closed({ reason: Type.String(), reasonEn: Type.String(), rule: Type.Optional(Type.String({ description: 'the rule that said so' })) });
export const DISPOSITION_VALUES = ['generated', 'bundle', 'sharing', 'reuse', 'commitment', 'upload'] as const;
export const Disposition = StringEnum(DISPOSITION_VALUES);
/** A material as the evaluation decides it: how it is handed in (or not), and why. */
export const MATERIAL_VERDICT = {
  code: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  disposition: Disposition,
  reason: Type.String(),
  reasonEn: Type.String(),
  items: Type.Array(Type.String(), { description: 'the items that need it' }),
};

export const ItemDecision = Closed({
  id: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  department: Type.String(),
  timeLimitDays: Type.Number(),
  optional: Type.Boolean(),
  included: Type.Boolean(),
  reason: Type.String(),
  reasonEn: Type.String(),
  rule: Type.Optional(Type.String()),
});

/** A person as a list shows them: masked (4301**********6525, 137****1003, 王*). */
export const MaskedPerson = Closed({ name: Type.String(), idNumber: Nullable(Type.String()), mobile: Nullable(Type.String()) });

/** A 补正 request as the applicant and the department read it. */
export const SupplementRequest = Closed({
  reason: Nullable(Type.String()),
  requestedAt: DateTime(),
  dueDate: Nullable(DateOnly({ description: 'the last day (Beijing) to answer; null for requests made before deadlines were kept' })),
  materials: Type.Array(Closed({ code: Type.String(), title: Type.String() })),
  fields: Type.Array(Closed({ element: Type.String(), title: Type.String() })),
});

export const Official = Closed(
  {
    source: Type.Optional(Type.String()),
    days: Type.Optional(Closed({ before: Type.Number(), after: Type.Number() })),
    visits: Type.Optional(Closed({ before: Type.Number(), after: Type.Number() })),
    materials: Type.Optional(Closed({ before: Type.Number(), after: Type.Number() })),
    steps: Type.Optional(Closed({ before: Type.Number(), after: Type.Number() })),
    promise: Type.Optional(Closed({ days: Type.Number(), unit: DayUnitSchema }, { description: '承诺办结时限 as published' })),
    notes: Type.Optional(
      Type.Record(Type.String({ pattern: '^(days|visits|materials|steps)\\.(before|after)$|^promise$' }), Type.String(), {
        description: "how the guide counted a figure the engine's own counts cannot explain, by figure (`days.before`, …, `promise`)",
      }),
    ),
  },
  { description: 'the figures the official announcement gives, for comparison' },
);

/** A path parameter: an id as it appears in a URL. */
export const PathId = (description: string) => Type.String({ description });

/** A query parameter sent empty (`?from=`) counts as not sent (a symbol: it never reaches the JSON). */
export const BlankIsAbsent = Symbol('contracts.blank-is-absent');
export function blankIsAbsent<T extends TSchema>(schema: T): T {
  (schema as unknown as Record<symbol, boolean>)[BlankIsAbsent] = true;
  return schema;
}
