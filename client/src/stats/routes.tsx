import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router';
import type { NavEntry } from '../shell/nav';
import { RequireRole } from '../shell/RequireRole';
import { StatsTheme } from './StatsTheme';

// One chunk for the area (with ECharts), loaded only when a statistics page is opened.
const Dashboard = lazy(() => import('./Dashboard'));
const AnnualReport = lazy(() => import('./AnnualReport'));
const PublicSummary = lazy(() => import('./PublicSummary'));

/** This area's menu entries (the header shows those the signed-in role may open). */
export const nav: NavEntry[] = [
  { path: '/stats', zh: '统计分析', en: 'Statistics', roles: ['admin', 'designer'] },
  { path: '/stats/report', zh: '年度报告', en: 'Annual report', roles: ['admin', 'designer'] },
  { path: '/summary', zh: '改革成效', en: 'Results', roles: 'all' },
];

/** This area's routes, called as a function inside <Routes> (react-router needs <Route> children). */
export function routes(): ReactElement[] {
  return [
    <Route key="stats" path="stats" element={<RequireRole roles={['admin', 'designer']}><StatsTheme><Dashboard /></StatsTheme></RequireRole>} />,
    <Route key="stats-report" path="stats/report" element={<RequireRole roles={['admin', 'designer']}><StatsTheme><AnnualReport /></StatsTheme></RequireRole>} />,
    <Route key="summary" path="summary" element={<StatsTheme><PublicSummary /></StatsTheme>} />,
  ];
}
