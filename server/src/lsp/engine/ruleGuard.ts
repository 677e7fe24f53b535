/**
 * Keeps misbehaving rules from hurting the editor, and says which rules are off and why (the
 * server shows it to the user). A rule that throws is switched off until the server restarts: it
 * would throw again on the next keystroke. A rule whose single call on one declaration uses more
 * than RULE_CALL_BUDGET_MS of CPU time is paused and gets another chance later, after a pause that
 * doubles with each overrun: the declaration that slowed it may be gone by then. CPU time, not
 * wall-clock time: a busy machine must not switch rules off. Rules that never return are caught by
 * the protocol thread's watchdog, which restarts the engine with the rule paused (engineHost.ts).
 */
import type { GoRule } from '../../go/rule';
import type { RuleErrorHandler } from '../../go/analyzer';
import { CpuStopwatch } from './cpuClock';
import type { WatchdogSlots } from './watchdogSlots';

/** CPU time one call of one rule on one declaration may use; real rules take well under a millisecond. */
export const RULE_CALL_BUDGET_MS = 250;
/** The first pause of a rule that overran; each further overrun doubles it, up to MAX_PAUSE_MS. */
export const FIRST_PAUSE_MS = 60_000;
const MAX_PAUSE_MS = 30 * 60_000;

/** A rule that is off. */
export interface RuleOff {
  rule: string;
  reason: string;
  /** When it runs again (epoch ms); absent: until the server restarts. */
  retryAt?: number;
  /** Overruns so far (each doubles the next pause). */
  strikes: number;
}

/** How long a rule pauses after its `strikes`-th overrun. */
export function pauseAfter(strikes: number, firstPauseMs = FIRST_PAUSE_MS): number {
  return Math.min(firstPauseMs * 2 ** Math.max(0, strikes - 1), MAX_PAUSE_MS);
}

export class RuleGuard {
  private readonly off = new Map<string, RuleOff>();
  /** Overruns per rule, kept after a pause ends. */
  private readonly strikes = new Map<string, number>();
  private readonly stopwatch = new CpuStopwatch();
  private timer?: NodeJS.Timeout;

  constructor(
    initiallyOff: readonly RuleOff[],
    private readonly slots: WatchdogSlots,
    /** A rule went off or came back; `message` says so for the log. */
    private readonly onChange: (message: string) => void,
    private readonly firstPauseMs = FIRST_PAUSE_MS,
    stopwatch?: CpuStopwatch,
  ) {
    if (stopwatch) this.stopwatch = stopwatch;
    for (const r of initiallyOff) {
      this.off.set(r.rule, r);
      this.strikes.set(r.rule, r.strikes);
    }
    this.scheduleRetry();
  }

  isEnabled(rule: string): boolean {
    return !this.off.has(rule);
  }

  /** The rules that are off now. */
  get rulesOff(): RuleOff[] {
    return [...this.off.values()];
  }

  get disabledRules(): string[] {
    return [...this.off.keys()];
  }

  /** Wraps Go rules so each call is skipped while off, timed, and visible to the watchdog. */
  wrap(rules: readonly GoRule[]): GoRule[] {
    return rules.map((rule, index) => ({
      ...rule,
      check: (ctx) => {
        if (this.off.has(rule.id)) return;
        this.slots.enterRule(index);
        const start = this.stopwatch.start();
        try {
          rule.check(ctx);
        } finally {
          this.slots.leaveRule();
          // The wall clock is cheap to read; only a call that took long on it has its CPU time read.
          if (this.stopwatch.wallSince(start) > RULE_CALL_BUDGET_MS) {
            const cpu = this.stopwatch.cpuSince(start);
            if (cpu > RULE_CALL_BUDGET_MS) {
              this.overran(rule.id, `used ${Math.round(cpu)} ms of CPU time on one declaration of ${ctx.file.path} (budget ${RULE_CALL_BUDGET_MS} ms)`);
            }
          }
        }
      },
    }));
  }

  /** The error handler for analyzing `file`. */
  errorHandler(file: string): RuleErrorHandler {
    return (rule, error) => {
      // Running out of stack is a matter of the input (deep nesting), like running out of time.
      if (error instanceof RangeError && /call stack/.test(error.message)) this.overran(rule, `ran out of stack on ${file}`);
      else this.threw(rule, `threw on ${file}: ${(error as Error)?.stack ?? String(error)}`);
    };
  }

  /** Switches a rule off until the server restarts. */
  threw(rule: string, why: string): void {
    if (this.off.has(rule)) return;
    this.off.set(rule, { rule, reason: why, strikes: this.strikes.get(rule) ?? 0 });
    this.onChange(`rule ${rule} ${why}. It is switched off until the server restarts.`);
  }

  /** Pauses a rule that ran over its budget; it runs again after the pause. */
  overran(rule: string, why: string): void {
    if (this.off.has(rule)) return;
    const strikes = (this.strikes.get(rule) ?? 0) + 1;
    this.strikes.set(rule, strikes);
    const pause = pauseAfter(strikes, this.firstPauseMs);
    this.off.set(rule, { rule, reason: why, retryAt: Date.now() + pause, strikes });
    this.onChange(`rule ${rule} ${why}. It is paused for ${seconds(pause)}, then runs again.`);
    this.scheduleRetry();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /** Brings paused rules back when their pause ends. */
  private scheduleRetry(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = Math.min(...[...this.off.values()].map((r) => r.retryAt ?? Number.POSITIVE_INFINITY));
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => {
      const now = Date.now();
      for (const r of [...this.off.values()]) {
        if (r.retryAt !== undefined && r.retryAt <= now) {
          this.off.delete(r.rule);
          this.onChange(`rule ${r.rule} runs again after its pause.`);
        }
      }
      this.scheduleRetry();
    }, Math.max(0, next - Date.now()));
    this.timer.unref();
  }
}

function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
