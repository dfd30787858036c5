import { NotFoundError } from '../errors.js';

/** Not this department's, not yet sent to it, or no such id: all look the same from outside. */
export class SubApplicationNotFoundError extends NotFoundError {
  constructor() {
    super('事项不存在', 'No such sub-application');
  }
}

export class DepartmentNotFoundError extends NotFoundError {
  constructor() {
    super('部门不存在', 'No such department');
  }
}
