import type { ErrorObject } from 'ajv';
import { formatMessage } from '../../shared/formats.js';

/** Why a value fails a JSON Schema keyword, in Chinese and English, as the applicant reads it. */
export function describe(err: ErrorObject, value: unknown): { message: string; messageEn: string } {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      return { message: '必填', messageEn: 'required' };
    case 'format':
      return { message: formatMessage(String(p.format), String(value), 'zh'), messageEn: formatMessage(String(p.format), String(value), 'en') };
    case 'type':
      return { message: `类型应为 ${String(p.type)}`, messageEn: `must be of type ${String(p.type)}` };
    case 'enum':
    case 'const':
    case 'oneOf':
      return { message: '不在可选范围内', messageEn: 'is not one of the allowed values' };
    case 'minLength':
      return { message: `至少 ${String(p.limit)} 个字符`, messageEn: `must have at least ${String(p.limit)} characters` };
    case 'maxLength':
      return { message: `最多 ${String(p.limit)} 个字符`, messageEn: `must have at most ${String(p.limit)} characters` };
    case 'minimum':
    case 'exclusiveMinimum':
      return { message: `不能小于 ${String(p.limit)}`, messageEn: `must be ${String(p.comparison)} ${String(p.limit)}` };
    case 'maximum':
    case 'exclusiveMaximum':
      return { message: `不能大于 ${String(p.limit)}`, messageEn: `must be ${String(p.comparison)} ${String(p.limit)}` };
    case 'pattern':
      return { message: '格式不正确', messageEn: `must match ${String(p.pattern)}` };
    case 'minItems':
      return { message: `至少选择 ${String(p.limit)} 项`, messageEn: `must have at least ${String(p.limit)} items` };
    case 'maxItems':
      return { message: `最多选择 ${String(p.limit)} 项`, messageEn: `must have at most ${String(p.limit)} items` };
    default:
      return { message: `不符合要求（${err.keyword}）`, messageEn: err.message ?? err.keyword };
  }
}

/**
 * One error per value: a value failing `oneOf` also fails each alternative, and the applicant
 * needs to hear only that it is not one of the allowed values.
 */
export function outermost(errors: readonly ErrorObject[]): ErrorObject[] {
  const best = new Map<string, ErrorObject>();
  for (const err of errors) {
    const p = err.params as { missingProperty?: string; additionalProperty?: string };
    const at =
      err.keyword === 'required' ? `${err.instancePath}/${String(p.missingProperty)}` : err.keyword === 'additionalProperties' ? `${err.instancePath}/${String(p.additionalProperty)} (extra)` : err.instancePath;
    const prior = best.get(at);
    if (!prior || err.schemaPath.split('/').length < prior.schemaPath.split('/').length) best.set(at, err);
  }
  return [...best.values()];
}
