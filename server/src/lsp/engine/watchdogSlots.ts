/**
 * A few integers shared between the engine worker and the protocol thread. The worker marks which
 * Go rule is running and counts rule calls and parse progress; the protocol thread's watchdog reads
 * them to tell a hung rule (nothing moves) from a long but progressing analysis, even while the
 * worker's event loop is stuck.
 */
const RULE = 0;
const CALLS = 1;
const BUSY = 2;
const SLOT_COUNT = 3;

export class WatchdogSlots {
  private readonly slots: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT)) {
    this.slots = new Int32Array(buffer);
  }

  /** `ruleIndex` is the rule's position in goRules. */
  enterRule(ruleIndex: number): void {
    Atomics.store(this.slots, RULE, ruleIndex + 1);
    Atomics.add(this.slots, CALLS, 1);
  }

  leaveRule(): void {
    Atomics.store(this.slots, RULE, 0);
  }

  /** Work moved on outside any rule (a long parse). */
  tick(): void {
    Atomics.add(this.slots, CALLS, 1);
  }

  setBusy(busy: boolean): void {
    Atomics.store(this.slots, BUSY, busy ? 1 : 0);
    Atomics.add(this.slots, CALLS, 1);
  }

  /** The running rule's index in goRules (undefined when none), a progress counter, and whether a task runs. */
  read(): { ruleIndex: number | undefined; progress: number; busy: boolean } {
    const rule = Atomics.load(this.slots, RULE);
    return {
      ruleIndex: rule === 0 ? undefined : rule - 1,
      progress: Atomics.load(this.slots, CALLS),
      busy: Atomics.load(this.slots, BUSY) === 1,
    };
  }
}
