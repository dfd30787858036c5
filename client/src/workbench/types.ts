/** Shapes of the API the workbench reads: the contracts' own types (shared/contracts/), never copies. */
export type { Inbox, InboxRow, SubDetail } from '../../../shared/contracts/workbench.js';
export type { Produce, SubHistoryEntry as HistoryEntry, SubMaterial } from '../../../shared/contracts/departments.js';
