// Runs every test suite with node's test runner (TypeScript through tsx) and prints one closing
// "N passed, N failed" line. `node scripts/run-tests.mjs unit protocol` runs only those suites.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SUITES = ['unit', 'protocol', 'cluster', 'editor'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : SUITES;
for (const s of wanted) {
  if (!SUITES.includes(s)) {
    console.error(`unknown suite "${s}" (expected ${SUITES.join(', ')})`);
    process.exit(2);
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f))
    .sort();
}

function runSuite(name, files) {
  return new Promise((resolve) => {
    const args = ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${name === 'unit' ? 2 : 1}`, ...files];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      out += d;
    });
    child.on('close', (code) => {
      const count = (label) => Number(new RegExp(`^ℹ ${label} (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
      resolve({ code, passed: count('pass'), failed: count('fail'), skipped: count('skipped') });
    });
  });
}

if (wanted.length === SUITES.length) run('npx', ['tsc', '-p', '.', '--noEmit']);
run(process.execPath, ['esbuild.mjs']);

let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;
for (const suite of wanted) {
  const files = testFiles(path.join('test', suite));
  if (files.length === 0) continue;
  console.log(`\n=== ${suite}: ${files.length} test files`);
  const r = await runSuite(suite, files);
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
  if (r.code !== 0) exitCode = 1;
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode);
