/**
 * Parsing and grouping a large goroutine profile: 100,000 goroutines in the debug=2 text format,
 * real-shaped — the blocks are taken from a real dump of the fixture service
 * (test/fixtures/runtime/leaky, built and run here, made to leak), then repeated with fresh
 * goroutine ids, waits of 0–89 minutes and some stacks moved to other lines so the groups spread.
 * Measures LeakLens's streaming reader (the path of a file; a pod's differs only in its chunks),
 * bundled as shipped, in a fresh process per run — wall and CPU time of parse+group, and the
 * process's peak RSS — beside panicparse's `pp`
 * (github.com/maruel/panicparse, the usual tool for grouping such dumps; built from the Go module
 * proxy into ~/.cache/leaklens) on the same file. Targets: under 1 s and 200 MB. On a shared
 * machine wall time follows the load; CPU time is the steadier figure.
 *
 *   npx tsx bench/goroutines-bench.ts [GOROUTINES] [RUNS]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readProfileFromFile } from '../server/src/goroutines/sources';
import { startControlPlane, type ControlPlane } from '../test/cluster/controlplane';
import { buildLeaky, startLeaky } from '../test/helpers/leakyProgram';

const PANICPARSE = 'github.com/maruel/panicparse/v2/cmd/pp@v2.5.0';

interface Run {
  ms: number;
  cpuMs: number;
  peakMB: number;
  goroutines?: number;
  groups?: number;
}

/** One measured read, in a fresh process running the bundled code (as the CLI and the extension do). */
async function child(file: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const p = await readProfileFromFile(file, { maxBytes: Number.MAX_SAFE_INTEGER });
  const cpu = process.cpuUsage(c0);
  const run: Omit<Run, 'peakMB'> = { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, goroutines: p.total, groups: p.groups.length };
  process.stdout.write(JSON.stringify(run));
}

/** Runs argv under /usr/bin/time for the whole process's peak RSS; stdout is returned. */
function timed(argv: string[], input?: Buffer): { stdout: string; peakMB: number; ms: number; cpuMs: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', ...argv], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const [user, sys, kb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { stdout: r.stdout, peakMB: kb / 1024, ms: performance.now() - t0, cpuMs: (user + sys) * 1000 };
}

const blocksOf = (text: string) => text.split('\n\n').filter((b) => b.startsWith('goroutine '));

/** A real dump of the fixture after it leaked, split into goroutine blocks. */
async function fixtureBlocks(): Promise<string[]> {
  const app = await startLeaky(buildLeaky());
  try {
    await app.leak(300);
    await app.subscribe(100);
    await app.hold(50);
    // Some idle keep-alive connections: deep net/http stacks, as a busy server has.
    await Promise.all(Array.from({ length: 20 }, () => fetch(`${app.app}/hold?n=0`)));
    return blocksOf((await app.profile('goroutine', 2)).toString('utf8'));
  } finally {
    await app.stop();
  }
}

/** A large real service's dump: the test control plane's kube-apiserver (deeper stacks, about 2,000 goroutines). */
async function apiserverBlocks(): Promise<string[] | undefined> {
  let cp: ControlPlane | undefined;
  try {
    cp = await startControlPlane({ auditPolicy: 'none', extraApiServerArgs: ['--profiling=true'] });
    return blocksOf((await cp.request('admin', 'GET', '/debug/pprof/goroutine?debug=2')).text);
  } catch (e) {
    process.stderr.write(`no kube-apiserver dump (${(e as Error).message.split('\n')[0]}): measuring the fixture's shape only\n`);
    return undefined;
  } finally {
    await cp?.stop();
  }
}

