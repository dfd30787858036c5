// Engine figures: compose and evaluate for each shipped bundle and for a generated bundle of
// 60 items and 1,500 elements; json-rules-engine's own rate for comparison.
// Targets (issue 3): compose a real bundle < 5 ms, the generated one < 50 ms; ≥ 2,000
// evaluations/s for a real bundle.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { account } from '../../shared/account.js';
import { compose } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { check } from '../../shared/lint.js';
import type { Answers, Bundle, Catalogue, Profile } from '../../shared/model.js';
import { firingRules } from '../../shared/rules.js';
import { split } from '../../shared/split.js';
import type { SourceFile } from '../../shared/yaml-source.js';
import type { BenchRow } from './types.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

function readFolder(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.yaml')) out.push({ path: relative(dir, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

/** Mean ms per call over at least `minMs` of wall time, after a warm-up. */
function time(fn: () => unknown, minMs = 400): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const start = performance.now();
  let elapsed: number;
  do {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return elapsed / n;
}

async function timeAsync(fn: () => Promise<unknown>, minMs = 400): Promise<number> {
  for (let i = 0; i < 10; i++) await fn();
  let n = 0;
  const start = performance.now();
  let elapsed: number;
  do {
    await fn();
    n++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return elapsed / n;
}

/** A synthetic scenario folder: 60 items, 1,500 elements, 200 materials, 12 departments. */
export function generatedScenario(): SourceFile[] {
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const ITEMS = 60;
  const SHARED = 100; // elements many items ask for
  const OWN = 23; // elements only one item asks for: 60 × 23 = 1,380
  const QUESTIONS = 20; // bundle-level choices: 100 + 1,380 + 20 = 1,500
  const depts = Array.from({ length: 12 }, (_, i) => `dept${i}`);
  const el = (i: number): string => `gen.e${i}`;

  let dictionary = 'elements:\n';
  for (let i = 0; i < SHARED + ITEMS * OWN; i++) {
    const kind = i % 4;
    const schema =
      kind === 0 ? '{ type: string, maxLength: 100 }' : kind === 1 ? '{ type: integer, minimum: 0, maximum: 1000 }' : kind === 2 ? '{ type: string, enum: [a, b, c, d] }' : '{ type: string, format: date }';
    dictionary += `  ${el(i)}: { title: 字段${i}, titleEn: Field ${i}, schema: ${schema}${i % 50 === 0 ? ', prefill: identity' : ''} }\n`;
  }
  for (let q = 0; q < QUESTIONS; q++) dictionary += `  gen.q${q}: { title: 问题${q}, titleEn: Question ${q}, schema: { type: boolean } }\n`;

  let materials = 'materials:\n';
  for (let m = 0; m < 200; m++) materials += `  m${m}: { title: 材料${m}, titleEn: Material ${m}, issuer: ${pick(depts)}, electronicLicence: ${m % 3 === 0} }\n`;
  let departments = 'departments:\n';
  for (const d of depts) departments += `  ${d}: { name: 部门${d}, nameEn: Department ${d}, delivery: { channel: inbox } }\n`;

  const files: SourceFile[] = [
    { path: 'dictionary.yaml', text: dictionary },
    { path: 'materials.yaml', text: materials },
    { path: 'departments.yaml', text: departments },
  ];
  const bundleItems: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    let text = `id: item${i}\ntitle: 事项${i}\ntitleEn: Item ${i}\ndepartment: ${depts[i % depts.length]}\ntimeLimitDays: ${1 + (i % 15)}\nfields:\n`;
    const shared = new Set<number>();
    while (shared.size < 10) shared.add(Math.floor(random() * SHARED));
    for (const s of shared) text += s % 4 === 0 && random() < 0.3 ? `  s${s}: { element: ${el(s)}, schema: { maxLength: ${60 + (i % 20)} } }\n` : `  s${s}: ${el(s)}\n`;
    for (let k = 0; k < OWN; k++) text += `  f${k}: ${el(SHARED + i * OWN + k)}\n`;
    text += 'materials:\n';
    const mats = new Set<number>();
    while (mats.size < 5) mats.add(Math.floor(random() * 200));
    let first = true;
    for (const m of mats) {
      text += first ? `  - material: m${m}\n    when: { all: [{ fact: gen.q${i % QUESTIONS}, operator: equal, value: true }] }\n` : `  - m${m}\n`;
      first = false;
    }
    if (i % 5 === 0) text += `outputs:\n  - material: m${(i * 7) % 200}\n`;
    files.push({ path: `items/item${i}.yaml`, text });
    const after = i > 0 ? `\n    after: [item${Math.floor(random() * i)}]` : '';
    bundleItems.push(`  - item: item${i}${after}${i % 6 === 5 ? '\n    optional: true' : ''}`);
  }
  let bundle = `id: generated\ntitle: 生成的一件事\ntitleEn: Generated\nversion: "1"\nitems:\n${bundleItems.join('\n')}\nquestions: [${Array.from({ length: QUESTIONS }, (_, q) => `gen.q${q}`).join(', ')}]\nrules:\n`;
  for (let i = 5; i < ITEMS; i += 6) {
    bundle += `  - name: include-${i}\n    conditions: { any: [{ fact: gen.q${i % QUESTIONS}, operator: equal, value: true }, { fact: ${el(i % SHARED)}, operator: in, value: [a, b] }] }\n    event: { type: include-item, params: { item: item${i}, reason: 选择, reasonEn: chosen } }\n`;
  }
  bundle += 'sections:\n';
  for (let s = 0; s < 30; s++) {
    const ids = Array.from({ length: 50 }, (_, k) => s * 50 + k)
      .filter((k) => k < SHARED + ITEMS * OWN)
      .map(el);
    if (s === 29) ids.push(...Array.from({ length: QUESTIONS }, (_, q) => `gen.q${q}`));
    bundle += `  - { id: s${s}, title: 第${s}节, titleEn: Section ${s}, elements: [${ids.join(', ')}] }\n`;
  }
  files.push({ path: 'bundles/generated.yaml', text: bundle });
  return files;
}

function answersFor(b: Bundle): { answers: Answers; profile?: Profile } {
  const ex = b.examples.default;
  return ex ? { answers: ex.answers, ...(ex.profile ? { profile: ex.profile } : {}) } : { answers: {} };
}

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const files = readFolder(SCENARIOS);
  const loadMs = time(() => check(files), 1000);
  rows.push({ name: 'load + lint shipped scenarios (39 files)', value: loadMs, unit: 'ms' });
  const { catalogue } = check(files);

  for (const b of catalogue.bundles.values()) {
    const { answers, profile } = answersFor(b);
    const evaluation = evaluate(b, catalogue, answers, profile);
    const composeMs = time(() => compose(b, catalogue, { evaluation }));
    rows.push({ name: `${b.id}: compose`, value: composeMs, unit: 'ms', target: { max: 5 } });
    const liveMs = time(() => compose(b, catalogue, { answers, ...(profile ? { profile } : {}) }));
    rows.push({ name: `${b.id}: evaluate + compose (live form)`, value: liveMs, unit: 'ms' });
    const evalMs = time(() => evaluate(b, catalogue, answers, profile));
    rows.push({ name: `${b.id}: evaluate`, value: 1000 / evalMs, unit: 'ops/s', target: { min: 2000 } });
    const accMs = time(() => account(b, catalogue, evaluate(b, catalogue, answers, profile)));
    rows.push({ name: `${b.id}: evaluate + account`, value: 1000 / accMs, unit: 'ops/s' });
    const splitMs = time(() => split(b, catalogue, answers, evaluate(b, catalogue, answers, profile)));
    rows.push({ name: `${b.id}: evaluate + split`, value: 1000 / splitMs, unit: 'ops/s' });
    rows.push({ name: `${b.id}: compose, cold plan`, value: time(() => compose({ ...b }, catalogue, { evaluation })), unit: 'ms', target: { max: 5 } });
  }

  // The reference engine on the largest rule set, to show why the hot path does not use it.
  const newborn = catalogue.bundles.get('newborn') as Bundle;
  const values = evaluate(newborn, catalogue, answersFor(newborn).answers).values;
  const jreMs = await timeAsync(() => firingRules(newborn.rules, values));
  rows.push({ name: 'newborn: json-rules-engine rules only (reference)', value: 1000 / jreMs, unit: 'runs/s' });

  const generated = generatedScenario();
  const genLoadMs = time(() => check(generated), 2000);
  rows.push({ name: 'generated (60 items, 1,500 elements): load + lint', value: genLoadMs, unit: 'ms' });
  const gen = check(generated);
  const errors = gen.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`generated scenario has errors: ${errors.slice(0, 3).map((d) => d.message).join('; ')}`);
  const gb = gen.catalogue.bundles.get('generated') as Bundle;
  const genCatalogue: Catalogue = gen.catalogue;
  const genAnswers: Answers = Object.fromEntries(Array.from({ length: 20 }, (_, q) => [`gen.q${q}`, q % 2 === 0]));
  const genEval = evaluate(gb, genCatalogue, genAnswers);
  const form = compose(gb, genCatalogue, { evaluation: genEval });
  rows.push({ name: 'generated: fields in the form for the answers', value: form.elements.filter((e) => e.inForm).length, unit: 'fields' });
  rows.push({ name: 'generated: compose for the answers', value: time(() => compose(gb, genCatalogue, { evaluation: genEval })), unit: 'ms' });
  const everything = gb.items.map((i) => i.item);
  const full = compose(gb, genCatalogue, { items: everything });
  rows.push({ name: 'generated: fields in the form, every item', value: full.elements.length, unit: 'fields' });
  rows.push({ name: 'generated: compose, every item', value: time(() => compose(gb, genCatalogue, { items: everything })), unit: 'ms', target: { max: 50 } });
  // A copy of the bundle object misses the plan cache: plan building included.
  rows.push({ name: 'generated: compose, every item, cold plan', value: time(() => compose({ ...gb }, genCatalogue, { items: everything }), 1000), unit: 'ms', target: { max: 50 } });
  rows.push({ name: 'generated: evaluate', value: 1000 / time(() => evaluate(gb, genCatalogue, genAnswers)), unit: 'ops/s' });
  return rows;
}
