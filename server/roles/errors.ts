import { AppError } from '../errors.js';

export class UnknownUserError extends AppError {
  constructor() {
    super('not_found', 'user_not_found', '没有这个用户（须先登录过一次）', 'No such user (they must have signed in once)', [
      { path: 'userId', message: '应为已登录过的用户', messageEn: 'must be a user who has signed in' },
    ]);
  }
}

export class GrantNotFoundError extends AppError {
  constructor() {
    super('not_found', 'grant_not_found', '该用户没有被授予的角色', 'This user holds no granted role');
  }
}

export class DepartmentRequiredError extends AppError {
  constructor(kind: 'missing' | 'unknown' | 'not-staff', department?: string) {
    const [message, messageEn] =
      kind === 'missing'
        ? ['部门工作人员角色须指定部门', 'The staff role needs a department']
        : kind === 'unknown'
          ? [`没有代码为 ${department} 的部门`, `No department with code ${department}`]
          : ['只有部门工作人员角色带部门', 'Only the staff role takes a department'];
    super('validation_failed', 'grant_department_invalid', message, messageEn, [{ path: 'department', message, messageEn }]);
  }
}

/** An administrator does not change their own role: another administrator must (and an instance is never left without one by mistake). */
export class OwnRoleError extends AppError {
  constructor() {
    super('conflict', 'own_role', '不能更改自己的角色，请由另一位管理员操作', 'You cannot change your own role; another administrator must', [
      { path: 'userId', message: '是您自己', messageEn: 'is yourself' },
    ]);
  }
}
