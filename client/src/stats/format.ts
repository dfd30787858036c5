// Numbers as the seed report writes them: 2270, 80.8万, 2.7亿 (Chinese), 808,213 (English).

/** A count in the report's style; exact digits below ten thousand. */
export function formatCount(n: number, lang: 'zh' | 'en'): string {
  if (lang === 'en') return Math.round(n).toLocaleString('en-US');
  const abs = Math.abs(n);
  const short = (v: number, unit: string) => `${(Math.round(v * 10) / 10).toFixed(1).replace(/\.0$/, '')}${unit}`;
  if (abs >= 1e8) return short(n / 1e8, '亿');
  if (abs >= 1e4) return short(n / 1e4, '万');
  return String(Math.round(n));
}

export function formatPercent(rate: number | null): string {
  return rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

export function formatDays(days: number | null, lang: 'zh' | 'en'): string {
  if (days === null) return '—';
  return lang === 'en' ? `${days} d` : `${days} 天`;
}

/** The short name of a bundle in the seed's quotes: 新生儿出生一件事 → 新生儿出生. */
export function shortTitle(title: string): string {
  return title.replace(/一件事$/, '');
}

/**
 * The two savings in documents count different things; every table, card and chart names them
 * alike and says what each counts, so "30" beside "44" does not read as a contradiction.
 */
export const SAVINGS_LABELS = {
  onceOrWaived: {
    zh: '免交或一份多用的材料（份）',
    en: 'Documents waived or used for several items',
    noteZh: '经数据共享、告知承诺、部门间流转免于提交的材料，加上一份同时用于几个事项的材料',
    noteEn: 'Documents not handed in (data sharing, commitment, passed between departments) plus documents handed in once for several items',
  },
  notHandedIn: {
    zh: '比分别办理少交的材料（份）',
    en: 'Fewer documents than applying separately',
    noteZh: '分别到各部门办理须交的份数，减去这次实际提交的份数',
    noteEn: 'Documents each department would have asked for separately, minus those actually handed in',
  },
} as const;
