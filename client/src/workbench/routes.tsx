import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router';
import type { NavEntry } from '../shell/nav';
import { RequireRole } from '../shell/RequireRole';

const Inbox = lazy(() => import('./Inbox'));
const Detail = lazy(() => import('./Detail'));

/** This area's menu entries (the header shows those the signed-in role may open). */
export const nav: NavEntry[] = [{ path: '/workbench', zh: '部门工作台', en: 'Workbench', roles: ['staff'] }];

/** This area's routes, called as a function inside <Routes> (react-router needs <Route> children). */
export function routes(): ReactElement[] {
  return [
    <Route key="workbench" path="workbench" element={<RequireRole roles={['staff']}><Inbox /></RequireRole>} />,
    <Route key="workbench-detail" path="workbench/:id" element={<RequireRole roles={['staff']}><Detail /></RequireRole>} />,
  ];
}
