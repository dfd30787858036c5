import { ForbiddenError, NotFoundError, ServiceUnavailableError, ValidationError } from '../errors.js';

/** One applicant field the counter refuses, named by its path in the body (`applicant.idNumber`). */
export class ApplicantError extends ValidationError {
  constructor(path: string, message: string, messageEn: string) {
    super([{ path, message, messageEn }], '申请人身份信息有误', 'The applicant could not be identified');
  }
}

/** Filing for someone else is the counter's: a citizen files only for themselves. */
export class NotAClerkError extends ForbiddenError {
  constructor() {
    super('只有综合窗口受理员可以代申请人办理', 'Only a counter clerk may file for an applicant', [
      { path: 'applicant', message: '市民本人申请时不能指定申请人', messageEn: 'a citizen applying for themselves cannot name an applicant' },
    ]);
  }
}

/** The identity check had nobody to ask, or they did not answer: nothing is filed unverified. */
export class IdentityUnavailableError extends ServiceUnavailableError {
  constructor() {
    super('暂时无法核验申请人身份（身份信息库不可用），请稍后再试', 'The applicant cannot be verified now (the identity library is unavailable); try again shortly');
  }
}

/** The number and ID number presented do not name one application (or not together). */
export class PresentedNotFoundError extends NotFoundError {
  constructor() {
    super('没有与该办件编号和公民身份号码对应的申请', 'No application has this number and ID number');
  }
}
