// account(bundle, catalogue, evaluation) → what the applicant was spared.
//
// Definitions (the numbers a designer and the statistics page quote):
// - materials.separately: for every included item, its own application form plus every
//   material it requires in this situation (conditions and rules applied): what the applicant
//   would hand in visiting each department on their own. A material needed by two items
//   counts twice, as it would be handed in twice.
// - materials.handedIn: distinct materials with disposition `upload`.
// - materials.waived.<reason>: distinct materials the applicant does not hand in, by reason.
// - materials.handedInOnceForSeveral: uploaded materials that serve two or more items.
// - materials.reusedFromArchive: distinct materials taken from the applicant's archive.
//   Every distinct material is in exactly one of handedIn, waived.*, reusedFromArchive.
// - materials.waived.commitment: with `signedCommitments` (submit passes the materials the
//   applicant's signed 告知承诺 covers), only those; a commitment not signed spares nothing and
//   counts as handed in. Without it (previews, the studio) every commitment counts, as what the
//   bundle offers.
// - fields.separately: the sum of the included items' own form fields.
// - fields.asked: elements the applicant types in the combined form: each once, without
//   prefilled ones (identity, data sharing) and without values an earlier item supplies;
//   bundle-level questions (choices) count, since the applicant answers them.
// - visits, steps, fees and days.promised: see shared/guide-figures.ts (each item's own
//   visits; the on-site needs that remain, with their reasons; 环节; the bundle's promise).
// - days.separately: the sum of the included items' time limits (one after the other);
//   days.criticalPath: the longest chain of time limits through the `after:` DAG.
import { compose, type ComposedForm } from './compose.js';
import { criticalPath } from './dag.js';
import type { Evaluation } from './evaluate.js';
import type { GuideFigures } from './guide-figures.js';
import { guideFigures } from './guide-figures.js';
import type { Bundle, Catalogue } from './model.js';
import { planBundle } from './plan.js';

export interface Account {
  readonly bundle: string;
  readonly items: number;
  readonly materials: {
    readonly separately: number;
    readonly handedIn: number;
    readonly waived: { readonly sharing: number; readonly bundle: number; readonly commitment: number; readonly generated: number };
    readonly handedInOnceForSeveral: number;
    readonly reusedFromArchive: number;
  };
  readonly fields: { readonly separately: number; readonly asked: number };
  readonly visits: GuideFigures['visits'];
  readonly days: { readonly separately: number; readonly criticalPath: number; readonly promised: GuideFigures['promised'] };
  readonly steps: GuideFigures['steps'];
  readonly fees: GuideFigures['fees'];
}

export interface AccountOptions {
  /** Codes of the materials a signed 告知承诺 covers; absent: every commitment counts. */
  readonly signedCommitments?: ReadonlySet<string>;
}

/** `form`: the form composed for this evaluation, when the caller already has it (submit does). */
export function account(bundle: Bundle, catalogue: Catalogue, evaluation: Evaluation, form: ComposedForm = compose(bundle, catalogue, { evaluation }), options: AccountOptions = {}): Account {
  const plan = planBundle(bundle, catalogue);
  const included = evaluation.included.map((id) => plan.byId.get(id)).filter((i) => i !== undefined);

  let separately = 0;
  for (const m of evaluation.materials) separately += m.needs.length;
  const signed = options.signedCommitments;
  const unsigned = (m: Evaluation['materials'][number]): boolean => m.disposition === 'commitment' && signed !== undefined && !signed.has(m.code);
  const count = (d: string): number => evaluation.materials.filter((m) => m.disposition === d && !unsigned(m)).length;
  const uploads = evaluation.materials.filter((m) => m.disposition === 'upload' || unsigned(m));

  const asked = form.elements.filter((e) => e.asked).length;

  const weight = new Map(included.map((i) => [i.id, i.timeLimitDays]));
  const preds = new Map(Object.entries(evaluation.after));
  const path = criticalPath(evaluation.included, preds, (id) => weight.get(id) ?? 0);
  const guide = guideFigures(bundle, catalogue, evaluation, path.length);

  return {
    bundle: bundle.id,
    items: included.length,
    materials: {
      separately,
      handedIn: uploads.length,
      waived: { sharing: count('sharing'), bundle: count('bundle'), commitment: count('commitment'), generated: count('generated') },
      handedInOnceForSeveral: uploads.filter((m) => m.items.length >= 2).length,
      reusedFromArchive: count('reuse'),
    },
    fields: { separately: included.reduce((n, i) => n + i.fields.length, 0), asked },
    visits: guide.visits,
    days: { separately: included.reduce((n, i) => n + i.timeLimitDays, 0), criticalPath: path.length, promised: guide.promised },
    steps: guide.steps,
    fees: guide.fees,
  };
}
