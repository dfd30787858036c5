// Designer CLI: `npm run -s scenario -- lint|preview|stats …`.
//
// The only I/O is here: it reads the scenario folder into {path, text} pairs and hands them to
// shared/, which is the same code the browser studio runs. `main` takes its output streams as
// parameters so tests call it directly.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { account } from '../../shared/account.js';
import { compose } from '../../shared/compose.js';
import type { Diagnostic } from '../../shared/diagnostic.js';
import { formatDiagnostic, formatDiagnosticZh, hasErrors, summarise } from '../../shared/diagnostic.js';
import { zhOf } from '../../shared/lint-messages.js';
import type { Evaluation } from '../../shared/evaluate.js';
import { evaluate } from '../../shared/evaluate.js';
import { check, exampleProblems } from '../../shared/lint.js';
import { parseConnectors } from '../connectors/registry.js';

/** The line of a dotted path's last key in a YAML text (1 when not found): close enough to point at it. */
function lineOf(text: string, path: string): number {
  const keys = path.replace(/\[\d+\]/g, '').split('.').slice(1);
  let from = 0;
  for (const key of keys) {
    const at = text.slice(from).search(new RegExp(`(^|[\\s{,])${key.replace(/[-]/g, '\\-')}\\s*:`, 'm'));
    if (at < 0) break;
    from += at + 1;
  }
  return text.slice(0, from).split('\n').length;
}
import { CONNECTORS_FILE, fileKind } from '../../shared/loader.js';
import { differences } from '../../shared/official.js';
import { regionsOf, resolveRegion } from '../../shared/regions.js';
import type { Answers, Bundle, Catalogue, Profile } from '../../shared/model.js';
import type { SourceFile } from '../../shared/yaml-source.js';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Where paths the user types (a folder, --answers) resolve from. */
  readonly cwd: string;
  /** Where the default `scenarios` folder is; default: cwd. */
  readonly root?: string;
}

const USAGE = `usage:
  scenario lint [dir] [--lang zh]              check every scenario file (default dir: scenarios); --lang zh prints the findings in Chinese
  scenario preview <bundle> [options]          the merged form as a tree
  scenario stats <bundle> [options] [--json]   what the applicant is spared
options:
  --dir <dir>          scenario folder (default: scenarios)
  --answers <file>     JSON answers: {"answers": {...}, "profile": {...}} or a plain answers object
  --example <name>     one of the bundle's examples (stats default: "default")
  --lang zh|en         preview language (default zh)
  --region <code>      a regional implementation of the bundle (e.g. 430100), default the standard`;

// Bounded so a mistaken path (e.g. the repository root) does not read node_modules.
const MAX_FILES = 5_000;
const SKIP_DIRS = new Set(['node_modules', '.git', 'schema']);

export async function readScenarioFiles(dir: string): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  const walk = async (here: string): Promise<void> => {
    const entries = await readdir(here, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (files.length >= MAX_FILES) return;
      const full = join(here, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(full);
      } else if (e.isFile() && /\.ya?ml$/.test(e.name)) {
        files.push({ path: relative(dir, full).split(sep).join('/'), text: await readFile(full, 'utf8') });
      }
    }
  };
  await walk(dir);
  return files;
}

interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

function parseArgs(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--json' || a === '--help' || a === '-h') flags.set(a.replace(/^-+/, ''), true);
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else flags.set(a.slice(2), argv[++i] ?? '');
    } else positional.push(a);
  }
  return { positional, flags };
}

function printDiagnostics(io: Io, dir: string, diagnostics: readonly Diagnostic[], to: 'out' | 'err', lang: 'zh' | 'en' = 'en'): void {
  const format = lang === 'zh' ? formatDiagnosticZh : formatDiagnostic;
  for (const d of diagnostics) io[to](format({ ...d, file: `${dir}/${d.file}` }));
}

const DEFAULT_DIR = 'scenarios';

/** The folder named on the command line (from the working directory), or the package's own. */
function scenarioDir(io: Io, given: string | undefined): { dir: string; shown: string } {
  if (given === undefined) return { dir: resolve(io.root ?? io.cwd, DEFAULT_DIR), shown: DEFAULT_DIR };
  return { dir: resolve(io.cwd, given), shown: given.replace(/\/+$/, '') || '.' };
}

