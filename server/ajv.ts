import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { addChineseFormats } from '../shared/formats.js';

/** The server's JSON Schema validator: standard formats (date, email…) and the Chinese identifiers. */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return addChineseFormats(ajv);
}
