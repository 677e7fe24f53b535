/**
 * Times the Go engine against a parse-only pass over the same files, in one process on one core.
 * go-bench.ts bundles this file the way esbuild.mjs bundles the CLI and runs the bundle, so the
 * code measured is the code shipped (tsx's on-the-fly transform wraps every function and costs
 * several percent).
 *
 * Each round takes the files in chunks of 50 and makes four passes over each chunk: parse only,
 * lint (which parses only the declarations rules read), lint with fixes, and lint on a tree of the
 * whole file (what the editor pays for a document it opens), in an order that rotates from chunk to
 * chunk. Chunks, not single
 * files: interleaving a parse-only step with lint steps per file makes the parse pay for the caches
 * the analysis evicted and flatters lint by about 10%; over 50 files only the first parse does.
 * And not whole passes: a shared machine's slow stretches last seconds and would hit one pass and
 * not another. The round with the median lint/parse ratio is reported.
 *
 * STUB, a pattern of rule ids, replaces those rules' checks with ones that do nothing: the plan (which
 * declarations are parsed) does not change, so `.` measures what lint costs before any rule runs.
 *
 *   node engineTiming.js FILE_LIST_JSON ROUNDS [STUB]  ->  prints one JSON object
 */
import * as fs from 'node:fs';
import { analyzeGoText, initEngine } from '../server/src/lint/analyze';
import { defaultConfig } from '../server/src/engine/config';
import { GoModLocator } from '../server/src/go/gomod';
import { PackageLocator } from '../server/src/go/packageIndex';
import { parseGo } from '../server/src/go/parser';
import { goRules } from '../server/src/go/rules';

interface Time {
  wallMs: number;
  cpuMs: number;
}

export interface EngineTiming {
  files: number;
  /** The round whose lint/parse ratio is the median of the measured rounds. */
  parse: Time;
  lint: Time;
  lintFixes: Time;
  /** Lint of a tree of the whole file, as for a document open in the editor. */
  lintFullTree: Time;
  findings: number;
  /** lint/parse CPU ratio of every measured round. */
  ratios: number[];
}

const zero = (): Time => ({ wallMs: 0, cpuMs: 0 });
const CHUNK = 50;

async function main() {
  const files: string[] = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const rounds = Number(process.argv[3] ?? 5);
  if (process.argv[4]) {
    const stub = new RegExp(process.argv[4]);
    for (const rule of goRules) if (stub.test(rule.id)) rule.check = () => {};
  }
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  await initEngine();
  const config = defaultConfig();
  const goMods = new GoModLocator();
  let findings = 0;
  let current = 0;
  // Each lint pass reads the packages' other files from disk as the CLI does, once per round.
  let packages = [0, 1, 2].map(() => new PackageLocator());
  const steps = [
    () => {
      parseGo(texts[current]).delete();
      return 0;
    },
    () => analyzeGoText(files[current], texts[current], config, goMods, failOnRuleError, { fixes: false, packages: packages[0] }).length,
    () => analyzeGoText(files[current], texts[current], config, goMods, failOnRuleError, { fixes: true, packages: packages[1] }).length,
    () => analyzeGoText(files[current], texts[current], config, goMods, failOnRuleError, { fixes: false, wholeFile: true, packages: packages[2] }).length,
  ];
  const measured: { times: Time[]; findings: number }[] = [];
  // Round 0 warms the JIT and the WASM code paths up and is not counted.
  for (let round = 0; round <= rounds; round++) {
    const times = steps.map(zero);
    packages = [0, 1, 2].map(() => new PackageLocator());
    findings = 0;
    for (let chunk = 0; chunk * CHUNK < texts.length; chunk++) {
      for (let k = 0; k < steps.length; k++) {
        const step = (round + chunk + k) % steps.length;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (current = chunk * CHUNK; current < Math.min(texts.length, (chunk + 1) * CHUNK); current++) {
          const n = steps[step]();
          if (step === 1) findings += n;
        }
        times[step].wallMs += performance.now() - t0;
        const c = process.cpuUsage(c0);
        times[step].cpuMs += (c.user + c.system) / 1000;
      }
    }
    if (round > 0) measured.push({ times, findings });
  }
  const ratio = (m: { times: Time[] }) => m.times[1].cpuMs / m.times[0].cpuMs;
  const ranked = [...measured].sort((a, b) => ratio(a) - ratio(b));
  const median = ranked[ranked.length >> 1];
  const result: EngineTiming = {
    files: files.length,
    parse: median.times[0],
    lint: median.times[1],
    lintFixes: median.times[2],
    lintFullTree: median.times[3],
    findings: median.findings,
    ratios: measured.map(ratio),
  };
  console.log(JSON.stringify(result));
}

function failOnRuleError(rule: string, err: unknown): never {
  throw new Error(`${rule}: ${err}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
