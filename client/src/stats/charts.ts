// ECharts options for the statistics pages. Pure functions of the API's answer.
import type { ChartOption } from './Chart';
import type { DepartmentFigures, SeriesPoint, StatsReport } from '../../../shared/stats.js';
import { SAVINGS_LABELS } from './format';

type T = (zh: string, en: string) => string;

export type Granularity = 'day' | 'week' | 'month';

export function granularityFor(from: string, to: string): Granularity {
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  return days <= 45 ? 'day' : days <= 200 ? 'week' : 'month';
}

/** The Monday of an ISO date's week, or the first of its month. */
function bucketOf(day: string, g: Granularity): string {
  if (g === 'day') return day;
  if (g === 'month') return day.slice(0, 7);
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

export function groupSeries(series: readonly SeriesPoint[], g: Granularity): SeriesPoint[] {
  const out = new Map<string, SeriesPoint>();
  for (const p of series) {
    const key = bucketOf(p.day, g);
    const b = out.get(key) ?? { day: key, filed: 0, completed: 0, partiallyCompleted: 0, inProgress: 0, rejected: 0, materialsOnceOrWaived: 0, visitsSaved: 0 };
    b.filed += p.filed;
    b.completed += p.completed;
    b.partiallyCompleted += p.partiallyCompleted;
    b.inProgress += p.inProgress;
    b.rejected += p.rejected;
    b.materialsOnceOrWaived += p.materialsOnceOrWaived;
    b.visitsSaved += p.visitsSaved;
    out.set(key, b);
  }
  return [...out.values()].sort((a, b) => a.day.localeCompare(b.day));
}

const grid = { left: 8, right: 16, top: 40, bottom: 8, containLabel: true };

export function trendOption(points: readonly SeriesPoint[], t: T): ChartOption {
  const bar = (name: string, data: number[]) => ({ name, type: 'bar', stack: 'status', data, barMaxWidth: 28 });
  return {
    grid,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: points.map((p) => p.day) },
    yAxis: [{ type: 'value', name: t('件', 'applications'), minInterval: 1 }, { type: 'value', name: t('份/次', 'saved'), splitLine: { show: false } }],
    series: [
      bar(t('已办结', 'Completed'), points.map((p) => p.completed)),
      bar(t('部分办结', 'Partly completed'), points.map((p) => p.partiallyCompleted)),
      bar(t('办理中', 'In progress'), points.map((p) => p.inProgress)),
      bar(t('不予受理', 'Rejected'), points.map((p) => p.rejected)),
      { name: t(SAVINGS_LABELS.onceOrWaived.zh, SAVINGS_LABELS.onceOrWaived.en), type: 'line', yAxisIndex: 1, data: points.map((p) => p.materialsOnceOrWaived), showSymbol: false },
    ],
  };
}

export function savingsRows(r: StatsReport, t: T): { key: string; label: string; value: number }[] {
  const m = r.materials;
  return [
    { key: 'sharing', label: t('数据共享免提交', 'Waived: data sharing'), value: m.waived.sharing },
    { key: 'bundle', label: t('一件事内部流转', 'Passed on in the bundle'), value: m.waived.bundle },
    { key: 'commitment', label: t('告知承诺代替', 'Replaced by a commitment'), value: m.waived.commitment },
    { key: 'generated', label: t('一表申请自动生成', 'Generated from the one form'), value: m.waived.generated },
    { key: 'reused', label: t('一人一档复用', 'Reused from the archive'), value: m.reusedFromArchive },
    { key: 'once', label: t('一次提交多部门共用', 'Handed in once for several'), value: m.handedInOnceForSeveral },
  ];
}

export function savingsOption(r: StatsReport, t: T): ChartOption {
  const rows = savingsRows(r, t);
  return {
    grid: { ...grid, top: 16 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((x) => x.label), inverse: true },
    series: [{ name: t('材料（份）', 'Documents'), type: 'bar', data: rows.map((x) => x.value), label: { show: true, position: 'right' }, barMaxWidth: 24 }],
  };
}

/** Bars per row of a horizontal bar chart: the chart grows with the rows instead of squeezing their labels. */
export function barChartHeight(rows: number, seriesCount = 1): number {
  return Math.max(220, rows * (14 * seriesCount + 14) + 60);
}

/**
 * Overview: per bundle, the limits against how long it really took, one row per bundle
 * (horizontal bars: fifteen and more titles stay readable, each on its own line); one bundle:
 * per department.
 */
