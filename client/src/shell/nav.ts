import type { Role } from '../auth';

export interface NavEntry {
  path: string;
  zh: string;
  en: string;
  roles: Role[] | 'all';
}
