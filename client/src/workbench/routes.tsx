import type { ReactElement } from 'react';
import type { NavEntry } from '../shell/nav';

/** This area's menu entries (the header shows those the signed-in role may open). */
export const nav: NavEntry[] = [];

/** This area's routes, called as a function inside <Routes> (react-router needs <Route> children). */
export function routes(): ReactElement[] {
  return [];
}
