import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SourceFile } from '../../shared/yaml-source.js';

/** Every scenario YAML file under dir, with paths relative to it (forward slashes), sorted. */
export function readScenarioFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${entry}` : entry;
      const full = path.join(dir, rel);
      if (statSync(full).isDirectory()) {
        if (entry !== 'schema' && !entry.startsWith('.')) walk(rel);
      } else if (/\.ya?ml$/.test(entry)) {
        out.push({ path: rel, text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk('');
  return out;
}
