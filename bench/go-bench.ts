/**
 * Go engine benchmark: LeakLens lint vs a parse-only pass over the same corpus (one process, one
 * core, the engine bundled as shipped: see engineTiming.ts), the CLI with worker threads, cold `go vet ./...`, and golangci-lint with the linters that
 * overlap LeakLens when its binary is available (scripts/build-golangci-lint.sh builds it).
 *
 *   npx tsx bench/go-bench.ts [--packages 50] [--files 20]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { EngineTiming } from './engineTiming';
import type { TreeReadTiming } from './treeReadTiming';
import { generateCorpus } from './goCorpus';

const ROOT = path.join(__dirname, '..');
// Outside the repository: the CLI rightly skips git-ignored files.
const CORPUS = path.join(os.tmpdir(), 'leaklens-bench', 'go');
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

function listGoFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.go')).map((f) => path.join(dir, f)).sort();
}

/** Bundles a timing program of bench/ (`engineTiming`) as esbuild.mjs bundles the CLI, beside the two .wasm files; returns its path. */
function bundleTiming(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-timing-'));
  const outfile = path.join(dir, `${name}.js`);
  esbuild.buildSync({
    entryPoints: [path.join(__dirname, `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter').replace(/\.js$/, '.cjs') },
  });
  for (const wasm of ['web-tree-sitter.wasm', 'tree-sitter-go.wasm']) fs.copyFileSync(path.join(ROOT, 'dist', wasm), path.join(dir, wasm));
  return outfile;
}

/** Wall time and the children's CPU time of a shell command (bash's `times`). */
function timed(cmd: string, env: NodeJS.ProcessEnv = process.env, cwd = ROOT): { wallMs: number; cpuMs: number; status: number | null; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `${cmd} >/dev/null 2>/tmp/leaklens-bench.err; s=$?; times; exit $s`], { env, cwd, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  const lines = r.stdout.trim().split('\n');
  const toMs = (s: string) => s.split(/\s+/).reduce((sum, t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t);
    return m ? sum + (Number(m[1]) * 60 + Number(m[2])) * 1000 : sum;
  }, 0);
  return { wallMs, cpuMs: toMs(lines[lines.length - 1] ?? ''), status: r.status, stderr: fs.readFileSync('/tmp/leaklens-bench.err', 'utf8') };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const stats = generateCorpus(CORPUS, arg('packages', 50), arg('files', 20), 17);
  console.log(`corpus: ${stats.files} files, ${stats.lines} lines, ${(stats.bytes / 1e6).toFixed(1)} MB in ${CORPUS}`);
  const files = listGoFiles(CORPUS);

  // The engine as shipped: bundled like the CLI, run by plain node.
  const timing = bundleTiming('engineTiming');
  const treeRead = bundleTiming('treeReadTiming');
  const run = (program: string, list: string[], args: string[]) => {
    const listFile = path.join(os.tmpdir(), 'leaklens-bench-files.json');
    fs.writeFileSync(listFile, JSON.stringify(list));
    const r = spawnSync('node', [program, listFile, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`${path.basename(program)} failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const measure = (list: string[], rounds = 5, stub?: string): EngineTiming => run(timing, list, [String(rounds), ...(stub ? [stub] : [])]);
  // The same lint with every rule's check stubbed out: what parsing the declarations rules read,
  // planning and per-file work cost before any rule runs, so the rules' own share of the ratio shows;
  // and what reading every node of the parsed trees once costs, which is what that share buys.
  const report = (t: EngineTiming, floor: EngineTiming, read: TreeReadTiming) => {
    const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    console.log(`  tree-sitter parse only   ${fmt(t.parse.wallMs)} wall, ${fmt(t.parse.cpuMs)} CPU`);
    console.log(`  LeakLens lint            ${fmt(t.lint.wallMs)} wall, ${fmt(t.lint.cpuMs)} CPU  (${t.findings} findings; parses only the declarations rules read)`);
    console.log(`  lint / parse ratio       ${x(t.lint.wallMs, t.parse.wallMs)} wall, ${x(t.lint.cpuMs, t.parse.cpuMs)} CPU   (budget <= 1.2x; rounds: ${t.ratios.map((r) => r.toFixed(2)).join(' ')})`);
    console.log(`    of which before rules  ${x(floor.lint.cpuMs, floor.parse.cpuMs)} CPU   (rule checks stubbed: parsing the declarations rules read, planning, per-file work; rounds: ${floor.ratios.map((r) => r.toFixed(2)).join(' ')})`);
    console.log(`  every node read once     ${x(read.cursorMs, read.parseMs)} CPU by tree cursor, ${x(read.nodeObjectsMs, read.parseMs)} by Node objects, of a whole-file parse (${read.nodes} nodes)`);
    console.log(`  lint + fixes (json)      ${fmt(t.lintFixes.wallMs)} wall, ${fmt(t.lintFixes.cpuMs)} CPU: ${x(t.lintFixes.cpuMs, t.parse.cpuMs)} CPU`);
    console.log(`  lint of whole-file trees ${fmt(t.lintFullTree.wallMs)} wall, ${fmt(t.lintFullTree.cpuMs)} CPU: ${x(t.lintFullTree.cpuMs, t.parse.cpuMs)} CPU   (the editor's cost for a file it opens)`);
  };

  // `leaklens lint` builds fixes only for --format json (which says whether each finding is
  // fixable); the editor builds them too. Both are measured.
  console.log(`\nin one process, one core (the median of 5 rounds; the four passes take turns every 50 files):`);
  report(measure(files), measure(files, 3, '.'), run(treeRead, files, ['3']));

  // The same comparison on real code: the Go standard library's network, database and OS packages.
  const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim();
  const realFiles = ['net', 'database/sql', 'os', 'context', 'time', 'sync']
    .flatMap((p) => listGoFiles(path.join(goroot, 'src', p)))
    .filter((f) => !f.includes(`${path.sep}testdata${path.sep}`));
  const realLines = realFiles.reduce((n, f) => n + fs.readFileSync(f, 'utf8').split('\n').length, 0);
  console.log(`\nreal code: ${realFiles.length} files, ${realLines} lines of GOROOT/src/{net,database/sql,os,context,time,sync}:`);
  report(measure(realFiles), measure(realFiles, 3, '.'), run(treeRead, realFiles, ['3']));

  const cli = path.join(ROOT, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const cli1 = timed(`node ${cli} lint --format json --fail-on never --jobs 1 ${CORPUS}`);
  const cliN = timed(`node ${cli} lint --format json --fail-on never --jobs ${os.availableParallelism()} ${CORPUS}`);
  console.log(`\nCLI, whole process (node start-up, walking, output included):`);
  console.log(`  leaklens lint --jobs 1   ${fmt(cli1.wallMs)} wall, ${fmt(cli1.cpuMs)} CPU`);
  console.log(`  leaklens lint --jobs ${os.availableParallelism()}   ${fmt(cliN.wallMs)} wall, ${fmt(cliN.cpuMs)} CPU (${(cliN.cpuMs / cliN.wallMs).toFixed(2)} cores busy)`);

  const goCache = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-gocache-'));
  const vet = timed('go vet ./...', { ...process.env, GOCACHE: goCache, GOFLAGS: '-mod=mod' }, CORPUS);
  fs.rmSync(goCache, { recursive: true, force: true });
  console.log(`\ncold go vet ./... (fresh GOCACHE): ${fmt(vet.wallMs)} wall, ${fmt(vet.cpuMs)} CPU, exit ${vet.status}`);
  if (vet.status !== 0) console.log(vet.stderr.slice(0, 2000));
  console.log(`  LeakLens CLI is ${(vet.wallMs / cliN.wallMs).toFixed(1)}x faster than cold go vet (target >= 5x)`);

  const golangci = path.join(process.env.LEAKLENS_CACHE ?? path.join(os.homedir(), '.cache', 'leaklens'), 'bin', 'golangci-lint');
  if (fs.existsSync(golangci)) {
    fs.writeFileSync(
      path.join(CORPUS, '.golangci.yml'),
      'version: "2"\nlinters:\n  default: none\n  enable: [bodyclose, noctx, contextcheck, containedctx, sqlclosecheck, spancheck, gosec, govet]\n',
    );
    const lintCache = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-golangci-'));
    const g = timed(`${golangci} run --issues-exit-code 0 ./...`, { ...process.env, GOCACHE: path.join(lintCache, 'go'), GOLANGCI_LINT_CACHE: path.join(lintCache, 'lint') }, CORPUS);
    fs.rmSync(lintCache, { recursive: true, force: true });
    console.log(`cold golangci-lint run (bodyclose noctx contextcheck containedctx sqlclosecheck spancheck gosec govet): ${fmt(g.wallMs)} wall, ${fmt(g.cpuMs)} CPU, exit ${g.status}`);
    if (g.status !== 0) console.log(g.stderr.slice(0, 2000));
    console.log(`  LeakLens CLI is ${(g.wallMs / cliN.wallMs).toFixed(1)}x faster than cold golangci-lint`);
  } else {
    console.log(`golangci-lint not built (${golangci}); run scripts/build-golangci-lint.sh to include it`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
