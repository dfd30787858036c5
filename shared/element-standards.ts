// National standards a data element (数据元) can cite for itself or its code set, and what each
// makes checkable: the codes of a code table, or the format a number must be checked with.
// A standard not listed here is cited as written and checked for nothing.
import type { DataElement, JsonSchema } from './model.js';
import type { Said } from './lint-messages.js';

interface CodeTable {
  readonly kind: 'codes';
  readonly name: string;
  readonly codes: ReadonlySet<string>;
}

interface NumberFormat {
  readonly kind: 'format';
  readonly name: string;
  /** The field format (shared/formats.ts) that checks it, or a pattern that does. */
  readonly format: string;
}

type Checkable = CodeTable | NumberFormat;

const range = (from: number, to: number, width: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(width, '0'));

/**
 * By the standard's number without its year (a revision keeps the code table): GB/T 2261.1 人的
 * 性别代码 (0 未知, 1 男, 2 女, 9 未说明); GB/T 3304 中国各民族名称的罗马字母拼写法和代码 (01–56,
 * with 97 其他 and 98 外国血统中国籍人士); GB/T 4658 学历代码 (two digits, the first the level
 * 1–9); GB 11643 公民身份号码 and GB 32100 统一社会信用代码, each with its check digit.
 */
const STANDARDS: Readonly<Record<string, Checkable>> = {
  'GB/T 2261.1': { kind: 'codes', name: '人的性别代码', codes: new Set(['0', '1', '2', '9']) },
  'GB/T 3304': { kind: 'codes', name: '中国各民族名称的罗马字母拼写法和代码', codes: new Set([...range(1, 56, 2), '97', '98']) },
  'GB/T 4658': { kind: 'codes', name: '学历代码', codes: new Set(range(10, 99, 2)) },
  'GB 11643': { kind: 'format', name: '公民身份号码', format: 'cn-id-number' },
  'GB 32100': { kind: 'format', name: '法人和其他组织统一社会信用代码编码规则', format: 'cn-credit-code' },
};

/** `GB/T 2261.1-2003` → `GB/T 2261.1`; `GB 3304-1991` is the same table as `GB/T 3304`. */
export function standardNumber(ref: string): string {
  const bare = ref.trim().replace(/\s+/g, ' ').replace(/-(19|20)\d\d$/, '');
  const m = /^GB(?:\/T)? (.+)$/.exec(bare);
  if (!m) return bare;
  const withT = `GB/T ${m[1]}`;
  const plain = `GB ${m[1]}`;
  return STANDARDS[withT] ? withT : STANDARDS[plain] ? plain : bare;
}

function consts(schema: JsonSchema): string[] | null {
  const list = Array.isArray(schema.oneOf) ? (schema.oneOf as JsonSchema[]).map((o) => o.const) : Array.isArray(schema.enum) ? (schema.enum as unknown[]) : null;
  return list ? list.map((v) => String(v)) : null;
}

/** Where the element's own schema contradicts the standard it cites, as far as that is checkable. */
export function standardProblems(el: Pick<DataElement, 'id' | 'title' | 'schema' | 'standard'>): Said[] {
  if (!el.standard) return [];
  const ref = el.standard.ref;
  const known = STANDARDS[standardNumber(ref)];
  if (!known) return [];
  const name = `element "${el.id}" (${el.title})`;
  if (known.kind === 'codes') {
    const values = consts(el.schema);
    if (!values) return [{ zh: `数据元素“${el.title}”引用代码标准 ${ref}，却没有列出代码（oneOf 或 enum）`, en: `${name} cites the code table ${ref} but lists no codes (oneOf or enum)` }];
    const foreign = values.filter((v) => !known.codes.has(v));
    return foreign.length
      ? [{ zh: `数据元素“${el.title}”的取值 ${foreign.join('、')} 不是 ${ref}（${known.name}）中的代码`, en: `${name}: ${foreign.map((v) => `"${v}"`).join(', ')} ${foreign.length > 1 ? 'are not codes' : 'is not a code'} of ${ref} (${known.name})` }]
      : [];
  }
  if (el.schema.format === known.format) return [];
  return [{ zh: `数据元素“${el.title}”引用 ${ref}（${known.name}），应使用格式 ${known.format} 校验`, en: `${name} cites ${ref} (${known.name}) but is not checked with format ${known.format}` }];
}
