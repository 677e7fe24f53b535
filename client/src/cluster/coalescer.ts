/**
 * Batches tree changes: however fast watch events arrive, listeners hear at most one batch per
 * `intervalMs`. A change after a quiet period goes out on the next tick, so a single status update
 * reaches the tree at once; a storm of updates becomes a few batches a second.
 */
export interface Scheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class Coalescer<T> {
  private pending = new Set<T>();
  private timer: unknown;
  private lastFlush = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (batch: T[]) => void,
    private readonly scheduler: Scheduler = realScheduler,
  ) {}

  add(item: T): void {
    this.pending.add(item);
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.scheduler.now());
    this.timer = this.scheduler.setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = undefined;
    this.lastFlush = this.scheduler.now();
    const batch = [...this.pending];
    this.pending.clear();
    if (batch.length) this.flush(batch);
  }

  dispose(): void {
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