function scale(blocks: string[], n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let b = blocks[i % blocks.length].replace(/^goroutine \d+ \[([^\]]*?)\]:/, (_, status: string) => `goroutine ${i + 1} [${status}${i % 3 === 0 ? `, ${i % 90} minutes` : ''}]:`);
    // One goroutine in 50 runs the same code from another line: a few hundred more groups.
    if (i % 50 === 0) b = b.replace(/\.go:(\d+)/, (_, l: string) => `.go:${Number(l) + ((i / 50) % 400)}`);
    out.push(b);
  }
  return `${out.join('\n\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function buildPanicparse(): string | undefined {
  const dir = path.join(process.env.LEAKLENS_CACHE ?? path.join(os.homedir(), '.cache', 'leaklens'), 'panicparse-v2.5.0');
  const bin = path.join(dir, 'pp');
  if (fs.existsSync(bin)) return bin;
  const r = spawnSync('go', ['install', PANICPARSE], { env: { ...process.env, GOBIN: dir, GOFLAGS: '-mod=mod' }, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`panicparse could not be built (${r.stderr.trim().split('\n').pop()}); measuring LeakLens only\n`);
    return undefined;
  }
  return bin;
}

async function measure(label: string, blocks: string[], n: number, runs: number, pp: string | undefined): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-gbench-'));
  const file = path.join(dir, 'goroutines.txt');
  fs.writeFileSync(file, scale(blocks, n));
  if (process.env.LEAKLENS_KEEP_PROFILE) fs.copyFileSync(file, `${process.env.LEAKLENS_KEEP_PROFILE}.${label}`);
  const mb = fs.statSync(file).size / 1024 / 1024;
  console.log(`\n${label}: ${n.toLocaleString('en-US')} goroutines, ${mb.toFixed(1)} MB of debug=2 text, scaled from ${blocks.length} goroutines of a real dump${mb > 64 ? ' (over the default 64 MB limit: measured without it)' : ''}`);
  try {
    const bundle = path.join(dir, 'bench.js');
    // Loaded here only: the bundle's child runs from a temporary directory, without node_modules.
    const esbuild = await import('esbuild');
    await esbuild.build({ entryPoints: [__filename], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['esbuild'], logLevel: 'warning' });
    const ours: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const r = timed([process.execPath, bundle, '--child', file]);
      ours.push({ ...JSON.parse(r.stdout), peakMB: r.peakMB });
    }
    const theirs: Run[] = [];
    for (let i = 0; pp && i < runs; i++) theirs.push(timed([pp, '-parse=false', '-rebase=false', '-no-color'], fs.readFileSync(file)));
    const row = (name: string, rs: Run[], extra = '') =>
      console.log(
        `${name.padEnd(22)} wall ${median(rs.map((r) => r.ms)).toFixed(0).padStart(5)} ms (min ${Math.min(...rs.map((r) => r.ms)).toFixed(0)})  cpu ${median(rs.map((r) => r.cpuMs)).toFixed(0).padStart(5)} ms  peak RSS ${median(rs.map((r) => r.peakMB)).toFixed(0).padStart(4)} MB${extra}`,
      );
    console.log(`median of ${runs} runs, each in a fresh process; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
    row('LeakLens parse+group', ours, `  → ${ours[0].goroutines!.toLocaleString('en-US')} goroutines in ${ours[0].groups} groups (whole-process peak)`);
    if (theirs.length) {
      row('panicparse pp v2.5.0', theirs, '  (whole process: parse, group, print)');
      // Measured in the same minutes, the ratio holds better than either time on a loaded machine.
      console.log(`LeakLens / pp CPU: ${(median(ours.map((r) => r.cpuMs)) / median(theirs.map((r) => r.cpuMs))).toFixed(2)}`);
    }
    return median(ours.map((r) => r.cpuMs)) < 1000 && median(ours.map((r) => r.peakMB)) < 200;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]);
  const n = Number(process.argv[2] ?? 100_000);
  const runs = Number(process.argv[3] ?? 5);
  const pp = buildPanicparse();
  const shapes: [string, string[] | undefined][] = [
    ['fixture-shaped', await fixtureBlocks()],
    ['kube-apiserver-shaped', await apiserverBlocks()],
  ];
  const met: boolean[] = [];
  for (const [label, blocks] of shapes) if (blocks) met.push(await measure(label, blocks, n, runs, pp));
  console.log(`\ntargets (parse+group < 1000 ms of CPU, peak < 200 MB): ${met.every(Boolean) ? 'met' : 'NOT met'} (${met.map((m) => (m ? 'met' : 'not met')).join(', ')})`);
}

void main();
