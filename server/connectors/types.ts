/*
 * Connectors: the product's way to the world outside that holds what the applicant need not hand
 * in. One registry (server/connectors/registry.ts) holds one connector per licence type (material
 * code) and per department, as `scenarios/connectors.yaml` says; each connector is an instance of
 * a connector TYPE (an id, a TypeBox options schema checked when the scenario files load, a
 * factory). Two kinds:
 *
 *   licence  电子证照库: a holder's licence of a type → number, issuer, validity, fields, file;
 *            and `issue`, which records a result licence in the library
 *   data     数据共享交换: a department's records by key (a company by 统一社会信用代码, a person
 *            by 公民身份号码) → values for `sharing:<department>` prefill elements
 *
 * Every call goes through the registry, which writes it to `connector_calls` (who, which licence
 * type, whose, for which application, outcome, latency) whatever the outcome.
 */

export type ConnectorKind = 'licence' | 'data';

/** Whose licence or record: a person by 公民身份号码, a company by 统一社会信用代码. */
export interface Holder {
  idNumber?: string;
  creditCode?: string;
  name: string;
}

/** Why and for whom a call is made: kept with the call in `connector_calls`. */
export interface CallContext {
  /** The user (or `system:dispatch`) on whose behalf the call is made. */
  actor: string;
  applicationId?: string;
  /** e.g. `form` (what the applicant will be spared), `submit`, `dispatch`, `issue`, `health`. */
  purpose: string;
}

/** A licence as the library holds it. Dates are `YYYY-MM-DD` (China time). */
export interface LicenceRecord {
  /** The material code of the licence type, e.g. `household-register`. */
  type: string;
  licenceNumber: string;
  issuer: string;
  issuedOn: string;
  /** null: valid without end. */
  validUntil: string | null;
  holder: Holder;
  /** The licence's own fields (照面信息), e.g. `{"户主": "张伟", "住址": "…"}`. */
  fields: Record<string, unknown>;
  /** The licence file, when asked for (`withFile`). */
  file?: LicenceFile;
}

export interface LicenceFile {
  contentType: string;
  data: Buffer;
}

export interface LicenceQuery {
  type: string;
  holder: Holder;
  /** Fetch the file too (at submit); the form only needs to know whether it exists. */
  withFile?: boolean;
}

/** What an issuing department asks the library to record (a completed item's output licence). */
export interface IssueRequest {
  type: string;
  holder: { idNumber?: string; creditCode?: string; name: string };
  fields: Record<string, unknown>;
  issuer: string;
  applicationId: string;
}

export interface IssuedLicence {
  licenceNumber: string;
  issuedOn: string;
  validUntil: string | null;
}

/**
 * The one thing the results archive (server/licences/) needs from the licence library: issue a
 * result licence into it. Obtained from the registry by material code
 * (`ConnectorRegistry.issuerFor(code)`); calls through it are audit-logged like every other.
 */
export interface LicenceIssuer {
  issue(req: {
    type: string;
    holder: { idNumber?: string; creditCode?: string; name: string };
    fields: Record<string, unknown>;
    issuer: string;
    applicationId: string;
  }): Promise<{ licenceNumber: string; issuedOn: string; validUntil: string | null }>;
}

export interface DataQuery {
  /** The department whose records are read, e.g. `market`. */
  department: string;
  key: { kind: 'idNumber' | 'creditCode'; value: string };
  /** The record fields wanted (the part after `sharing:<department>.`); all when absent. */
  fields?: string[];
}

export interface ConnectorHealth {
  ok: boolean;
  latencyMs: number;
  /** Short and human-readable, never a secret. */
  detail?: string;
  /** The circuit breaker's state, for implementations that have one. */
  breaker?: 'closed' | 'open' | 'half-open';
}

interface ConnectorBase {
  /** The instance id from connectors.yaml, e.g. `province-licence-library`. */
  readonly id: string;
  /** The connector type id, e.g. `http-licence`, `simulated-licence`. */
  readonly type: string;
  health(signal?: AbortSignal): Promise<ConnectorHealth>;
}

export interface LicenceConnector extends ConnectorBase {
  readonly kind: 'licence';
  /** The holder's licence of that type, or null when the library holds none. */
  fetch(query: LicenceQuery, signal?: AbortSignal): Promise<LicenceRecord | null>;
  issue(req: IssueRequest, signal?: AbortSignal): Promise<LicenceRecord>;
}

export interface DataConnector extends ConnectorBase {
  readonly kind: 'data';
  /** The record's values by field name, or null when the department holds no record for the key. */
  records(query: DataQuery, signal?: AbortSignal): Promise<Record<string, unknown> | null>;
}

export type Connector = LicenceConnector | DataConnector;

/** The registry as other modules see it (server/connectors/registry.ts implements it). */
export interface ConnectorRegistry {
  /** The licence connector serving a licence type (material code), audit-logged; undefined when none is configured. */
  licenceFor(code: string): AuditedLicence | undefined;
  /** The issuer for a result licence type (material code); undefined when no connector serves it. */
  issuerFor(code: string, context?: Partial<CallContext>): LicenceIssuer | undefined;
  /** The data connector serving a department's records; undefined when none is configured. */
  dataFor(department: string): AuditedData | undefined;
  /** Every configured connector, for the console's health view. */
  all(): Connector[];
}

/** A licence connector whose every call is written to `connector_calls` with its context. */
export interface AuditedLicence {
  readonly connector: LicenceConnector;
  fetch(query: LicenceQuery, context: CallContext): Promise<LicenceRecord | null>;
  issue(req: IssueRequest, context: CallContext): Promise<LicenceRecord>;
}

export interface AuditedData {
  readonly connector: DataConnector;
  records(query: DataQuery, context: CallContext): Promise<Record<string, unknown> | null>;
}
