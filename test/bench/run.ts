// `npm run bench [-- <module> …]`: runs every bench module in test/bench/ (each file other
// than this one and types.ts) and prints one table. A module exports
// `bench(): BenchRow[] | Promise<BenchRow[]>`; add a file to add a module. Figures are
// reported, never asserted: the issue's targets are shown next to them.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchRow } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'run.ts' && f !== 'types.ts')
  .filter((f) => wanted.length === 0 || wanted.includes(basename(f, '.ts')))
  .sort();

function format(n: number): string {
  if (n >= 1000) return Math.round(n).toLocaleString('en-US');
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function verdict(row: BenchRow): string {
  if (!row.target) return '';
  const t = row.target;
  const ok = 'max' in t ? row.value <= t.max : row.value >= t.min;
  return `${'max' in t ? `≤ ${format(t.max)}` : `≥ ${format(t.min)}`} ${ok ? 'ok' : 'MISSED'}`;
}

const rows: { module: string; row: BenchRow }[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as Partial<BenchModule>;
  if (typeof mod.bench !== 'function') {
    console.error(`${f}: exports no bench() function, skipped`);
    continue;
  }
  for (const row of await mod.bench()) rows.push({ module: basename(f, '.ts'), row });
}

const width = Math.max(4, ...rows.map((r) => `${r.module}: ${r.row.name}`.length));
console.log(`${'name'.padEnd(width)}  ${'value'.padStart(12)}  ${'unit'.padEnd(8)}  target`);
console.log('-'.repeat(width + 40));
for (const { module, row } of rows) {
  console.log(`${`${module}: ${row.name}`.padEnd(width)}  ${format(row.value).padStart(12)}  ${row.unit.padEnd(8)}  ${verdict(row)}`);
}
console.log(`\n${process.version}, ${new Date().toISOString()}`);
