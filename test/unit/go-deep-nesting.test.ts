/**
 * The guard against rules whose work grows faster than the code: every Go rule on functions (and
 * a type) nested 5,000 levels deep, each level holding what some rule looks at
 * (test/helpers/deepGo.ts), must stay within a budget of tree work proportional to the depth:
 * node visits — questions to tree-sitter and to the engine's memos, the nodes handed back, and the
 * depth tree-sitter walks for parents, siblings and descendants (treeWork.ts) — not seconds. A rule
 * over budget is stopped there, so a super-linear one fails fast. No rule may throw (running out of
 * stack included). `npx tsx bench/nesting-bench.ts` prints the same work, and CPU time, per rule
 * and shape at several depths.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { defaultConfig } from '../../server/src/engine/config';
import { analyzeGoFile } from '../../server/src/go/analyzer';
import { GoFile } from '../../server/src/go/file';
import { parseGo } from '../../server/src/go/parser';
import { goRules } from '../../server/src/go/rules';
import type { Tree } from 'web-tree-sitter';
import { deepGo, NESTING_SHAPES, type NestingShape } from '../helpers/deepGo';
import { initEngine } from '../helpers/goEngine';
import { treeWork, WorkBudgetExceeded } from '../helpers/treeWork';

const DEPTH = 5000;
/** Linear rules use up to about 140 units per level on these shapes. */
const WORK_PER_LEVEL = 400;
const BUDGET = WORK_PER_LEVEL * DEPTH + 10_000;

/** lost-cancel on a discarded cancel whose context is redeclared at every level. */
const LOST_CANCEL =
  'linear since the walk shares the flows of statements that do not touch the resource (ownership.ts neutralFlows), but about 920 units per level: each acquisition walks 8 levels before it asks, and resources.ts parentReleased follows the context through up to 8 earlier assignments';

/** Rules known to do super-linear work here, or to fail on it, and why. */
const TODO: Record<string, string> = {
  'go/lost-cancel': LOST_CANCEL,
  'go/signal-notify-unbuffered':
    "the rule's unbufferedMakeOf climbs every parent from each Notify call to the root, looking for functions (rules/signalNotifyUnbuffered.ts, the goroutine engineer's): the depth per call",
};

/**
 * One tree per file for the rules expected to pass, another for the rest: the engine's memos are
 * shared by the rules on a tree (as they are in use), and a rule known to be over budget, stopped
 * half-way, must not do work that a rule after it is then spared.
 */
const trees = new Map<string, Tree>();
const todoTrees = new Map<string, Tree>();

function treeOf(shape: NestingShape, todo: boolean): Tree {
  const pool = todo ? todoTrees : trees;
  let tree = pool.get(shape.name);
  if (!tree) pool.set(shape.name, (tree = parseGo(deepGo(shape, DEPTH))));
  return tree;
}

before(async () => {
  await initEngine();
  for (const shape of NESTING_SHAPES) assert.ok(!treeOf(shape, false).rootNode.hasError, `${shape.name}: the file parses`);
});

for (const rule of goRules) {
  const todo = TODO[rule.id];
  test(`${rule.id}: linear work on code nested ${DEPTH} levels deep`, { todo }, (t) => {
    let worst = 0;
    // The rule runs even when it is off by default.
    const config = { ...defaultConfig(), rules: { [rule.id]: rule.defaultSeverity } };
    for (const shape of NESTING_SHAPES) {
      const tree = treeOf(shape, !!todo);
      const file = new GoFile('deep.go', tree.rootNode.text, tree, { timersCollected: false });
      const errors: unknown[] = [];
      const work = treeWork(() => {
        analyzeGoFile(file, [rule], config, (_rule, err) => {
          if (err instanceof WorkBudgetExceeded) throw err;
          errors.push(err);
        });
      }, BUDGET);
      assert.deepEqual(errors, [], `${shape.name}: ${rule.id} threw`);
      worst = Math.max(worst, work / DEPTH);
    }
    t.diagnostic(`at most ${Math.round(worst)} units of tree work per level`);
  });
}
