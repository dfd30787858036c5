import { ConflictError, NotFoundError } from '../errors.js';

/** Someone else's notice is answered as if it did not exist. */
export class NoticeNotFoundError extends NotFoundError {
  constructor() {
    super('消息不存在', 'No such message');
  }
}

export class NoticeNotParkedError extends ConflictError {
  constructor(state: string) {
    super(`只有发送失败挂起（dead）的通知可以重试，当前为 ${state}`, `Only parked (dead) notices can be retried; this one is ${state}`);
  }
}
