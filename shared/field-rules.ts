// Conditional fields and cross-field checks of a bundle (`fieldRules:` and `checks:`).
//
// A field rule shows, requires or hides ONE element: `visible:` (a condition; absent: always
// shown) and `required:` (true, or a condition; it overrides the items' own `required:`, so the
// mailing address can be optional for the card item yet required whenever mail is chosen).
// A hidden field is not in the form, is not required, and its value is not used: not by rules,
// not by departments (evaluate drops it from the values).
//
// A check compares a date element with today or with another date element (`before`,
// `notBefore`, `after`, `notAfter`), optionally only `when:` a condition holds, and carries its
// message in both languages. Checks pass while either side is unanswered: "required" is the
// form's business. The same functions run in the browser (the live form) and on the server
// (save and submit), so the applicant hears the same words at the field and in a 422.
import type { CompiledCondition, FactLookup } from './condition.js';
import { compileCondition } from './condition.js';
import type { Bundle, SourceRef, TopLevelCondition } from './model.js';
import type { PathSegment } from './yaml-source.js';
import type { Raw } from './raw.js';
import { asRaw } from './raw.js';

export interface FieldRule {
  readonly element: string;
  readonly visible?: TopLevelCondition;
  readonly required?: TopLevelCondition | boolean;
  readonly at: SourceRef;
}

export const CHECK_OPERATORS = ['before', 'notBefore', 'after', 'notAfter'] as const;
export type CheckOperator = (typeof CHECK_OPERATORS)[number];
/** `today` (China's date) or another element's value. */
export type CheckOperand = 'today' | { readonly element: string };

export interface FieldCheck {
  readonly name: string;
  readonly element: string;
  readonly operator: CheckOperator;
  readonly than: CheckOperand;
  readonly when?: TopLevelCondition;
  readonly message: string;
  readonly messageEn: string;
  readonly at: SourceRef;
}

export interface FieldProblem {
  readonly element: string;
  readonly check: string;
  readonly message: string;
  readonly messageEn: string;
}

export interface FieldStates {
  /** Elements a rule hides in this situation. */
  readonly hidden: readonly string[];
  /** Elements whose rule makes them required in this situation (shown ones only). */
  readonly required: readonly string[];
  /** Elements with a rule deciding whether they are required (required or not). */
  readonly decided: readonly string[];
}


/** `fieldRules:` of a bundle file, already valid against bundle.schema.json. */
export function parseFieldRules(file: string, root: Raw): FieldRule[] {
  const list = Array.isArray(root.fieldRules) ? root.fieldRules : [];
  return list.map((raw: unknown, i: number) => {
    const e = asRaw(raw);
    return {
      element: typeof e.element === 'string' ? e.element : '',
      ...(e.visible !== undefined ? { visible: e.visible as TopLevelCondition } : {}),
      ...(e.required !== undefined ? { required: e.required as TopLevelCondition | boolean } : {}),
      at: { file, path: ['fieldRules', i] as PathSegment[] },
    };
  });
}

/** `checks:` of a bundle file. */
export function parseChecks(file: string, root: Raw): FieldCheck[] {
  const list = Array.isArray(root.checks) ? root.checks : [];
  return list.map((raw: unknown, i: number) => {
    const e = asRaw(raw);
    const operator = CHECK_OPERATORS.find((op) => e[op] !== undefined) ?? 'notAfter';
    const operand = e[operator];
    const than: CheckOperand = operand === 'today' ? 'today' : { element: String(asRaw(operand).element ?? '') };
    return {
      name: typeof e.name === 'string' ? e.name : `check ${i + 1}`,
      element: typeof e.element === 'string' ? e.element : '',
      operator,
      than,
      ...(e.when !== undefined ? { when: e.when as TopLevelCondition } : {}),
      message: typeof e.message === 'string' ? e.message : '',
      messageEn: typeof e.messageEn === 'string' ? e.messageEn : '',
      at: { file, path: ['checks', i] as PathSegment[] },
    };
  });
}

interface Compiled {
  readonly rules: readonly { readonly rule: FieldRule; readonly visible: CompiledCondition | null; readonly required: CompiledCondition | boolean | null }[];
  readonly checks: readonly { readonly check: FieldCheck; readonly when: CompiledCondition | null }[];
}
const compiled = new WeakMap<Bundle, Compiled>();
function compiledOf(bundle: Bundle): Compiled {
  let c = compiled.get(bundle);
  if (!c) {
    c = {
      rules: (bundle.fieldRules ?? []).map((rule) => ({
        rule,
        visible: rule.visible ? compileCondition(rule.visible) : null,
        required: typeof rule.required === 'object' ? compileCondition(rule.required) : (rule.required ?? null),
      })),
      checks: (bundle.checks ?? []).map((check) => ({ check, when: check.when ? compileCondition(check.when) : null })),
    };
    compiled.set(bundle, c);
  }
  return c;
}

/** Which fields the rules hide and require, given the facts (the applicant's answers and prefilled values). */
export function fieldStates(bundle: Bundle, facts: FactLookup): FieldStates {
  const hidden: string[] = [];
  const required: string[] = [];
  const decided: string[] = [];
  for (const { rule, visible, required: req } of compiledOf(bundle).rules) {
    if (visible && !visible(facts)) {
      hidden.push(rule.element);
      continue;
    }
    if (req === null) continue;
    decided.push(rule.element);
    if (req === true || (typeof req === 'function' && req(facts))) required.push(rule.element);
  }
  return { hidden, required, decided };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

function holds(operator: CheckOperator, a: string, b: string): boolean {
  switch (operator) {
    case 'before':
      return a < b;
    case 'notBefore':
      return a >= b;
    case 'after':
      return a > b;
    case 'notAfter':
      return a <= b;
  }
}

/**
 * The checks that fail for these values (`today`: ISO date in China). Values that are not dates
 * are left to the element's own format check.
 */
export function checkFields(bundle: Bundle, values: Readonly<Record<string, unknown>>, today: string): FieldProblem[] {
  const facts: FactLookup = (id) => (Object.hasOwn(values, id) ? values[id] : undefined);
  const out: FieldProblem[] = [];
  for (const { check, when } of compiledOf(bundle).checks) {
    const a = values[check.element];
    const b = check.than === 'today' ? today : values[check.than.element];
    if (typeof a !== 'string' || typeof b !== 'string' || !ISO_DATE.test(a) || !ISO_DATE.test(b)) continue;
    if (when && !when(facts)) continue;
    if (!holds(check.operator, a.slice(0, 10), b.slice(0, 10))) {
      out.push({ element: check.element, check: check.name, message: check.message, messageEn: check.messageEn });
    }
  }
  return out;
}

/** Elements a check or a field rule reads, for lint. */
export function elementsReadByChecks(check: FieldCheck): string[] {
  return check.than === 'today' ? [check.element] : [check.element, check.than.element];
}
