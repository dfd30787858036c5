import type { IdentityProvider, User } from './types.js';

export interface DepartmentInfo {
  code: string;
  name: string;
}

/**
 * Demo identities: two families and a company founder, one staff member per department, a
 * designer, a reviewer, a clerk (综合窗口) and an administrator. The 公民身份号码 are valid under GB 11643-1999 but invented.
 */
export function demoUsers(departments: readonly DepartmentInfo[]): User[] {
  const citizens: User[] = [
    { id: 'citizen-zhang', name: '张伟', role: 'citizen', idNumber: '430102199003077716', mobile: '13800731001' },
    { id: 'citizen-li', name: '李娜', role: 'citizen', idNumber: '430104199208154327', mobile: '13900731002' },
    { id: 'citizen-wang', name: '王芳', role: 'citizen', idNumber: '430105198811206525', mobile: '13700731003' },
  ];
  const staff: User[] = departments.map((d) => ({
    id: `staff-${d.code}`,
    name: `${d.name}窗口工作人员`,
    role: 'staff',
    department: d.code,
  }));
  return [
    ...citizens,
    ...staff,
    { id: 'designer', name: '场景设计员', role: 'designer' },
    // Approves what designers propose (四眼原则).
    { id: 'reviewer', name: '场景审核员', role: 'reviewer' },
    // 综窗受理: its pages come later; until then it has no rights beyond being signed in.
    { id: 'clerk', name: '综合窗口受理员', role: 'clerk' },
    { id: 'admin', name: '系统管理员', role: 'admin' },
  ];
}

export function demoProvider(departments: readonly DepartmentInfo[]): IdentityProvider {
  const users = demoUsers(departments);
  return {
    name: 'demo',
    listUsers: () => users,
    async authenticate(credentials) {
      const id = credentials.user;
      return typeof id === 'string' ? (users.find((u) => u.id === id) ?? null) : null;
    },
  };
}
