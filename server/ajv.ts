import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { addFieldFormats } from '../shared/formats.js';
import { ajvRegExp } from '../shared/pattern.js';

/**
 * The server's JSON Schema validator: the standard formats (date, email…), and the field formats
 * of shared/formats.ts (the Chinese identifiers, data-url, color) that the browser checks alike,
 * and every `pattern` on RE2 (shared/pattern.ts): linear time, whatever a designer published.
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: ajvRegExp } });
  addFormats.default(ajv);
  return addFieldFormats(ajv);
}
