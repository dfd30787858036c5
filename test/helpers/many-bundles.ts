// A scenarios folder with the shipped bundles and as many more as a province ships, for the
// pages that list bundles (home, studio, statistics) to be checked at that size without
// depending on which bundles the catalogue holds today.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './process.js';

export interface SampleBundle {
  id: string;
  title: string;
  titleEn: string;
  audience: 'person' | 'enterprise' | null;
}

/** Made-up titles, so a search for one finds it alone whatever the shipped catalogue holds. */
const PERSON = ['甲子助学', '乙丑安居', '丙寅康养', '丁卯助残', '戊辰婚育', '己巳迁居', '庚午助老'];
const ENTERPRISE = ['辛未开店', '壬申扩产', '癸酉迁址', '甲戌更名', '乙亥融资', '丙子歇业'];
const OTHER = ['丁丑样例', '戊寅样例'];

/** The samples a folder of `manyBundles()` adds: person ones, enterprise ones, two without audience. */
export const SAMPLES: readonly SampleBundle[] = [
  ...PERSON.map((t, i) => ({ id: `sample-person-${i + 1}`, title: `${t}一件事`, titleEn: `Sample personal matter ${i + 1}`, audience: 'person' as const })),
  ...ENTERPRISE.map((t, i) => ({ id: `sample-enterprise-${i + 1}`, title: `${t}一件事`, titleEn: `Sample business matter ${i + 1}`, audience: 'enterprise' as const })),
  ...OTHER.map((t, i) => ({ id: `sample-other-${i + 1}`, title: `${t}一件事`, titleEn: `Sample other matter ${i + 1}`, audience: null })),
];

/**
 * A copy of the shipped scenarios plus SAMPLES: each a copy of a shipped bundle with no regions
 * (unemployment for people, business-startup for companies) under its own id and title.
 */
export function manyBundles(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-many-'));
  cpSync(path.join(ROOT, 'scenarios'), dir, { recursive: true });
  const person = readFileSync(path.join(ROOT, 'scenarios/bundles/unemployment.yaml'), 'utf8');
  const enterprise = readFileSync(path.join(ROOT, 'scenarios/bundles/business-startup.yaml'), 'utf8');
  for (const s of SAMPLES) {
    const text = (s.audience === 'enterprise' ? enterprise : person)
      .replace(/^id: .*$/m, `id: ${s.id}`)
      .replace(/^title: .*$/m, `title: ${s.title}`)
      .replace(/^titleEn: .*$/m, `titleEn: ${s.titleEn}`)
      .replace(/^audience: .*$/m, s.audience ? `audience: ${s.audience}` : '')
      // One theme code per bundle: the copies have none.
      .replace(/^codes: .*$/m, '');
    writeFileSync(path.join(dir, 'bundles', `${s.id}.yaml`), text);
  }
  return dir;
}
