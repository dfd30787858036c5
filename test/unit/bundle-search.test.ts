import { describe, expect, it } from 'vitest';
import { groupBundles, matches, matchesTexts, pinyinInitials } from '../../client/src/components/bundle-search.js';
import type { BundleSummary } from '../../shared/contracts/bundles.js';

function bundle(id: string, title: string, titleEn: string, audience: BundleSummary['audience'], items: [string, string][], departments: [string, string][]): BundleSummary {
  return {
    id,
    version: '1',
    title,
    titleEn,
    description: null,
    audience,
    departments: departments.map(([name, nameEn], i) => ({ code: `d${i}`, name, nameEn })),
    items: items.map(([t, e], i) => ({ id: `${id}-${i}`, title: t, titleEn: e, department: 'd0', timeLimitDays: 1, optional: false, after: [] })),
    official: null,
    savings: {} as BundleSummary['savings'],
    regions: [],
  };
}

const NEWBORN = bundle('newborn', '新生儿出生一件事', 'Birth of a child', 'person', [['出生登记', 'Birth registration']], [['公安局', 'Public Security Bureau']]);
const STARTUP = bundle('startup', '企业开办一件事', 'Starting a business', 'enterprise', [['设立登记', 'Company registration']], [['市场监督管理局', 'Market Regulation']]);
const LOOSE = bundle('loose', '样例一件事', 'A sample', null, [], []);

describe('finding a bundle on the home page', () => {
  it('spells the pinyin initials of Chinese, keeping letters and digits', () => {
    expect(pinyinInitials('新生儿出生一件事')).toBe('xsecsyjs');
    expect(pinyinInitials('企业开办')).toBe('qykb');
    expect(pinyinInitials('12345 热线')).toBe('12345rx');
  });

  it('matches titles, items and departments; English only in English mode; every word must match', () => {
    expect(matches(NEWBORN, '出生', 'zh')).toBe(true);
    expect(matches(NEWBORN, '公安', 'zh')).toBe(true);
    expect(matches(NEWBORN, 'xsecs', 'zh')).toBe(true);
    expect(matches(NEWBORN, 'Birth', 'zh')).toBe(false);
    expect(matches(NEWBORN, 'birth', 'en')).toBe(true);
    expect(matches(NEWBORN, 'security bureau', 'en')).toBe(true);
    expect(matches(NEWBORN, '出生 企业', 'zh')).toBe(false);
    expect(matches(NEWBORN, '  ', 'zh')).toBe(true);
    expect(matchesTexts(['企业开办'], [], 'QYKB')).toBe(true);
  });

  it('groups 个人 then 企业 then 其他, leaving out empty groups', () => {
    expect(groupBundles([LOOSE, STARTUP, NEWBORN], '', 'zh').map((g) => [g.group, g.bundles.map((b) => b.id)])).toEqual([
      ['person', ['newborn']],
      ['enterprise', ['startup']],
      ['other', ['loose']],
    ]);
    expect(groupBundles([LOOSE, STARTUP, NEWBORN], '登记', 'zh').map((g) => g.group)).toEqual(['person', 'enterprise']);
    expect(groupBundles([LOOSE, STARTUP, NEWBORN], '没有', 'zh')).toEqual([]);
  });
});
