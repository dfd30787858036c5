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

/** A citizen's unfinished drafts are capped (MAX_DRAFTS_PER_CITIZEN): one account cannot fill the database. */
export class TooManyDraftsError extends ConflictError {
  constructor(readonly limit: number) {
    super(`草稿已达上限 ${limit} 份，请先提交或删除不需要的草稿`, `You already have ${limit} drafts, the most allowed; submit or delete one first`, [
      { path: 'bundleId', message: `草稿最多 ${limit} 份`, messageEn: `at most ${limit} drafts` },
    ]);
  }
}

/** Only a draft can be deleted: a filed application is the record of what was filed. */
export class NotADraftError extends ConflictError {
  constructor() {
    super('申请已提交，不能删除', 'The application was submitted and cannot be deleted');
  }
}
