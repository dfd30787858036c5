// scenarios/README.md's "The national catalogue" table lists every shipped bundle, with its
// audience and lead as the bundle file says and a source the file cites.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS, scenarios } from './support.js';

interface Row {
  id: string;
  title: string;
  audience: string;
  lead: string;
  items: string;
  source: string;
}

/** The rows of the table under `## The national catalogue`, by the header's column names. */
function catalogueRows(readme: string): Row[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('The national catalogue'));
  if (!section) throw new Error('scenarios/README.md has no "## The national catalogue" section');
  const lines = section.split('\n').filter((l) => l.trim().startsWith('|'));
  const cells = (l: string): string[] => l.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
  const header = cells(lines[0] ?? '');
  expect(header).toEqual(['id', 'title', '个人/企业', 'lead', 'items', 'source']);
  return lines.slice(2).map((l) => {
    const [id = '', title = '', audience = '', lead = '', items = '', source = ''] = cells(l);
    return { id, title, audience, lead, items, source };
  });
}

const AUDIENCE: Record<string, string> = { person: '个人', enterprise: '企业' };

describe('the national catalogue table of scenarios/README.md', () => {
  const rows = catalogueRows(readFileSync(join(SCENARIOS, 'README.md'), 'utf8'));
  const bundles = [...scenarios().catalogue.bundles.values()];

  it('has one row for every shipped bundle and no row for a bundle that is not shipped', () => {
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size, 'a bundle listed twice').toBe(ids.length);
    expect([...ids].sort()).toEqual(bundles.map((b) => b.id).sort());
  });

  it.each(bundles.map((b) => [b.id, b] as const))('%s: the row says what the bundle file says', (_id, b) => {
    const row = rows.find((r) => r.id === b.id);
    expect(row, `no row for ${b.id} in scenarios/README.md`).toBeDefined();
    expect(row!.title).toBe(b.title);
    if (b.audience) expect(row!.audience, `${b.id}: 个人/企业`).toBe(AUDIENCE[b.audience]);
    expect(row!.lead, `${b.id}: lead`).toBe(b.lead?.ref ?? '');
    expect(row!.items, `${b.id}: items`).toBe(String(b.items.length));
    // The source is one the bundle file cites, by its address or its title.
    const cited = (b.guide?.sources ?? []).flatMap((s) => [s.url, s.title]).filter((x): x is string => !!x);
    expect(cited.length, `${b.id} cites no sources:`).toBeGreaterThan(0);
    expect(cited.some((c) => row!.source.includes(c)), `${b.id}: the source column cites none of the file's sources (${cited.join(', ')})`).toBe(true);
  });
});
