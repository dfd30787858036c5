import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router';
import type { NavEntry } from '../shell/nav';
import { RequireRole } from '../shell/RequireRole';

const Console = lazy(() => import('./Console'));

/** This area's menu entries (the header shows those the signed-in role may open). */
export const nav: NavEntry[] = [{ path: '/console', zh: '运维控制台', en: 'Operations', roles: ['admin'] }];

/** This area's routes, called as a function inside <Routes> (react-router needs <Route> children). */
export function routes(): ReactElement[] {
  return [<Route key="console" path="console" element={<RequireRole roles={['admin']}><Console /></RequireRole>} />];
}
