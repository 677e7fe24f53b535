/**
 * Keeps misbehaving rules from hurting the editor: a rule that throws, or whose single call takes
 * longer than the budget, is reported once and switched off for the rest of the session (in every
 * file: a rule that broke once would break again on the next keystroke). Rules that never return
 * are caught by the protocol thread's watchdog, which restarts the engine with the rule off.
 */
import type { GoRule } from '../../go/rule';
import type { RuleErrorHandler } from '../../go/analyzer';
import type { WatchdogSlots } from './watchdogSlots';

/** One call of one rule on one declaration; real rules take well under a millisecond. */
export const RULE_CALL_BUDGET_MS = 250;

export class RuleGuard {
  private readonly disabled: Set<string>;

  constructor(
    initiallyDisabled: readonly string[],
    private readonly slots: WatchdogSlots,
    private readonly onDisable: (rule: string, why: string) => void,
  ) {
    this.disabled = new Set(initiallyDisabled);
  }

  isEnabled(rule: string): boolean {
    return !this.disabled.has(rule);
  }

  get disabledRules(): string[] {
    return [...this.disabled];
  }

  /** Wraps Go rules so each call is skipped once disabled, timed, and visible to the watchdog. */
  wrap(rules: readonly GoRule[]): GoRule[] {
    return rules.map((rule, index) => ({
      ...rule,
      check: (ctx) => {
        if (this.disabled.has(rule.id)) return;
        this.slots.enterRule(index);
        const start = performance.now();
        try {
          rule.check(ctx);
        } finally {
          this.slots.leaveRule();
          const took = performance.now() - start;
          if (took > RULE_CALL_BUDGET_MS) {
            this.disable(rule.id, `took ${Math.round(took)} ms on one declaration of ${ctx.file.path} (budget ${RULE_CALL_BUDGET_MS} ms)`);
          }
        }
      },
    }));
  }

  /** The error handler for analyzing `file`. */
  errorHandler(file: string): RuleErrorHandler {
    return (rule, error) => this.disable(rule, `threw on ${file}: ${(error as Error)?.stack ?? String(error)}`);
  }

  disable(rule: string, why: string): void {
    if (this.disabled.has(rule)) return;
    this.disabled.add(rule);
    this.onDisable(rule, why);
  }
}
