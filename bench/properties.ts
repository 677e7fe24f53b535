/**
 * The property tests of issue 19 in their long mode: the same seeded properties as `npm test`,
 * with `--scale` times the cases (edit sequences, mutants) and of GOROOT files for fix safety.
 * A failure prints its seed; rerun that case alone with LEAKLENS_PROPERTY_SEED=<seed>.
 *
 *   npx tsx bench/properties.ts [--scale=20]
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const scale = Number(process.argv.find((a) => a.startsWith('--scale='))?.split('=')[1] ?? 20);
const root = path.join(__dirname, '..');
const files = ['test/protocol/incremental-vs-fresh.test.ts', 'test/protocol/mutation.test.ts', 'test/unit/fix-safety-real-code.test.ts'];

const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const t0 = Date.now();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LEAKLENS_PROPERTY_SCALE: String(scale), LEAKLENS_FIX_SAFETY_FILES: String(1000 * scale) },
});
console.log(`\nproperties at scale ${scale}: ${r.status === 0 ? 'held' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.exit(r.status ?? 1);
