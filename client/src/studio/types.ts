import type { Diagnostic } from '../../../shared/diagnostic.js';
import type { Account } from '../../../shared/account.js';
import type { ComposedElement, ComposedSection } from '../../../shared/compose.js';
import type { Disposition, ItemDecision, NotRequired, Reason } from '../../../shared/evaluate.js';
import type { BundleExample, JsonSchema } from '../../../shared/model.js';

export interface SourceFile {
  path: string;
  text: string;
}

export interface StudioItem {
  id: string;
  title: string;
  titleEn: string;
  department: string | null;
  departmentName: string | null;
  departmentNameEn: string | null;
  timeLimitDays: number | null;
  optional: boolean;
  file: string | null;
  hash: string | null;
}

export interface StudioVersion {
  version: string;
  seq: number;
  publishedAt: string;
  publishedBy: string | null;
  applications: number;
  drafts: number;
  bundleFile: string;
  items: StudioItem[];
}

export interface StudioBundle {
  id: string;
  title: string;
  titleEn: string;
  current: string;
  versions: StudioVersion[];
}

export interface PreviewMaterial {
  code: string;
  title: string;
  titleEn: string;
  disposition: Disposition;
  reason: string;
  reasonEn: string;
  items: string[];
  form: boolean;
}

export interface Preview {
  form: { schema: JsonSchema; uiSchema: Record<string, unknown>; sections: ComposedSection[]; elements: ComposedElement[]; included: string[] };
  evaluation: {
    eligible: boolean;
    ineligible: Reason[];
    notices: Reason[];
    visits: Reason[];
    items: ItemDecision[];
    materials: PreviewMaterial[];
    notRequired: NotRequired[];
    firedRules: string[];
  };
  savings: Account;
  official: null | { source?: string; days?: { before: number; after: number }; visits?: { before: number; after: number }; materials?: { before: number; after: number }; steps?: { before: number; after: number } };
  examples: Record<string, BundleExample>;
  departments: Record<string, { name: string; nameEn: string; shortName: string; shortNameEn: string }>;
}

export interface CheckResult {
  bundle: { id: string; title: string; titleEn: string; version: string; file: string } | null;
  files: number;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
  preview: Preview | null;
}