async function loadDir(io: Io, given: string | undefined): Promise<{ catalogue: Catalogue; diagnostics: readonly Diagnostic[]; files: number; shown: string } | null> {
  const { dir, shown } = scenarioDir(io, given);
  const isFile = await stat(dir).then(
    (st) => !st.isDirectory(),
    () => null,
  );
  if (isFile !== false) {
    // One file cannot be checked alone: its ids refer to the dictionary, items and departments.
    io.err(`error: ${shown} is not a scenario folder${isFile ? '; scenario files are checked together: name the folder that holds dictionary.yaml, items/ and bundles/' : ''}`);
    return null;
  }
  const files = await readScenarioFiles(dir);
  if (!files.some((f) => fileKind(f.path) !== null)) {
    // "0 errors" would pass a mistyped folder (or a single bundle's folder) as checked.
    io.err(`error: ${shown} is not a scenario folder: it holds no dictionary.yaml, materials.yaml, departments.yaml, items/*.yaml or bundles/*.yaml`);
    return null;
  }
  const { catalogue, diagnostics: found } = check(files);
  // The operator's connectors.yaml: its options checked against each connector type's schema, as start-up does.
  const connectors = files.find((f) => f.path === CONNECTORS_FILE);
  const diagnostics = connectors
    ? [
        ...found,
        ...parseConnectors(connectors.text, { materials: new Set(catalogue.materials.keys()), departments: new Set(catalogue.departments.keys()) }).problems.map((p) => ({
          file: CONNECTORS_FILE,
          line: lineOf(connectors.text, p.path),
          col: 1,
          severity: 'error' as const,
          code: 'connector-options',
          message: `${p.path}: ${p.reason}`,
          messageZh: zhOf('connector-options', `${p.path}: ${p.reason}`),
        })),
      ]
    : found;
  return { catalogue, diagnostics, files: files.length, shown };
}

/**
 * The files whose errors matter to one bundle: its own, its items', and the shared catalogue
 * (dictionary, materials, departments). An error in another bundle must not fail its stats.
 */
function concerns(bundleId: string, catalogue: Catalogue, file: string): boolean {
  const kind = fileKind(file);
  if (kind === null) return false;
  const id = (file.split('/').at(-1) ?? '').replace(/\.ya?ml$/, '');
  const bundle = catalogue.bundles.get(bundleId);
  if (kind === 'bundle') return id === bundleId || bundle?.at.file === file;
  if (kind === 'item') return bundle !== undefined && bundle.items.some((bi) => bi.item === id || catalogue.items.get(bi.item)?.at.file === file);
  return true;
}

