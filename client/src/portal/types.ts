/** Shapes of the API the portal reads (see /api/openapi.json). */
import type { Account, ComposedElement, ComposedSection, Disposition, ItemDecision, Profile, Reason } from '../../../shared/index.js';
import type { SubStatus } from '../../../shared/lifecycle.js';

export type Savings = Account;

export interface BundleSummary {
  id: string;
  version: string;
  title: string;
  titleEn: string;
  description: string | null;
  departments: { code: string; name: string; nameEn: string }[];
  items: { id: string; title: string; titleEn: string; department: string | null; timeLimitDays: number | null; optional: boolean }[];
  official: { source?: string; days?: { before: number; after: number }; visits?: { before: number; after: number }; materials?: { before: number; after: number } } | null;
  savings: Savings;
  /** The standard first, then the city or county implementations (empty for a bundle without regions). */
  regions?: { code: string; name: string; nameEn: string; standard: boolean }[];
}

/** GET /api/bundles/:id/form */
export interface FormResponse {
  bundleId: string;
  version: string;
  elements: ComposedElement[];
  sections: ComposedSection[];
  model: PortableModel;
  profile: Profile | null;
}

/** The engine's model as the server sends it (server/bundles/portable.ts); rebuilt by model.ts. */
export interface PortableModel {
  bundle: Record<string, unknown> & { prefill: [string, unknown][] };
  items: unknown[];
  elements: { id: string }[];
  materials: { code: string }[];
  departments: { code: string; name: string; nameEn: string; shortName: string; shortNameEn: string }[];
}

export interface Uploaded {
  fileName: string;
  sha256: string;
  size: number;
  mime: string;
  uploadedAt: string;
}

export interface EvaluatedMaterial {
  code: string;
  title: string;
  titleEn: string;
  disposition: Disposition;
  reason: string;
  reasonEn: string;
  items: string[];
  uploaded?: Uploaded;
}

/** GET /api/applications/:id/evaluation: the server's word on items, materials and savings. */
export interface ServerEvaluation {
  bundleId: string;
  version: string;
  eligible: boolean;
  ineligible: Reason[];
  notices: Reason[];
  items: ItemDecision[];
  materials: EvaluatedMaterial[];
  savings: Savings;
}

export type ApplicationStatus = 'draft' | 'submitted' | 'in_progress' | 'supplement' | 'completed' | 'rejected' | 'partially_completed';

export interface ApplicationSummary {
  id: string;
  bundleId: string;
  title: string;
  version: string;
  /** The regional implementation it is filed under, null for the standard. */
  region?: string | null;
  status: ApplicationStatus;
  createdAt: string;
  submittedAt: string | null;
}

export interface HistoryEntry {
  at: string;
  status: string;
  note: unknown;
}

export interface SupplementRequest {
  reason: string | null;
  requestedAt: string;
  materials: { code: string; title: string }[];
  fields: { element: string; title: string }[];
}

export interface ApplicationItem {
  id: string;
  itemId: string;
  title: string;
  department: string;
  departmentName: string;
  status: SubStatus;
  outputs: Record<string, unknown>;
  reason: string | null;
  supplement: SupplementRequest | null;
  history: HistoryEntry[];
}

export interface Rating {
  score: number;
  comment: string | null;
  createdAt: string;
}

/** GET /api/applications/:id */
export interface ApplicationDetail {
  id: string;
  bundleId: string;
  title: string;
  version: string;
  region?: string | null;
  status: ApplicationStatus;
  answers: Record<string, unknown>;
  createdAt: string;
  submittedAt: string | null;
  items: ApplicationItem[];
  savings: Savings | null;
  /** The bundle's promised limit and when it runs out for this filing (ISO 8601, +08:00). */
  promise?: { days: number; unit: 'working' | 'natural' } | null;
  promisedBy?: string | null;
  rating: Rating | null;
}
