import { NotFoundError } from '../errors.js';

export class DeliveryNotFoundError extends NotFoundError {
  constructor() {
    super('投递记录不存在', 'No such delivery');
  }
}
