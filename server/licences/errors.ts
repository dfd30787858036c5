import { NotFoundError } from '../errors.js';

/** Another person's licence answers exactly like one that does not exist. */
export class LicenceNotFoundError extends NotFoundError {
  constructor() {
    super('证照不存在', 'No such licence');
  }
}
