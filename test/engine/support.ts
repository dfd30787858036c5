// Shared by the engine suites: reading scenario folders (tests may do I/O; shared/ may not).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from '../../shared/lint.js';
import type { LoadResult } from '../../shared/loader.js';
import type { Bundle } from '../../shared/model.js';
import type { SourceFile } from '../../shared/yaml-source.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const SCENARIOS = join(REPO, 'scenarios');
export const FIXTURES = join(REPO, 'test', 'fixtures');

export function readFolder(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        if (name !== 'schema') walk(full);
      } else if (/\.ya?ml$/.test(name)) out.push({ path: relative(dir, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

let shipped: LoadResult | undefined;
/** The shipped scenarios folder, loaded and linted once per test file. */
export function scenarios(): LoadResult {
  shipped ??= check(readFolder(SCENARIOS));
  return shipped;
}

export function bundle(id: string): Bundle {
  const b = scenarios().catalogue.bundles.get(id);
  if (!b) throw new Error(`no bundle ${id}`);
  return b;
}

/** A small deterministic generator (mulberry32), so a generated failure reproduces. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
