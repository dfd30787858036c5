import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router';
import type { NavEntry } from '../shell/nav';
import { RequireRole } from '../shell/RequireRole';

const Bundles = lazy(() => import('./Bundles'));
// The editor chunk carries CodeMirror; only designers who open a bundle download it.
const Editor = lazy(() => import('./Editor'));
const Proposals = lazy(() => import('./Proposals'));

/** This area's menu entries (the header shows those the signed-in role may open). */
export const nav: NavEntry[] = [
  { path: '/studio', zh: '场景设计', en: 'Studio', roles: ['designer'] },
  { path: '/studio/proposals', zh: '发布审核', en: 'Review', roles: ['reviewer', 'admin'] },
];

/** This area's routes, called as a function inside <Routes> (react-router needs <Route> children). */
export function routes(): ReactElement[] {
  return [
    <Route key="studio" path="studio" element={<RequireRole roles={['designer']}><Bundles /></RequireRole>} />,
    <Route key="studio-proposals" path="studio/proposals" element={<RequireRole roles={['reviewer', 'admin']}><Proposals /></RequireRole>} />,
    <Route key="studio-editor" path="studio/:bundleId" element={<RequireRole roles={['designer']}><Editor /></RequireRole>} />,
  ];
}
