// Engine figures next to the published ones (`official:` of a bundle), and for each difference
// the reason the engine sees: which of its own counts, added or left out, would give the
// published figure. Guides are sometimes inconsistent; this says so instead of hiding it.
import type { Account } from './account.js';
import type { Evaluation } from './evaluate.js';
import type { Official, OfficialFigure } from './guide.js';
import { compileCondition } from './condition.js';
import type { Bundle, Catalogue, Item } from './model.js';

export interface Comparison {
  readonly figure: 'days' | 'visits' | 'materials' | 'steps' | 'promise';
  readonly side: 'before' | 'after' | 'promise';
  readonly engine: number;
  readonly official: number;
}

interface Part {
  readonly label: string;
  readonly n: number;
}

const fmt = (n: number): string => String(Math.round(n * 100) / 100);

/** The smallest set of parts whose counts add up to `want` (parts are few: 2^n is cheap). */
function explain(parts: readonly Part[], want: number): Part[] | null {
  const usable = parts.filter((p) => p.n > 0).slice(0, 12);
  let best: Part[] | null = null;
  for (let mask = 1; mask < 1 << usable.length; mask++) {
    const pick = usable.filter((_, i) => mask & (1 << i));
    if (Math.abs(pick.reduce((s, p) => s + p.n, 0) - want) > 1e-9) continue;
    if (!best || pick.length < best.length) best = pick;
  }
  return best;
}

/** Another way of counting that gives exactly the published figure, said in words. */
interface Reading {
  readonly value: number;
  readonly says: string;
}

function sentence(c: Comparison, parts: readonly Part[], extra = '', readings: readonly Reading[] = []): string {
  const d = c.official - c.engine;
  const head = `${c.figure} ${c.side}: engine ${fmt(c.engine)}, official ${fmt(c.official)} (${d > 0 ? '+' : ''}${fmt(d)})`;
  const reading = readings.find((r) => Math.abs(r.value - c.official) < 1e-9);
  if (reading) return `${head}: ${reading.says}${extra ? `; ${extra}` : ''}`;
  const found = explain(parts, Math.abs(d));
  const list = (ps: readonly Part[]): string => ps.map((p) => `${p.label} (${fmt(p.n)})`).join(', ');
  let why: string;
  if (found) why = d > 0 ? `the guide's figure matches if it also counts ${list(found)}` : `the guide's figure matches if it leaves out ${list(found)}`;
  else why = parts.some((p) => p.n > 0) ? `no combination of ${list(parts.filter((p) => p.n > 0))} explains it` : 'the engine sees nothing that explains it';
  return `${head}: ${why}${extra ? `; ${extra}` : ''}`;
}

