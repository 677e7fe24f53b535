/**
 * Fault injection, for the robustness tests in test/protocol only: LEAKLENS_FAULTS, read when the
 * engine starts, wraps real rules so they misbehave:
 *   throw:<rule>     the rule throws on every call
 *   slow:<rule>      each call busy-waits past the per-call CPU budget, then runs the rule
 *   sleep:<rule>     each call blocks past the budget without using CPU (as if the machine were busy)
 *   hang:<rule>      the rule never returns
 *   hangtext:<word>  analyzing a text that holds the word never returns, outside any rule (as a
 *                    parse that never ends would)
 * e.g. LEAKLENS_FAULTS=throw:go/context-in-struct,slow:go/exec-no-context. Unset in normal use.
 */
import type { GoRule } from '../../go/rule';
import { cpuTimeMs } from './cpuClock';
import { RULE_CALL_BUDGET_MS } from './ruleGuard';

const RULE_FAULTS = ['throw', 'slow', 'sleep', 'hang'] as const;
type RuleFault = (typeof RULE_FAULTS)[number];

function parseFaults(spec: string | undefined): { rules: Map<string, RuleFault>; hangWords: string[] } {
  const rules = new Map<string, RuleFault>();
  const hangWords: string[] = [];
  for (const item of (spec ?? '').split(',')) {
    const [fault, target] = item.trim().split(/:(.*)/s);
    if (!target) continue;
    if (fault === 'hangtext') hangWords.push(target);
    else if (RULE_FAULTS.includes(fault as RuleFault)) rules.set(target, fault as RuleFault);
  }
  return { rules, hangWords };
}

/** Spins until the thread used `ms` of CPU time (on a busy machine, longer on the wall clock). */
function busyWait(ms: number): void {
  const until = cpuTimeMs() + ms;
  while (cpuTimeMs() < until) {
    // spinning on purpose: a slow rule blocks its thread
  }
}

export function withInjectedFaults(rules: readonly GoRule[], spec = process.env.LEAKLENS_FAULTS): GoRule[] {
  const faults = parseFaults(spec).rules;
  if (faults.size === 0) return [...rules];
  return rules.map((rule) => {
    const fault = faults.get(rule.id);
    if (!fault) return rule;
    return {
      ...rule,
      check(ctx) {
        if (fault === 'throw') throw new Error(`injected fault in ${rule.id}`);
        if (fault === 'sleep') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RULE_CALL_BUDGET_MS * 2);
        else busyWait(fault === 'slow' ? RULE_CALL_BUDGET_MS * 2 : Number.POSITIVE_INFINITY);
        rule.check(ctx);
      },
    };
  });
}

/** Called with each text the engine analyzes: never returns for one holding a `hangtext` word. */
export function injectedTextHang(spec = process.env.LEAKLENS_FAULTS): (text: string) => void {
  const words = parseFaults(spec).hangWords;
  return (text) => {
    if (words.some((w) => text.includes(w))) busyWait(Number.POSITIVE_INFINITY);
  };
}
