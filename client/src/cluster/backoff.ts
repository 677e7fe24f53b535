/**
 * Exponential backoff with jitter for reconnecting watches: the n-th consecutive failure waits a
 * random time in [½·d, d] where d = min(max, initial·2ⁿ). The jitter keeps many watches that broke
 * at the same moment (one network blip) from reconnecting in lockstep.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** [0, 1); Math.random by default (tests pass their own). */
  random?: () => number;
}

export class Backoff {
  private failures = 0;

  constructor(private readonly opts: BackoffOptions) {}

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    const r = (this.opts.random ?? Math.random)();
    return Math.round(ceiling / 2 + (ceiling / 2) * r);
  }

  /** Called after a success. */
  reset(): void {
    this.failures = 0;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
