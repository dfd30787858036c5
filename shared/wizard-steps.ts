// The apply wizard's steps: the bundle's sections (by id), then these two. Shared because the
// server keeps the step a draft was left at and refuses one the wizard does not have.
import type { Bundle } from './model.js';
import { OTHER_SECTION } from './plan.js';

export const MATERIALS_STEP = 'materials';
export const REVIEW_STEP = 'review';

/** Every step the wizard may show for this bundle (a section without fields in a situation is skipped by the wizard). */
export function wizardSteps(bundle: Bundle): string[] {
  return [...bundle.sections.map((s) => s.id), OTHER_SECTION.id, MATERIALS_STEP, REVIEW_STEP];
}
