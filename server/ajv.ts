import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { addFieldFormats } from '../shared/formats.js';

/**
 * The server's JSON Schema validator: the standard formats (date, email…), and the field formats
 * of shared/formats.ts (the Chinese identifiers, data-url, color) that the browser checks alike.
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return addFieldFormats(ajv);
}
