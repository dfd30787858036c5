import type { Role } from '../auth';

export interface NavEntry {
  path: string;
  zh: string;
  en: string;
  roles: Role[] | 'all';
}

/** Where each role works: signing in without a page to return to lands there, not on the citizens' hall. */
const HOME: Record<Role, string> = {
  citizen: '/',
  staff: '/workbench',
  designer: '/studio',
  reviewer: '/studio/proposals',
  clerk: '/counter',
  admin: '/console',
};

/** The page to open after signing in: the one asked for (already checked to be local), else the role's own. */
export function landingPage(role: Role, next: string): string {
  return next !== '/' ? next : HOME[role];
}
