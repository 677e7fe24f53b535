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
/** Linear rules use up to about 320 units per level on these shapes (rows-not-closed, 316). */
const WORK_PER_LEVEL = 400;
const budgetOf = (ruleId: string) => (WORK_PER_LEVEL_OF[ruleId] ?? WORK_PER_LEVEL) * DEPTH + 10_000;

/**
 * Rules that are linear but do more per level, with the reason; they keep a budget of their own so
 * that growth beyond it still fails.
 */
const WORK_PER_LEVEL_OF: Record<string, number> = {
  // A discarded cancel whose context is redeclared at every level: each acquisition walks 8 levels
  // before the walk shares the flows of statements that do not touch it (ownership.ts
  // neutralFlows), and resources.ts parentReleased follows the context through up to 8 earlier
  // assignments. About 920 units per level, flat from 1,000 to 4,000 levels.
  'go/lost-cancel': 1000,
};

/** One tree per shape, shared by the rules as in use (the engine's memos live on the tree). */
const trees = new Map<string, Tree>();

function treeOf(shape: NestingShape): Tree {
  let tree = trees.get(shape.name);
  if (!tree) trees.set(shape.name, (tree = parseGo(deepGo(shape, DEPTH))));
  return tree;
}

before(async () => {
  await initEngine();
  for (const shape of NESTING_SHAPES) assert.ok(!treeOf(shape).rootNode.hasError, `${shape.name}: the file parses`);
});

for (const rule of goRules) {
  test(`${rule.id}: linear work on code nested ${DEPTH} levels deep`, (t) => {
    let worst = 0;
    // The rule runs even when it is off by default.
    const config = { ...defaultConfig(), rules: { [rule.id]: rule.defaultSeverity } };
    for (const shape of NESTING_SHAPES) {
      const tree = treeOf(shape);
      const file = new GoFile('deep.go', tree.rootNode.text, tree, { timersCollected: false });
      const errors: unknown[] = [];
      const work = treeWork(() => {
        analyzeGoFile(file, [rule], config, (_rule, err) => {
          if (err instanceof WorkBudgetExceeded) throw err;
          errors.push(err);
        });
      }, budgetOf(rule.id));
      assert.deepEqual(errors, [], `${shape.name}: ${rule.id} threw`);
      worst = Math.max(worst, work / DEPTH);
    }
    t.diagnostic(`at most ${Math.round(worst)} units of tree work per level`);
  });
}
