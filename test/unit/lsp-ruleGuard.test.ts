/**
 * The rule guard budgets CPU time, not wall-clock time: a call that waits (as on a busy machine)
 * is not switched off, one that computes past the budget is paused, gets another chance after the
 * pause, and pauses twice as long the next time; a rule that throws stays off; one that runs out
 * of stack (deep input) is paused like one that ran out of time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GoRule, GoRuleContext } from '../../server/src/go/rule';
import { goRules } from '../../server/src/go/rules';
import { CpuStopwatch, cpuTimeMs } from '../../server/src/lsp/engine/cpuClock';
import { pauseAfter, RULE_CALL_BUDGET_MS, RuleGuard } from '../../server/src/lsp/engine/ruleGuard';
import { WatchdogSlots } from '../../server/src/lsp/engine/watchdogSlots';

const ctx = { file: { path: '/w/a.go' } } as unknown as GoRuleContext;

function spin(cpuMs: number): void {
  const until = cpuTimeMs() + cpuMs;
  while (cpuTimeMs() < until) {
    // burning CPU on purpose
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function guarded(behave: () => void, firstPauseMs = 200) {
  const messages: string[] = [];
  const guard = new RuleGuard([], new WatchdogSlots(), (m) => messages.push(m), firstPauseMs);
  const rule: GoRule = { ...goRules[0], check: behave };
  const [wrapped] = guard.wrap([rule]);
  return { guard, messages, run: () => wrapped.check(ctx), id: rule.id };
}

test('the stopwatch charges CPU time, not waiting', () => {
  const watch = new CpuStopwatch();
  let start = watch.start();
  sleep(150);
  assert.ok(watch.wallSince(start) >= 140);
  assert.ok(watch.cpuSince(start) < 60, `waiting cost ${watch.cpuSince(start)} ms of CPU`);
  start = watch.start();
  spin(150);
  assert.ok(watch.cpuSince(start) >= 150 - 25, 'short of the truth by at most the sample interval');
});

test('a call that waits past the budget without computing is not switched off', () => {
  const g = guarded(() => sleep(RULE_CALL_BUDGET_MS + 100));
  g.run();
  assert.ok(g.guard.isEnabled(g.id));
  assert.deepEqual(g.messages, []);
});

test('a call that computes past the budget is paused, runs again after the pause, and pauses twice as long next time', async () => {
  let calls = 0;
  const g = guarded(() => {
    calls++;
    spin(RULE_CALL_BUDGET_MS + 30);
  });
  g.run();
  assert.ok(!g.guard.isEnabled(g.id));
  const [first] = g.guard.rulesOff;
  assert.equal(first.strikes, 1);
  assert.match(first.reason, /used \d+ ms of CPU time on one declaration of \/w\/a\.go/);
  g.run();
  assert.equal(calls, 1, 'a paused rule does not run');
  await new Promise((r) => setTimeout(r, first.retryAt! - Date.now() + 50));
  assert.ok(g.guard.isEnabled(g.id), 'back after the pause');
  assert.match(g.messages.at(-1)!, /runs again/);
  g.run();
  assert.equal(calls, 2);
  const [second] = g.guard.rulesOff;
  assert.equal(second.strikes, 2);
  assert.equal(pauseAfter(2, 200), 400);
  assert.ok(second.retryAt! - Date.now() > 250);
  g.guard.dispose();
});

test('a rule that throws stays off; one that runs out of stack is paused', () => {
  const thrower = guarded(() => {});
  thrower.guard.errorHandler('/w/a.go')(thrower.id, new Error('boom'));
  assert.equal(thrower.guard.rulesOff[0].retryAt, undefined);
  assert.match(thrower.messages[0], /threw on \/w\/a\.go.*boom[\s\S]*switched off until the server restarts/);

  const deep = guarded(() => {});
  const overflow = (n: number): number => overflow(n + 1) + 1;
  let error: unknown;
  try {
    overflow(0);
  } catch (err) {
    error = err;
  }
  deep.guard.errorHandler('/w/deep.go')(deep.id, error);
  assert.ok(deep.guard.rulesOff[0].retryAt! > Date.now());
  assert.match(deep.guard.rulesOff[0].reason, /ran out of stack on \/w\/deep\.go/);
  deep.guard.dispose();
});
