import { lazy, type ReactElement } from 'react';
import { Route } from 'react-router';
import type { NavEntry } from '../shell/nav';
import { RequireRole } from '../shell/RequireRole';
import './portal.css';
// Not split off: it is tiny, and a separate chunk would be one more round trip before the form.
import Start from './Start';

const Home = lazy(() => import('./Home'));
const Apply = lazy(() => import('./Apply'));
const MyApplications = lazy(() => import('./MyApplications'));
const Follow = lazy(() => import('./Follow'));
const MyLicences = lazy(() => import('./MyLicences'));
const Progress = lazy(() => import('./Progress'));

/** This area's menu entries (the header shows those the signed-in role may open). */
export const nav: NavEntry[] = [
  { path: '/', zh: '办事大厅', en: 'Services', roles: 'all' },
  { path: '/applications', zh: '我的办件', en: 'My applications', roles: ['citizen'] },
  { path: '/licences', zh: '我的证照', en: 'My licences', roles: ['citizen'] },
];

const citizen = (page: ReactElement) => <RequireRole roles={['citizen']}>{page}</RequireRole>;

/** This area's routes, called as a function inside <Routes> (react-router needs <Route> children). */
export function routes(): ReactElement[] {
  return [
    <Route key="home" index element={<Home />} />,
    <Route key="apply" path="apply/:bundleId" element={citizen(<Start />)} />,
    <Route key="applications" path="applications" element={citizen(<MyApplications />)} />,
    <Route key="application" path="applications/:id" element={citizen(<Follow />)} />,
    <Route key="licences" path="licences" element={citizen(<MyLicences />)} />,
    <Route key="edit" path="applications/:id/edit" element={citizen(<Apply />)} />,
    // Public: opened from a receipt's QR code by whoever holds it.
    <Route key="progress" path="progress" element={<Progress />} />,
  ];
}
