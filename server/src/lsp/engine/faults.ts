/**
 * Fault injection, for the robustness tests in test/protocol only: LEAKLENS_FAULTS, read when the
 * engine starts, wraps real rules so they misbehave:
 *   throw:<rule>  the rule throws on every call
 *   slow:<rule>   each call busy-waits past the per-call time budget, then runs the rule
 *   hang:<rule>   the rule never returns
 * e.g. LEAKLENS_FAULTS=throw:go/context-in-struct,slow:go/exec-no-context. Unset in normal use.
 */
import type { GoRule } from '../../go/rule';
import { RULE_CALL_BUDGET_MS } from './ruleGuard';

type Fault = 'throw' | 'slow' | 'hang';

function parseFaults(spec: string | undefined): Map<string, Fault> {
  const faults = new Map<string, Fault>();
  for (const item of (spec ?? '').split(',')) {
    const [fault, rule] = item.trim().split(/:(.*)/s);
    if ((fault === 'throw' || fault === 'slow' || fault === 'hang') && rule) faults.set(rule, fault);
  }
  return faults;
}

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning on purpose: a slow rule blocks its thread
  }
}

export function withInjectedFaults(rules: readonly GoRule[], spec = process.env.LEAKLENS_FAULTS): GoRule[] {
  const faults = parseFaults(spec);
  if (faults.size === 0) return [...rules];
  return rules.map((rule) => {
    const fault = faults.get(rule.id);
    if (!fault) return rule;
    return {
      ...rule,
      check(ctx) {
        if (fault === 'throw') throw new Error(`injected fault in ${rule.id}`);
        busyWait(fault === 'slow' ? RULE_CALL_BUDGET_MS * 2 : Number.POSITIVE_INFINITY);
        rule.check(ctx);
      },
    };
  });
}
