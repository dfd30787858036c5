export interface BackoffPolicy {
  /** Delay before the second attempt. */
  baseMs: number;
  /** No single gap grows beyond this. */
  maxGapMs: number;
  /** ±fraction of randomness so many failed rows do not all come back at the same instant. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxGapMs: 5 * 60_000, jitter: 0.2 };

/**
 * When the next attempt is due, counted from the FIRST attempt rather than the last one: a slow
 * failing attempt (a 10-second timeout) does not push the whole schedule back, and the schedule
 * of a row is the same whichever worker happened to make each attempt.
 * After attempt n (1-based) the offset is the sum of gaps base·2^(k−1), k = 1…n, each capped.
 */
export function nextAttemptAt(firstAttemptAt: Date, attemptsMade: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): Date {
  let offset = 0;
  for (let k = 1; k <= attemptsMade; k++) offset += Math.min(policy.maxGapMs, policy.baseMs * 2 ** (k - 1));
  const factor = 1 + policy.jitter * (2 * random() - 1);
  return new Date(firstAttemptAt.getTime() + Math.round(offset * factor));
}
