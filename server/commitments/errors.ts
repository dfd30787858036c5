import { ConflictError, ValidationError } from '../errors.js';

/** Submitting with materials waived by commitment and no valid signature of the current 承诺书. */
export class CommitmentUnsignedError extends ValidationError {
  constructor(changed: boolean) {
    super(
      [
        changed
          ? { path: 'commitment', message: '申请内容变化后告知承诺书已更新，请重新阅读并签署', messageEn: 'the commitment changed with your answers: read and sign it again' }
          : { path: 'commitment', message: '请阅读并签署告知承诺书', messageEn: 'read and sign the commitment' },
      ],
      '申请还不完整，请按提示补充',
      'The application is not complete yet',
    );
  }
}

/** The name typed when signing is not the applicant's. */
export class SignerNameError extends ValidationError {
  constructor() {
    super([{ path: 'name', message: '请准确输入申请人姓名以确认签署', messageEn: "type the applicant's name exactly to sign" }], '签署未完成', 'Not signed');
  }
}

/** Signing without ticking the box that says the text was read and is agreed to. */
export class NotAgreedError extends ValidationError {
  constructor() {
    super([{ path: 'agreed', message: '请勾选“我已阅读并同意”', messageEn: 'tick that you have read and agree' }], '签署未完成', 'Not signed');
  }
}

/** Nothing is waived by commitment in this application, so there is nothing to sign. */
export class NoCommitmentError extends ConflictError {
  constructor() {
    super('本申请没有以告知承诺代替的材料，无需签署', 'Nothing in this application is replaced by a commitment: there is nothing to sign');
  }
}

/** The applicant read another text than the one in force (answers changed in another tab). */
export class CommitmentChangedError extends ConflictError {
  constructor() {
    super('告知承诺书内容已变化，请重新阅读后签署', 'The commitment changed since you read it: read it again and sign', [
      { path: 'sha256', message: '与当前承诺书不一致', messageEn: 'does not match the commitment in force' },
    ]);
  }
}
