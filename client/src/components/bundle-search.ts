// Finding a 一件事 among many: grouping by who applies (个人办事 / 企业办事 / 其他) and matching a
// search against what people type: a title, an item, a department, or the pinyin initials of
// any of them (xsecs finds 新生儿出生).
import type { BundleSummary } from '../../../shared/contracts/bundles.js';

type Lang = 'zh' | 'en';

export type AudienceGroup = 'person' | 'enterprise' | 'other';

export const AUDIENCE_GROUPS: readonly AudienceGroup[] = ['person', 'enterprise', 'other'];

export const GROUP_TITLES: Readonly<Record<AudienceGroup, { zh: string; en: string }>> = {
  person: { zh: '个人办事', en: 'For individuals' },
  enterprise: { zh: '企业办事', en: 'For businesses' },
  other: { zh: '其他', en: 'Other' },
};

export function groupOf(b: { audience?: BundleSummary['audience'] }): AudienceGroup {
  return b.audience ?? 'other';
}

// The first character of each initial's range in pinyin order (Intl's zh pinyin collation); no
// syllable starts with i, u or v.
const INITIALS = 'abcdefghjklmnopqrstwxyz';
const BOUNDARIES = '阿八嚓哒妸发旮哈讥咔垃妈拏噢妑七呥仨他屲夕丫帀';
let collator: Intl.Collator | null | undefined;

function pinyinCollator(): Intl.Collator | null {
  if (collator === undefined) {
    try {
      const c = new Intl.Collator('zh-Hans-CN-u-co-pinyin');
      // A runtime without Chinese collation data sorts by code point: no initials then.
      collator = c.compare('八', '阿') > 0 && c.compare('他', '仨') > 0 ? c : null;
    } catch {
      collator = null;
    }
  }
  return collator;
}

/** 新生儿出生 → xsecs; other characters kept, lower-cased; '' when the runtime cannot tell. */
export function pinyinInitials(text: string): string {
  const c = pinyinCollator();
  if (!c) return '';
  let out = '';
  for (const ch of text) {
    if (!/\p{Script=Han}/u.test(ch)) {
      if (/[\p{L}\p{N}]/u.test(ch)) out += ch.toLowerCase();
      continue;
    }
    let letter = '';
    for (let i = 0; i < BOUNDARIES.length; i++) {
      if (c.compare(BOUNDARIES[i]!, ch) <= 0) letter = INITIALS[i]!;
      else break;
    }
    out += letter;
  }
  return out;
}

function normalise(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The texts a search looks in, in Chinese: the title, item titles and department names. */
function chineseTexts(b: BundleSummary): string[] {
  return [b.title, ...b.items.map((i) => i.title), ...b.departments.map((d) => d.name)];
}

/** The same in English, searched in English mode (where the Chinese still finds too). */
function englishTexts(b: BundleSummary): string[] {
  return [b.titleEn, ...b.items.map((i) => i.titleEn), ...b.departments.map((d) => d.nameEn)];
}

/** Whether texts match every word of the query (an empty query matches all); `zh` also by pinyin initials. */
export function matchesTexts(zh: readonly string[], en: readonly string[], query: string): boolean {
  const words = normalise(query).split(' ').filter(Boolean);
  if (!words.length) return true;
  const texts = [...zh, ...en].map(normalise);
  const initials = /^[a-z]+$/.test(words.join('')) ? zh.map(pinyinInitials) : [];
  return words.every((w) => texts.some((t) => t.includes(w)) || initials.some((t) => t.includes(w)));
}

/** Whether the bundle matches every word of the query (an empty query matches all). */
export function matches(b: BundleSummary, query: string, lang: Lang): boolean {
  return matchesTexts(chineseTexts(b), lang === 'en' ? englishTexts(b) : [], query);
}

export interface BundleGroup {
  group: AudienceGroup;
  bundles: BundleSummary[];
}

/** The matching bundles by group, in the groups' order, each group as the server listed it; empty groups left out. */
export function groupBundles(bundles: readonly BundleSummary[], query: string, lang: Lang): BundleGroup[] {
  const found = bundles.filter((b) => matches(b, query, lang));
  return AUDIENCE_GROUPS.map((group) => ({ group, bundles: found.filter((b) => groupOf(b) === group) })).filter((g) => g.bundles.length > 0);
}
