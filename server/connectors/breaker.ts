/**
 * A circuit breaker per connector: after `failures` consecutive failed attempts it opens and
 * refuses calls at once (no request leaves) for `cooldownMs`; then it lets ONE probe through
 * (half-open): success closes it, failure opens it for another cooldown. A slow or dead exchange
 * then costs the applicant no waiting and the exchange no pile of retries.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failures: number;
  cooldownMs: number;
  /** Injectable clock for tests of the cool-down; default Date.now. */
  now?: () => number;
}

export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | null = null;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly o: BreakerOptions) {
    this.now = o.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.o.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether an attempt may go out now; a half-open breaker admits one probe at a time. */
  admit(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.consecutive = 0;
    this.openedAt = null;
    this.probing = false;
  }

  failure(): void {
    this.probing = false;
    this.consecutive++;
    if (this.openedAt !== null || this.consecutive >= this.o.failures) this.openedAt = this.now();
  }
}