/** Every published figure of the bundle that differs from the engine's, with the reason. */
export function differences(bundle: Bundle, catalogue: Catalogue, evaluation: Evaluation, a: Account): string[] {
  const o: Official | undefined = bundle.official;
  if (!o) return [];
  const lines: { figure: OfficialFigure; text: string }[] = [];
  const add = (figure: OfficialFigure, text: string): void => void lines.push({ figure, text });
  const all = bundle.items.map((bi) => catalogue.items.get(bi.item)).filter((i): i is Item => i !== undefined);
  const inc = new Set(evaluation.included);
  const left = all.filter((i) => !inc.has(i.id));
  const included = evaluation.included.map((id) => catalogue.items.get(id)).filter((i): i is Item => i !== undefined);
  /** What adding the left-out items (the guide counts more) or leaving out included ones (fewer) would change. */
  const byItem = (c: Comparison, label: string, n: (i: Item) => number): Part[] =>
    (c.official > c.engine ? left : included).map((i) => ({ label: `${label} of ${i.id}`, n: n(i) }));
  const leftNote = left.length > 0 ? `this answer set leaves out ${left.map((i) => `${i.id} (${i.title})`).join(', ')}` : '';
  const same = (x: number, y: number): boolean => Math.abs(x - y) < 1e-9;
  const sum = (items: readonly Item[], n: (i: Item) => number): number => items.reduce((s, i) => s + n(i), 0);
  const everyItem = (n: (i: Item) => number, what: string): Reading => ({ value: sum(all, n), says: `the guide counts every item of the bundle (${all.length}), this answer set includes ${included.length}: ${what} over all items is ${fmt(sum(all, n))}` });
  /** Items that state the figure themselves are the ones the guide lists; the others were added from elsewhere. */
  const declaring = (has: (i: Item) => boolean, n: (i: Item) => number, what: string): Reading[] => {
    const listed = all.filter(has);
    return listed.length > 0 && listed.length < all.length ? [{ value: sum(listed, n), says: `the guide counts the ${listed.length} items that state their ${what} (${listed.map((i) => i.id).join(', ')})` }] : [];
  };
  const facts = (id: string): unknown => (Object.hasOwn(evaluation.values, id) ? evaluation.values[id] : undefined);
  const needed = new Set(evaluation.materials.map((m) => m.code));
  const otherSituations = new Set(
    included.flatMap((i) => i.materials.filter((m) => m.when && !needed.has(m.code) && !compileCondition(m.when)(facts)).map((m) => m.code)),
  );

  if (o.days) {
    const c: Comparison = { figure: 'days', side: 'before', engine: a.days.separately, official: o.days.before };
    if (!same(c.engine, c.official)) {
      add(
        'days.before',
        sentence(c, byItem(c, 'the limit', (i) => i.timeLimitDays), leftNote, [
          { value: a.days.criticalPath, says: `the guide's figure is the longest chain of limits (the critical path, ${fmt(a.days.criticalPath)}), not their sum` },
          everyItem((i) => i.timeLimitDays, 'the sum of limits'),
        ]),
      );
    }
    const after = a.days.promised.value;
    const c2: Comparison = { figure: 'days', side: 'after', engine: after, official: o.days.after };
    if (!same(after, o.days.after)) {
      add(
        'days.after',
        `${c2.figure} after: engine ${fmt(after)}, official ${fmt(o.days.after)}: ${
          a.days.promised.declared ? `the bundle declares a promise of ${fmt(after)} ${a.days.promised.unit} days` : `the bundle declares no promise:, so the engine uses the critical path of the items' limits (${fmt(a.days.criticalPath)})`
        }`,
      );
    }
  }
  if (o.promise && (!same(a.days.promised.value, o.promise.days) || a.days.promised.unit !== o.promise.unit)) {
    add('promise', `promise: engine ${fmt(a.days.promised.value)} ${a.days.promised.unit} days, official ${fmt(o.promise.days)} ${o.promise.unit} days${a.days.promised.declared ? '' : ' (no promise: declared; the engine uses the critical path)'}`);
  }
  if (o.visits) {
    const c: Comparison = { figure: 'visits', side: 'before', engine: a.visits.separately, official: o.visits.before };
    if (!same(c.engine, c.official)) {
      const parts = byItem(c, 'the visits', (i) => i.guide?.visits ?? 1);
      const zero = evaluation.included.map((id) => catalogue.items.get(id)).filter((i) => i?.guide?.visits === 0);
      const readings = [everyItem((i) => i.guide?.visits ?? 1, 'the sum of visits'), ...declaring((i) => i.guide?.visits !== undefined, (i) => i.guide?.visits ?? 1, 'visits')];
      add('visits.before', sentence(c, parts, [leftNote, zero.length > 0 ? `items already online (0 visits): ${zero.map((i) => i?.id ?? '').join(', ')}` : ''].filter(Boolean).join('; '), readings));
    }
    const c2: Comparison = { figure: 'visits', side: 'after', engine: a.visits.bundled, official: o.visits.after };
    if (!same(c2.engine, c2.official)) {
      const seen = a.visits.reasons.map((r) => `${r.title}${r.item ? ` [${r.item}]` : ''}`);
      add(
        'visits.after',
        `visits after: engine ${a.visits.bundled}, official ${o.visits.after}: ${
          seen.length > 0 ? `the engine sees these on-site needs: ${seen.join('; ')}` : 'the engine sees no on-site need'
        }${c2.official > c2.engine ? '; declare the others under onSite: with their reason' : '; the guide does not count some of them'}`,
      );
    }
  }
  if (o.materials) {
    const m = a.materials;
    const forms = evaluation.materials.filter((x) => x.form).reduce((n, x) => n + x.needs.length, 0);
    const repeated = evaluation.materials.reduce((n, x) => n + Math.max(0, x.needs.length - 1), 0);
    const conditional = evaluation.materials.filter((x) => x.needs.every((n) => n.origin === 'condition' || n.origin === 'rule')).length;
    const counted: Part[] = [
      { label: "each item's own application form", n: forms },
      { label: 'second and later copies of a material several items need', n: repeated },
      { label: 'materials only this situation needs', n: conditional },
    ];
    const uncounted: Part[] = [
      { label: 'materials only other situations need', n: otherSituations.size },
      { label: 'materials a rule waived here', n: evaluation.notRequired.length },
      ...left.map((i) => ({ label: `the form and fixed materials of ${i.id}`, n: 1 + i.materials.filter((x) => !x.when).length })),
    ];
    const c: Comparison = { figure: 'materials', side: 'before', engine: m.separately, official: o.materials.before };
    if (!same(c.engine, c.official)) add('materials.before', sentence(c, c.official > c.engine ? uncounted : counted, leftNote));
    const after: Part[] = [
      { label: 'materials only other situations need', n: otherSituations.size },
      { label: 'generated forms', n: m.waived.generated },
      { label: 'electronic licences fetched by data sharing', n: m.waived.sharing },
      { label: 'materials passed on inside the bundle', n: m.waived.bundle },
      { label: 'materials replaced by a commitment', n: m.waived.commitment },
      { label: 'copies reused from the archive', n: m.reusedFromArchive },
      { label: 'materials a rule waived here', n: evaluation.notRequired.length },
    ];
    const c2: Comparison = { figure: 'materials', side: 'after', engine: m.handedIn, official: o.materials.after };
    if (!same(c2.engine, c2.official)) {
      const uploads = evaluation.materials.filter((x) => x.disposition === 'upload').map((x) => x.title);
      add('materials.after', sentence(c2, c2.official > c2.engine ? after : [], `handed in: ${uploads.join('、') || 'nothing'}`));
    }
  }
  if (o.steps) {
    const c: Comparison = { figure: 'steps', side: 'before', engine: a.steps.separately, official: o.steps.before };
    if (!same(c.engine, c.official)) {
      const readings = [everyItem((i) => i.guide?.steps ?? 1, 'the sum of steps'), ...declaring((i) => i.guide?.steps !== undefined, (i) => i.guide?.steps ?? 1, 'steps')];
      add('steps.before', sentence(c, byItem(c, 'the steps', (i) => i.guide?.steps ?? 1), leftNote, readings));
    }
    const c2: Comparison = { figure: 'steps', side: 'after', engine: a.steps.bundled, official: o.steps.after };
    if (!same(c2.engine, c2.official)) {
      const flow = bundle.guide?.flow ?? [];
      add('steps.after', `steps after: engine ${a.steps.bundled}, official ${o.steps.after}: ${flow.length > 0 ? `the bundle's flow: ${flow.map((s) => s.title).join(' → ')}` : 'the bundle declares no flow:, so the engine counts one application'}`);
    }
  }
  // The designer's account of how the guide counted, where the engine's own counts cannot say.
  return lines.map(({ figure, text }) => (o.notes?.[figure] ? `${text}; the bundle notes: ${o.notes[figure]}` : text));
}
