/**
 * Work (node visits, test/helpers/treeWork.ts) and CPU time of each Go rule on files nested deeper
 * and deeper (test/helpers/deepGo.ts): a rule whose work grows faster than the depth shows a ratio
 * well above 2 between a depth and its double. test/unit/go-deep-nesting.test.ts holds rules to a
 * budget of the same work at 5,000 levels. The last row of each shape is the CPU time of linting the
 * file with every rule as the CLI does (parse plan, package index and text scans included), which
 * tree work does not count.
 *   npx tsx bench/nesting-bench.ts [depth …]     (default 1000 2000 4000)
 */
import { defaultConfig } from '../server/src/engine/config';
import { analyzeGoSource, initEngine } from '../server/src/lint/analyze';
import { goRules } from '../server/src/go/rules';
import { cpuTimeMs } from '../server/src/lsp/engine/cpuClock';
import { deepGo, NESTING_SHAPES } from '../test/helpers/deepGo';
import { treeWork, WorkBudgetExceeded } from '../test/helpers/treeWork';

const depths = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (depths.length === 0) depths.push(1000, 2000, 4000);
/** Work beyond this per level stops a run (it is super-linear anyway). */
const CAP_PER_LEVEL = 2000;

async function main(): Promise<void> {
  await initEngine();
  const config = defaultConfig();
  console.log(`rule x shape: tree work (CPU ms) at depths ${depths.join(', ')}; "cap" = over ${CAP_PER_LEVEL} per level`);
  for (const shape of NESTING_SHAPES) {
    console.log(`\n== ${shape.name}`);
    for (const rule of goRules) {
      const cells: string[] = [];
      for (const depth of depths) {
        const text = deepGo(shape, depth);
        const errors: string[] = [];
        const cpu = cpuTimeMs();
        let work: number | string;
        try {
          work = treeWork(
            () => void analyzeGoSource('deep.go', text, { timersCollected: false }, [rule], { ...config, rules: { [rule.id]: rule.defaultSeverity } }, (_r, e) => {
              if (e instanceof WorkBudgetExceeded) throw e;
              errors.push(String((e as Error)?.message ?? e).slice(0, 60));
            }, { wholeFile: true }),
            CAP_PER_LEVEL * depth,
          );
        } catch (err) {
          if (!(err instanceof WorkBudgetExceeded)) throw err;
          work = 'cap';
        }
        cells.push(`${work}${errors.length ? ` THREW ${errors[0]}` : ''} (${Math.round(cpuTimeMs() - cpu)})`);
      }
      console.log(`${rule.id.padEnd(34)} ${cells.join('  ')}`);
    }
    const whole = depths.map((depth) => {
      const text = deepGo(shape, depth);
      const cpu = cpuTimeMs();
      analyzeGoSource('deep.go', text, { timersCollected: false }, goRules, config, () => {});
      return `(${Math.round(cpuTimeMs() - cpu)})`;
    });
    console.log(`${'every rule, as linted'.padEnd(34)} ${whole.join('  ')}`);
  }
}

void main();
