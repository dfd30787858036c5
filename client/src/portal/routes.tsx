import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router';
import type { NavEntry } from '../shell/nav';

const Home = lazy(() => import('./Home'));

/** This area's menu entries (the header shows those the signed-in role may open). */
export const nav: NavEntry[] = [{ path: '/', zh: '办事大厅', en: 'Services', roles: 'all' }];

/** This area's routes, called as a function inside <Routes> (react-router needs <Route> children). */
export function routes(): ReactElement[] {
  return [<Route key="home" index element={<Home />} />];
}
