import { NotFoundError } from '../errors.js';

/** Also for a document of someone else's application: whether it exists is not theirs to learn. */
export class ResultDocumentNotFoundError extends NotFoundError {
  constructor() {
    super('没有这份办结文书', 'No such result document');
  }
}
