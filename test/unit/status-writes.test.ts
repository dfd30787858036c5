import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every change of a status goes through server/subapps/transition.ts: this fails when another
// file under server/ writes one (an UPDATE that sets `status`, an INSERT that gives one, or a
// history event written by hand).

const root = join(import.meta.dirname, '../..');
const THE_MODULE = 'server/subapps/transition.ts';
/**
 * Generated load data (`npm run seed:load`): rows whose whole life already happened, inserted
 * finished in bulk, with no history. Not a change of state.
 */
const SEED = 'server/stats/seed.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : sources(path);
    return /\.(ts|js|sql)$/.test(e.name) ? [path] : [];
  });
}

const TABLE = String.raw`(?:sub_applications|applications)\b`;

/** The status writes in one source text, as short excerpts. */
function statusWrites(text: string): string[] {
  const found: string[] = [];
  // UPDATE <table> [alias] SET … up to WHERE / FROM / RETURNING / the end of the string literal.
  for (const m of text.matchAll(new RegExp(String.raw`UPDATE\s+${TABLE}(?:\s+\w+)?\s+SET\s+([\s\S]*?)(?=\bWHERE\b|\bFROM\b|\bRETURNING\b|[\`'"]|$)`, 'gi'))) {
    if (/(^|[\s,.])status\s*=/i.test(m[1]!)) found.push(m[0].slice(0, 120));
  }
  for (const m of text.matchAll(new RegExp(String.raw`INSERT\s+INTO\s+${TABLE}\s*\(([^)]*)\)`, 'gi'))) {
    if (/\bstatus\b/i.test(m[1]!)) found.push(m[0].slice(0, 120));
  }
  for (const m of text.matchAll(/INSERT\s+INTO\s+sub_application_events\b/gi)) found.push(m[0]);
  return found;
}

describe('status writes', () => {
  it('finds the writes it is meant to find (and not a WHERE on status)', () => {
    expect(statusWrites("tx.query(`UPDATE sub_applications SET status = 'queued', payload = $2 WHERE id = $1`)")).toHaveLength(1);
    expect(statusWrites('`UPDATE applications\n   SET answers = $2,\n       status = $3 WHERE id = $1`')).toHaveLength(1);
    expect(statusWrites('`UPDATE sub_applications s SET attempts = s.attempts + 1, status=$2 FROM due`')).toHaveLength(1);
    expect(statusWrites("`INSERT INTO applications (id, status) VALUES ($1, 'submitted')`")).toHaveLength(1);
    expect(statusWrites("`INSERT INTO sub_application_events (sub_application_id, status) VALUES ($1, $2)`")).toHaveLength(1);
    expect(statusWrites("`UPDATE applications SET answers = $3, updated_at = now() WHERE id = $1 AND status = 'draft'`")).toEqual([]);
    expect(statusWrites('`UPDATE sub_applications SET next_attempt_at = now(), last_status_code = 3 WHERE id = $1`')).toEqual([]);
    expect(statusWrites('`INSERT INTO applications (id, applicant_id) VALUES ($1, $2)`')).toEqual([]);
  });

  it('only the transition module writes a status under server/', () => {
    const offenders = sources(join(root, 'server'))
      .map((path) => relative(root, path).split('\\').join('/'))
      .filter((path) => path !== THE_MODULE && path !== SEED)
      .flatMap((path) => statusWrites(readFileSync(join(root, path), 'utf8')).map((w) => `${path}: ${w}`));
    expect(offenders).toEqual([]);
  });

  it('the transition module is where they are', () => {
    expect(statusWrites(readFileSync(join(root, THE_MODULE), 'utf8')).length).toBeGreaterThanOrEqual(4);
  });
});
