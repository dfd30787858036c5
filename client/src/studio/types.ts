/** Shapes of the API the studio reads: the contracts' own types (shared/contracts/), never copies. */
export type { CheckResult, Preview, PreviewMaterial, Proposal, SourceFile, StudioBundle, StudioDraft, StudioItem, StudioVersion } from '../../../shared/contracts/studio.js';