async function readAnswers(io: Io, catalogue: Catalogue, bundle: Bundle, flags: Map<string, string | true>, fallback: boolean): Promise<{ answers: Answers; profile?: Profile; label: string } | null> {
  const file = flags.get('answers');
  if (typeof file === 'string') {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(resolve(io.cwd, file), 'utf8'));
    } catch (e) {
      io.err(`error: cannot read answers from ${file}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      io.err(`error: ${file} must hold a JSON object`);
      return null;
    }
    const obj = raw as Record<string, unknown>;
    const wrapped = obj.answers !== null && typeof obj.answers === 'object' && !Array.isArray(obj.answers);
    const input = wrapped ? { answers: obj.answers, ...(obj.profile !== undefined ? { profile: obj.profile } : {}) } : { answers: obj };
    // Checked like an example of the bundle: an unknown id or a wrong type would otherwise be
    // ignored and the figures computed for some other situation.
    const problems = exampleProblems(bundle, catalogue, input);
    if (problems.length > 0) {
      for (const p of problems) io.err(`error: ${file}: ${String(p.path[0])}: ${p.message}`);
      return null;
    }
    return { answers: input.answers as Answers, ...(input.profile !== undefined ? { profile: input.profile as Profile } : {}), label: file };
  }
  const name = flags.get('example');
  if (typeof name === 'string' || fallback) {
    const exName = typeof name === 'string' ? name : 'default';
    const ex = bundle.examples[exName];
    if (!ex) {
      if (typeof name === 'string') {
        io.err(`error: bundle "${bundle.id}" has no example "${exName}" (has: ${Object.keys(bundle.examples).join(', ') || 'none'})`);
        return null;
      }
      return { answers: {}, label: 'no answers' };
    }
    return { answers: ex.answers, ...(ex.profile ? { profile: ex.profile } : {}), label: `example "${exName}"` };
  }
  return { answers: {}, label: 'all items, no answers' };
}

function pad(s: string, n: number): string {
  // CJK characters take two columns in a terminal.
  const width = [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  return s + ' '.repeat(Math.max(0, n - width));
}

function preview(io: Io, catalogue: Catalogue, bundle: Bundle, evaluation: Evaluation | null, label: string, lang: 'zh' | 'en'): void {
  const form = compose(bundle, catalogue, evaluation ? { evaluation, lang } : { lang });
  const en = lang === 'en';
  const dept = (code: string): string => {
    const d = catalogue.departments.get(code);
    return d ? (en ? d.shortNameEn : d.shortName) : code;
  };
  io.out(`${en ? bundle.titleEn : bundle.title} (${bundle.id}) v${bundle.version} — ${label}`);
  io.out('');
  io.out(`Items (${form.included.length} of ${bundle.items.length} included):`);
  const decisions = evaluation?.items;
  for (const bi of bundle.items) {
    const item = catalogue.items.get(bi.item);
    if (!item) continue;
    const d = decisions?.find((x) => x.id === item.id);
    const inc = d ? d.included : true;
    const why = d && bi.optional ? ` — ${en ? d.reasonEn : d.reason}` : bi.optional ? ' — optional' : '';
    const after = bi.after.length > 0 ? ` after ${bi.after.map((a) => a.ref).join(', ')}` : '';
    io.out(`  ${inc ? '✓' : '✗'} ${item.id}  ${en ? item.titleEn : item.title} · ${dept(item.department)} · ${item.timeLimitDays} d${after}${why}`);
  }
  io.out('');
  io.out('Form:');
  for (const s of form.sections) {
    io.out(`  ${en ? s.titleEn : s.title} [${s.id}]`);
    for (const e of form.elements.filter((x) => x.section === s.id && x.inForm)) {
      const how = e.prefill ? `prefilled (${e.prefill})` : 'asked';
      const used = e.departments.length > 0 ? `${en ? 'used by ' : '用于：'}${e.departments.map(dept).join(en ? ', ' : '、')}` : en ? 'decides which items apply' : '用于确定办理事项';
      io.out(`    ${pad(`${e.key}${e.required ? '*' : ''}`, 38)} ${pad(en ? e.titleEn : e.title, 36)} ${pad(how, 20)} ${used}${e.sensitive ? ' · sensitive' : ''}`);
    }
  }
  const supplied = form.elements.filter((e) => !e.inForm);
  if (supplied.length > 0) {
    io.out(`  ${en ? 'Passed on inside the bundle (not asked)' : '本件事内部流转（不需填写）'}`);
    for (const e of supplied) io.out(`    ${pad(e.key, 38)} ${pad(en ? e.titleEn : e.title, 36)} from ${e.suppliedBy ?? ''}`);
  }
  if (evaluation) {
    io.out('');
    io.out('Materials:');
    for (const m of evaluation.materials) {
      io.out(`  ${pad(m.disposition, 11)} ${pad(en ? m.titleEn : m.title, 44)} ${en ? m.reasonEn : m.reason} [${m.items.join(', ')}]`);
    }
    for (const n of evaluation.notRequired) io.out(`  ${pad('dropped', 11)} ${pad(n.title, 44)} ${en ? n.reasonEn : n.reason}`);
    for (const r of evaluation.ineligible) io.out(`  ! ${en ? r.reasonEn : r.reason}`);
  }
}

function statsTable(io: Io, bundle: Bundle, evaluation: Evaluation, a: ReturnType<typeof account>, label: string, diffs: readonly string[]): void {
  io.out(`${bundle.title} (${bundle.id}) v${bundle.version} — ${label}`);
  if (!evaluation.eligible) io.out(`  ! ${evaluation.ineligible.map((r) => r.reason).join('；')}`);
  const o = bundle.official;
  const off = (k: 'days' | 'visits' | 'materials' | 'steps'): string => (o?.[k] ? `${o[k].before} → ${o[k].after}` : '');
  const row = (name: string, before: number | string, after: number | string, official = '', note = ''): void =>
    io.out(`  ${pad(name, 12)}${String(before).padStart(12)}${String(after).padStart(12)}${official.padStart(14)}${note ? `   ${note}` : ''}`);
  io.out(`  ${pad('', 12)}${'separately'.padStart(12)}${'bundled'.padStart(12)}${(o ? 'official' : '').padStart(14)}`);
  row('items', a.items, a.items);
  const w = a.materials.waived;
  row(
    'materials',
    a.materials.separately,
    a.materials.handedIn,
    off('materials'),
    `waived: sharing ${w.sharing}, bundle ${w.bundle}, commitment ${w.commitment}, generated ${w.generated}; reused ${a.materials.reusedFromArchive}; handed in once for several ${a.materials.handedInOnceForSeveral}`,
  );
  if (evaluation.notRequired.length > 0) {
    io.out(`  ${pad('', 36)}   dropped by rules: ${evaluation.notRequired.map((n) => `${n.title}（${n.reason}）`).join('；')}`);
  }
  row('fields', a.fields.separately, a.fields.asked, '', 'asked once, prefilled and passed-on values not asked');
  row('visits', a.visits.separately, a.visits.bundled, off('visits'), a.visits.reasons.map((r) => `${r.title}${r.item ? ` [${r.item}]` : ''}`).join('；'));
  row('steps', a.steps.separately, a.steps.bundled, off('steps'), "items' own steps vs the bundle's flow");
  const p = a.days.promised;
  row('days', a.days.separately, p.value, off('days'), `sum of the items' limits vs ${p.declared ? `the promise (${p.unit === 'natural' ? '自然日' : '工作日'})` : 'the critical path (no promise declared)'}; critical path ${a.days.criticalPath}${p.excludes.length > 0 ? `; outside the promise: ${p.excludes.join(', ')}` : ''}`);
  row('fees', '', a.fees.total, '', 'yuan, items and delivery');
  if (o) {
    io.out(`  official: ${o.source ?? ''}${o.promise ? `; promise ${o.promise.days} ${o.promise.unit === 'natural' ? '自然日' : '工作日'}` : ''}`);
    for (const d of diffs) io.out(`  ≠ ${d}`);
  }
  for (const s of bundle.guide?.sources ?? []) io.out(`  source: ${s.title ? `${s.title} ` : ''}${s.url}`);
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [command, arg] = positional;
  if (!command || flags.has('help') || flags.has('h')) {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'lint') {
    const dirFlag = flags.get('dir');
    const loaded = await loadDir(io, arg ?? (typeof dirFlag === 'string' ? dirFlag : undefined));
    if (!loaded) return 2;
    printDiagnostics(io, loaded.shown, loaded.diagnostics, 'out', flags.get('lang') === 'zh' ? 'zh' : 'en');
    io.out(summarise(loaded.diagnostics, loaded.files));
    return hasErrors(loaded.diagnostics) ? 1 : 0;
  }
  if (command !== 'preview' && command !== 'stats') {
    io.err(`error: unknown command "${command}"`);
    io.err(USAGE);
    return 2;
  }
  if (!arg) {
    io.err(`error: ${command} needs a bundle id`);
    return 2;
  }
  const dirFlag = flags.get('dir');
  const loaded = await loadDir(io, typeof dirFlag === 'string' ? dirFlag : undefined);
  if (!loaded) return 2;
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error' && concerns(arg, loaded.catalogue, d.file));
  printDiagnostics(io, loaded.shown, errors, 'err');
  const standard = loaded.catalogue.bundles.get(arg);
  if (!standard) {
    io.err(`error: no bundle "${arg}" in ${loaded.shown} (bundles: ${[...loaded.catalogue.bundles.keys()].join(', ') || 'none'})`);
    return 1;
  }
  const regionFlag = flags.get('region');
  const resolved = resolveRegion(standard, loaded.catalogue, typeof regionFlag === 'string' ? regionFlag : null);
  if (!resolved || regionFlag === true) {
    const known = regionsOf(standard).map((r) => `${r.code} ${r.name}`);
    io.err(`error: bundle "${arg}" has no region "${regionFlag === true ? '' : String(regionFlag)}" (regions: ${known.join(', ') || 'none'})`);
    return 2;
  }
  const { bundle, catalogue } = resolved;
  const region = bundle.region ? { code: bundle.region.code, name: bundle.region.name } : null;
  const input = await readAnswers(io, catalogue, bundle, flags, command === 'stats');
  if (!input) return 2;
  const explicit = flags.has('answers') || flags.has('example') || command === 'stats';
  const evaluation = explicit ? evaluate(bundle, catalogue, input.answers, input.profile) : null;
  const label = region && regionFlag !== undefined ? `${input.label}, ${region.name} (${region.code})` : input.label;
  if (command === 'preview') {
    preview(io, catalogue, bundle, evaluation, label, flags.get('lang') === 'en' ? 'en' : 'zh');
  } else {
    const ev = evaluation ?? evaluate(bundle, catalogue, input.answers, input.profile);
    const a = account(bundle, catalogue, ev);
    const diffs = differences(bundle, catalogue, ev, a);
    // Materials a rule dropped for this situation are in no count (neither separately nor
    // bundled needs them), so they are listed beside the counts.
    const dropped = ev.notRequired.map((n) => ({ code: n.code, title: n.title, items: n.items, reason: n.reason, ...(n.rule !== undefined ? { rule: n.rule } : {}) }));
    const report = { ...a, materials: { ...a.materials, dropped }, official: bundle.official ?? null, differences: diffs };
    if (flags.has('json')) io.out(JSON.stringify(regionFlag !== undefined ? { ...report, region } : report, null, 2));
    else statsTable(io, bundle, ev, a, label, diffs);
  }
  return errors.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // `npm run scenario` starts in the package folder; INIT_CWD is where the user typed it, which
  // is where their relative paths (a folder, --answers) mean something.
  const root = fileURLToPath(new URL('../../', import.meta.url));
  // A reader that stops early (`| head`) closes the pipe: stop writing instead of crashing on EPIPE.
  let closed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed = true;
  });
  const io: Io = {
    out: (l) => {
      if (!closed) process.stdout.write(`${l}\n`);
    },
    err: (l) => process.stderr.write(`${l}\n`),
    cwd: process.env.INIT_CWD ?? process.cwd(),
    root,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
