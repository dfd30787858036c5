/** Shapes of the API the portal reads: the contracts' own types (shared/contracts/), never copies. */
import type { Static } from '@sinclair/typebox';
import type { Savings as SavingsSchema, ApplicationStatus as ApplicationStatusSchema } from '../../../shared/contracts/common.js';

export type Savings = Static<typeof SavingsSchema>;
export type ApplicationStatus = Static<typeof ApplicationStatusSchema>;
export type { BundleSummary, FormResponse, PortableModel } from '../../../shared/contracts/bundles.js';
export type { ApplicationDetail, ApplicationItem, ApplicationSummary, CommitmentView, EvaluatedMaterial, HistoryEntry, Rating, ServerEvaluation, Uploaded } from '../../../shared/contracts/applications.js';
export type { IssuedLicence } from '../../../shared/contracts/licences.js';
