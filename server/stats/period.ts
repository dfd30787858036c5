import { BadRequestError } from '../errors.js';
import { chinaToday } from '../../shared/beijing-time.js';

/** An inclusive range of China dates (YYYY-MM-DD); the cohort is the applications filed in it. */
export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
/** Ten years of days: the rollups answer that quickly, and a longer range is a typo. */
export const MAX_DAYS = 3660;


export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * `from` and `to` as the route checked them (real YYYY-MM-DD dates, shared/contracts/stats.ts);
 * the period they make must run forward and span at most MAX_DAYS. Without `to`, today (China
 * time); without `from`, the first of January of `to`'s year: the reform reports by calendar year.
 */
export function parsePeriod(query: { from?: string; to?: string }, now: Date = new Date()): Period {
  const end = query.to ?? chinaToday(now);
  const start = query.from ?? `${end.slice(0, 4)}-01-01`;
  if (start > end) throw new BadRequestError('统计区间有误', 'The period is invalid', [{ path: 'from', message: '开始日期不能晚于结束日期', messageEn: 'must not be after to' }]);
  if (daysBetween(start, end) >= MAX_DAYS) {
    throw new BadRequestError('统计区间有误', 'The period is invalid', [{ path: 'from', message: `统计区间最长 ${MAX_DAYS} 天`, messageEn: `the period may span at most ${MAX_DAYS} days` }]);
  }
  return { from: start, to: end };
}

/** A calendar year from `?year=` (four digits); the current year (China time) when absent. */
export function parseYear(value: string | undefined, now: Date = new Date()): Period & { year: number } {
  const current = Number(chinaToday(now).slice(0, 4));
  if (value === undefined) return { year: current, from: `${current}-01-01`, to: `${current}-12-31` };
  // Four digits, as the route checked; which years count depends on today.
  const year = Number(value);
  if (!(year >= 2000 && year <= current + 1)) {
    throw new BadRequestError('年份有误', 'The year is invalid', [{ path: 'year', message: `应为 2000–${current + 1} 之间的年份`, messageEn: `must be a year from 2000 to ${current + 1}` }]);
  }
  return { year, from: `${year}-01-01`, to: `${year}-12-31` };
}
