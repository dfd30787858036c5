import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router';
import type { NavEntry } from '../shell/nav';
import { RequireRole } from '../shell/RequireRole';

const Counter = lazy(() => import('./Counter'));
const CounterApplication = lazy(() => import('./CounterApplication'));

/** 综合窗口: the clerk's pages (filing for the person in front of them). */
export const nav: NavEntry[] = [{ path: '/counter', zh: '综合窗口', en: 'Counter', roles: ['clerk'] }];

const clerk = (page: ReactElement) => <RequireRole roles={['clerk']}>{page}</RequireRole>;

export function routes(): ReactElement[] {
  return [
    <Route key="counter" path="counter" element={clerk(<Counter />)} />,
    <Route key="counter-application" path="counter/applications/:id" element={clerk(<CounterApplication />)} />,
  ];
}
