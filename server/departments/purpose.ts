import type { Principal } from '../auth/types.js';
import { ReasonRequiredError } from './errors.js';

/** A read of personal data: why (as the caller said it) and through which route, for the audit log. */
export interface ReadAccess {
  reason: string | undefined;
  /** `GET /api/sub-applications/:id`, as mounted: the same case is read through the department API and the workbench. */
  route: string;
}

/**
 * A department system's purpose is fixed by what it is: the department's own case-handling
 * system, authenticated by its token, reading what was sent to it in order to process it.
 */
export const SYSTEM_PURPOSE = 'system: processing';

/**
 * The reason the audit log keeps. Staff must say why, on every route (查阅事由); a system may say
 * more (kept as given) and otherwise reads for {@link SYSTEM_PURPOSE}. The first 200 characters.
 */
export function purposeOf(principal: Principal, reason: string | undefined): string {
  const said = reason?.trim().slice(0, 200);
  if (said) return said;
  if (principal.kind === 'user') throw new ReasonRequiredError();
  return SYSTEM_PURPOSE;
}
