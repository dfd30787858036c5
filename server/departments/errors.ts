import { BadRequestError, NotFoundError } from '../errors.js';

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

/** How a read without a reason (查阅事由) is refused, by a route's query check or by the service: the same words. */
export const REASON_REFUSAL = {
  message: '查阅个人信息须说明事由',
  messageEn: 'Say why you open personal data',
  fields: { reason: { message: '请选择或填写查阅事由，如“审核办理”', messageEn: 'choose or enter a reason, e.g. “审核办理” (processing)' } },
};

/** Staff read personal data only with a reason, whatever the route. */
export class ReasonRequiredError extends BadRequestError {
  constructor() {
    super(REASON_REFUSAL.message, REASON_REFUSAL.messageEn, [{ path: 'reason', ...REASON_REFUSAL.fields.reason }]);
  }
}
