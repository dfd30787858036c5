import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';

export class ProposalNotFoundError extends NotFoundError {
  constructor() {
    super('没有这个发布申请', 'No such publishing proposal');
  }
}

/** 四眼原则: whoever proposed a version cannot also approve or reject it. */
export class OwnProposalError extends ForbiddenError {
  constructor() {
    super('不能审核自己提交的发布申请', 'You cannot review your own proposal');
  }
}

/** Delivery addresses are the operator's: a reviewer alone cannot let published files set them. */
export class AdminApprovalRequiredError extends ForbiddenError {
  constructor() {
    super('此申请修改了部门送达方式，须由管理员批准', "This proposal changes departments' delivery; an administrator must approve it", [
      { path: 'delivery', message: '部门送达地址须经管理员批准', messageEn: 'delivery addresses need an administrator' },
    ]);
  }
}

export class ProposalDecidedError extends ConflictError {
  constructor(decision: string) {
    super(`此申请已${decision === 'approved' ? '批准' : '驳回'}`, `This proposal was already ${decision}`);
  }
}

/** The diff a reviewer read was against a version that is no longer current: approving it would publish unseen changes away. */
export class ProposalStaleError extends ConflictError {
  constructor(against: string, current: string) {
    super(`此申请基于版本 ${against}，当前版本已是 ${current}，请设计人员基于最新版本重新提交`, `Proposed against ${against}, but ${current} is current now; propose again from it`, [
      { path: 'against', message: `当前版本为 ${current}`, messageEn: `current version is ${current}` },
    ]);
  }
}

/** A saved draft is bounded: a studio draft is a handful of scenario files, not a file store. */
export class DraftTooLargeError extends AppError {
  constructor(chars: number, limit: number) {
    super('payload_too_large', 'draft_too_large', `草稿过大：共 ${chars} 个字符，上限为 ${limit} 个字符`, `The draft is too large: ${chars} characters, the limit is ${limit}`, [
      { path: 'changes', message: `修改的文件合计不能超过 ${limit} 个字符`, messageEn: `the changed files may hold at most ${limit} characters together` },
    ]);
  }
}
