import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router';
import type { NavEntry } from '../shell/nav';
import { RequireRole } from '../shell/RequireRole';

const Messages = lazy(() => import('./Messages'));

/** This area's menu entries: the header also shows the unread count beside the user's name. */
export const nav: NavEntry[] = [{ path: '/messages', zh: '消息中心', en: 'Messages', roles: ['citizen'] }];

export function routes(): ReactElement[] {
  return [<Route key="messages" path="messages" element={<RequireRole roles={['citizen']}><Messages /></RequireRole>} />];
}
