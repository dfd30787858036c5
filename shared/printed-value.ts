// A form value as a printed document shows it: a choice by its label (not its code), yes/no in
// words, a date in Chinese, lists joined. Pure: the schema is the element's from the catalogue.
import type { JsonSchema } from './model.js';

/** `2026-11-21` → `2026年11月21日`; anything else is returned as given. */
export function chineseDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso;
}

function optionsOf(schema: JsonSchema | undefined): { const?: unknown; title?: string }[] {
  if (!schema) return [];
  if (Array.isArray(schema.oneOf)) return schema.oneOf as { const?: unknown; title?: string }[];
  const items = schema.items as JsonSchema | undefined;
  if (schema.type === 'array' && items && Array.isArray(items.oneOf)) return items.oneOf as { const?: unknown; title?: string }[];
  return [];
}

/** The value as printed; an empty value (absent, '', empty list) is ''. */
export function printedValue(schema: JsonSchema | undefined, value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  const titled = optionsOf(schema).find((o) => o.const === value)?.title;
  if (titled) return titled;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.map((x) => printedValue(schema, x)).filter(Boolean).join('、');
  if (typeof value === 'string' && schema?.format === 'date') return chineseDate(value);
  if (typeof value === 'object') {
    // A structured value (an address): its parts in order, as a person would write it.
    return Object.values(value as Record<string, unknown>).map((x) => printedValue(undefined, x)).filter(Boolean).join(' ');
  }
  return String(value);
}
