// Answers keyed by data-element id, and the checks made on them in the browser.
import type { ComposedElement, ComposedForm } from '../../../shared/compose.js';
import type { Evaluation } from '../../../shared/evaluate.js';
import { isEmpty, REQUIRED, validateValue, type FieldError } from '../components/form/validate.js';

export type Answers = Record<string, unknown>;

/**
 * What autosave sends: the applicant's own values that pass their checks. Prefilled values are
 * the platform's (the server fills them), and a value that fails its check would make the server
 * refuse the whole draft, so it waits at the field until it is fixed.
 */
export function savable(answers: Answers, full: ComposedForm, evaluation: Evaluation): Answers {
  const byElement = elementsById(full);
  // A value failing a cross-field check (a birth date in the future) waits like an invalid one.
  const failing = new Set((evaluation.problems ?? []).map((p) => p.element));
  const out: Answers = {};
  for (const [id, value] of Object.entries(answers)) {
    const el = byElement.get(id);
    if (!el || !el.inForm || failing.has(id) || Object.hasOwn(evaluation.prefilled, id) || isEmpty(value)) continue;
    if (validateValue(el.schema, value) === null) out[id] = value;
  }
  return out;
}

const indexes = new WeakMap<ComposedForm, Map<string, ComposedElement>>();
export function elementsById(form: ComposedForm): Map<string, ComposedElement> {
  let m = indexes.get(form);
  if (!m) {
    m = new Map(form.elements.map((e) => [e.element, e]));
    indexes.set(form, m);
  }
  return m;
}

/**
 * The problem with one element's value, judged by the full form's schema (every item's
 * constraints, as the server judges a draft) and, when asked, whether a required one is missing.
 */
export function checkElement(el: ComposedElement, full: ComposedForm, value: unknown, requireIt: boolean): FieldError | null {
  if (isEmpty(value)) return requireIt && el.required ? REQUIRED : null;
  const schema = elementsById(full).get(el.element)?.schema ?? el.schema;
  return validateValue(schema, value);
}

/** The bundle's cross-field check failing for an element (shared/field-rules.ts), if any. */
export function crossFieldProblem(evaluation: Evaluation, element: string): FieldError | null {
  const p = evaluation.problems?.find((x) => x.element === element);
  return p ? { message: p.message, messageEn: p.messageEn } : null;
}

/** Every problem in one section of the live form, for 下一步 and for the review. */
export function checkSection(form: ComposedForm, full: ComposedForm, sectionId: string, answers: Answers, evaluation: Evaluation): Map<string, FieldError> {
  const problems = new Map<string, FieldError>();
  for (const el of form.elements) {
    if (el.section !== sectionId || !el.inForm || Object.hasOwn(evaluation.prefilled, el.element)) continue;
    const e = checkElement(el, full, answers[el.element], true) ?? crossFieldProblem(evaluation, el.element);
    if (e) problems.set(el.element, e);
  }
  return problems;
}