export function timeOption(r: StatsReport, lang: 'zh' | 'en', t: T): ChartOption {
  if (r.bundle === null) {
    const names = r.bundles.map((b) => (lang === 'en' ? b.titleEn : b.title));
    return {
      grid: { ...grid, top: 48 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      xAxis: { type: 'value', name: t('工作日', 'working days'), nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 160, overflow: 'truncate' } },
      series: [
        { name: t('各部门时限之和', 'Sum of limits'), type: 'bar', barMaxWidth: 12, data: r.bundles.map((b) => b.days.limitSum) },
        { name: t('关键路径', 'Critical path'), type: 'bar', barMaxWidth: 12, data: r.bundles.map((b) => b.days.criticalPath) },
        { name: t('实际用时中位数', 'Actual, median'), type: 'bar', barMaxWidth: 12, data: r.bundles.map((b) => b.days.actualP50) },
        { name: t('实际用时 P95', 'Actual, 95th percentile'), type: 'bar', barMaxWidth: 12, data: r.bundles.map((b) => b.days.actualP95) },
      ],
    };
  }
  const depts = r.departments;
  return {
    grid,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: depts.map((d) => (lang === 'en' ? d.nameEn : d.name)), axisLabel: { interval: 0, overflow: 'break', width: 80 } },
    yAxis: { type: 'value', name: t('工作日', 'working days') },
    series: [
      { name: t('平均时限', 'Limit, mean'), type: 'bar', data: depts.map((d) => d.limitDaysAvg) },
      { name: t('平均实际用时', 'Actual, mean'), type: 'bar', data: depts.map((d) => d.actualDaysAvg) },
    ],
  };
}

export const RATING_LABELS: Record<'1' | '2' | '3' | '4' | '5', [string, string]> = {
  '1': ['非常不满意', 'Very dissatisfied'],
  '2': ['不满意', 'Dissatisfied'],
  '3': ['基本满意', 'Neutral'],
  '4': ['满意', 'Satisfied'],
  '5': ['非常满意', 'Very satisfied'],
};

export function ratingOption(r: StatsReport, t: T): ChartOption {
  const keys = ['1', '2', '3', '4', '5'] as const;
  return {
    grid: { ...grid, top: 16 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: keys.map((k) => t(RATING_LABELS[k][0], RATING_LABELS[k][1])) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: t('评价（件）', 'Ratings'),
        type: 'bar',
        barMaxWidth: 40,
        label: { show: true, position: 'top' },
        data: keys.map((k, i) => ({ value: r.rating.distribution[k], itemStyle: { color: ['#d9534f', '#f08a24', '#f0c020', '#7cbf5a', '#36a46b'][i] } })),
      },
    ],
  };
}

export function onTimeOption(depts: readonly DepartmentFigures[], lang: 'zh' | 'en', t: T): ChartOption {
  const rows = [...depts].filter((d) => d.onTimeRate !== null).sort((a, b) => (a.onTimeRate ?? 0) - (b.onTimeRate ?? 0));
  return {
    grid: { ...grid, top: 16, right: 48 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: rows.map((d) => (lang === 'en' ? d.nameEn : d.name)) },
    series: [
      {
        name: t('按时办结率', 'Completed on time'),
        type: 'bar',
        barMaxWidth: 22,
        label: { show: true, position: 'right', formatter: '{c}%' },
        data: rows.map((d) => Math.round((d.onTimeRate ?? 0) * 1000) / 10),
      },
    ],
  };
}

/** The slices a pie keeps before the rest is summed as 其他: more would overlap their labels. */
export const PIE_SLICES = 7;

/** The largest bundles by applications, the rest summed into one 其他 slice (none when nothing is left over). */
/** A bundle with less of the total than this shares the 其他 slice: thinner slices put their labels on top of each other. */
export const PIE_MIN_SHARE = 0.05;

export function topWithOther<B extends { title: string; titleEn: string; applications: number }>(bundles: readonly B[], keep = PIE_SLICES): { title: string; titleEn: string; applications: number; other: boolean }[] {
  const total = bundles.reduce((n, b) => n + b.applications, 0);
  const sorted = [...bundles].sort((a, b) => b.applications - a.applications);
  const large = sorted.filter((b) => total > 0 && b.applications / total >= PIE_MIN_SHARE);
  const top = large.slice(0, sorted.length > keep ? keep - 1 : keep).map((b) => ({ title: b.title, titleEn: b.titleEn, applications: b.applications, other: false }));
  const rest = sorted.slice(top.length);
  if (rest.length) top.push({ title: `其他 ${rest.length} 件事`, titleEn: `${rest.length} others`, applications: rest.reduce((n, b) => n + b.applications, 0), other: true });
  return top;
}

export function bundleVolumeOption(bundles: readonly { title: string; titleEn: string; applications: number }[], lang: 'zh' | 'en', t: T): ChartOption {
  return {
    grid: { ...grid, top: 16 },
    tooltip: { trigger: 'item' },
    series: [
      {
        name: t('办件量', 'Applications'),
        type: 'pie',
        radius: ['40%', '70%'],
        // One line per label: a title and its share side by side, never two lines to keep apart.
        label: { formatter: lang === 'en' ? '{b}: {d}%' : '{b}：{d}%' },
        labelLayout: { hideOverlap: true },
        data: topWithOther(bundles).map((b) => ({ name: lang === 'en' ? b.titleEn : b.title, value: b.applications, ...(b.other ? { itemStyle: { color: '#bfbfbf' } } : {}) })),
      },
    ],
  };
}
