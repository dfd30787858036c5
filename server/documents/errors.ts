import { ConflictError } from '../errors.js';

/** A document asked for before it applies: a receipt before filing, a completion notice before the end. */
export class DocumentNotReadyError extends ConflictError {}

export const notReady = {
  receipt: () => new DocumentNotReadyError('申请尚未提交，提交后才有受理回执', 'The application has not been submitted yet: the receipt exists once it is'),
  noticeSubmitted: () => new DocumentNotReadyError('目前没有部门要求补正，无需一次性告知', 'No department has asked for a supplement: there is nothing to notify'),
  noticeDraft: () => new DocumentNotReadyError('申请内容已齐全，可以直接提交，无需一次性告知', 'The application is complete and can be submitted: there is nothing missing to notify'),
  completion: () => new DocumentNotReadyError('申请尚未办结，办结后才有办结通知书', 'The application is not finished yet: the completion notice exists once it is'),
};
