/** Wizard steps after the form's sections (a section's id never takes these names in practice). */
export { MATERIALS_STEP, REVIEW_STEP } from '../../../shared/wizard-steps.js';

/** Focus a field by its id, or the first control inside a radio or checkbox group. */
export function focusField(id: string): void {
  setTimeout(() => {
    const el = document.getElementById(id);
    const target = el && el.tagName !== 'INPUT' && el.tagName !== 'SELECT' ? el.querySelector<HTMLElement>('input, select, textarea') : el;
    target?.focus();
  }, 0);
}
