import { ConflictError, NotFoundError } from '../errors.js';

/** Another applicant's application answers exactly like one that does not exist. */
export class ApplicationNotFoundError extends NotFoundError {
  constructor() {
    super('申请不存在', 'No such application');
  }
}

/** A sub-application id that is not one of this application's items. */
export class ItemNotFoundError extends NotFoundError {
  constructor() {
    super('事项不存在', 'No such item in this application');
  }
}

/** A filed application's answers are the record of what was filed. */
export class AlreadySubmittedError extends ConflictError {
  constructor() {
    super('申请已提交，不能再修改', 'The application was submitted and can no longer be edited');
  }
}
