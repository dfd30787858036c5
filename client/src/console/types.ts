/** Shapes of the API the console reads: the contracts' own types (shared/contracts/), never copies. */
export type { Attempt, AuditPage, AuditRow, Delivery as DeadDelivery, DepartmentHealth } from '../../../shared/contracts/operations.js';
export type { Identity, RoleGrant, GrantBody } from '../../../shared/contracts/roles.js';
export type { ConnectorCall, ConnectorHealthRow } from '../../../shared/contracts/connectors.js';
