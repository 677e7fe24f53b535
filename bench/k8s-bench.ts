/**
 * Kubernetes manifest benchmark: generates a varied corpus of manifests into bench/.corpus/k8s and
 * prints manifests/s for the LeakLens engine in-process, for the built CLI (dist/cli.js) when it
 * exists, and, side by side on the same files, for kube-linter and kube-score when
 * scripts/build-kube-linter.sh can build them from Go modules. Then the same on a real corpus: the
 * manifests under cluster/addons, test/e2e and test/fixtures of the k8s.io/kubernetes module that
 * scripts/build-controlplane.sh leaves in the Go module cache, LeakLens's CLI and kube-score each
 * run RUNS times on the files kube-score can read, with their CPU time (user + system) side by side
 * and, for reference, that of starting Node.js alone.
 *
 *   npx tsx bench/k8s-bench.ts [--files N] [--runs N] [--no-external] [--real-only]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Document, isMap, visit } from 'yaml';
import { defaultConfig } from '../server/src/engine/config';
import { analyzeManifests, type ManifestInput } from '../server/src/k8s/analyzer';

const ROOT = path.join(__dirname, '..');
const CORPUS = path.join(__dirname, '.corpus', 'k8s');
const GENERATOR_VERSION = 1;

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const FILES = option('--files', 6000);
const RUNS = option('--runs', 3);
const EXTERNAL = !args.includes('--no-external');
const REAL_ONLY = args.includes('--real-only');

// ---------------------------------------------------------------- corpus

let seed = 20240601;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const chance = (p: number) => random() < p;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

type Obj = Record<string, unknown>;

function container(name: string, longRunning: boolean): Obj {
  const c: Obj = { name, image: pick([`example.com/${name}:1.${Math.floor(random() * 20)}.0`, `example.com/${name}`, `example.com/${name}:latest`, `example.com/${name}@sha256:${'ab'.repeat(32)}`]) };
  if (longRunning || chance(0.3)) c.ports = [{ name: 'http', containerPort: 8080 + Math.floor(random() * 10) }];
  if (chance(0.8)) {
    c.resources = chance(0.7)
      ? { requests: { cpu: '100m', memory: `${pick([64, 128, 256])}Mi` }, limits: { memory: `${pick([128, 256, 512])}Mi` } }
      : { limits: { cpu: '500m' } };
  }
  if (longRunning && chance(0.75)) c.livenessProbe = { httpGet: { path: '/healthz', port: pick(['http', 'metrics', 8080]) } };
  if (longRunning && chance(0.75)) c.readinessProbe = { tcpSocket: { port: 'http' } };
  if (chance(0.7)) {
    c.securityContext = {
      runAsNonRoot: chance(0.8),
      readOnlyRootFilesystem: chance(0.7),
      allowPrivilegeEscalation: chance(0.2),
      ...(chance(0.6) ? { capabilities: { drop: [pick(['ALL', 'NET_RAW'])] } } : {}),
      ...(chance(0.05) ? { privileged: true } : {}),
    };
  }
  if (chance(0.4)) {
    c.env = [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: pick(['DB_PASSWORD', 'API_TOKEN', 'DB_HOST', 'CACHE_URL']), value: 'literal' },
      { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    ];
  }
  if (longRunning && chance(0.2)) c.lifecycle = { preStop: { exec: { command: ['sh', '-c', `sleep ${pick([5, 20, 40])}`] } } };
  return c;
}

function podSpec(name: string, longRunning: boolean): Obj {
  const spec: Obj = { containers: [container(name, longRunning)] };
  if (chance(0.3)) (spec.containers as Obj[]).push(container(`${name}-sidecar`, longRunning));
  if (chance(0.2)) spec.initContainers = [container(`${name}-init`, false)];
  if (chance(0.05)) spec.hostNetwork = true;
  if (chance(0.1)) spec.volumes = [{ name: 'data', hostPath: { path: '/var/lib/data' } }];
  if (chance(0.2)) spec.terminationGracePeriodSeconds = pick([10, 30, 60]);
  if (!longRunning) spec.restartPolicy = 'Never';
  return spec;
}

function workload(kind: string, name: string): Obj {
  const labels = { app: name, tier: pick(['web', 'api', 'worker']) };
  const template = { metadata: { labels }, spec: podSpec(name, !['Job', 'CronJob'].includes(kind)) };
  const meta = { name, namespace: pick(['default', 'shop', 'billing']), ...(chance(0.1) ? { annotations: { 'kube-score/ignore': 'pod-probes' } } : {}) };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: { ...meta, labels }, spec: template.spec };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { ...(chance(0.5) ? { ttlSecondsAfterFinished: 600 } : {}), template } };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata: meta,
        spec: { schedule: '*/5 * * * *', ...(chance(0.5) ? { concurrencyPolicy: 'Forbid' } : {}), jobTemplate: { spec: { template } } },
      };
    default: {
      const selector = { matchLabels: chance(0.95) ? { app: name } : { app: `${name}-x` } };
      const replicas = pick([undefined, 1, 3]);
      return { apiVersion: 'apps/v1', kind, metadata: meta, spec: { ...(replicas ? { replicas } : {}), selector, template } };
    }
  }
}

function service(name: string, namespace: string): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: chance(0.9) ? name : `${name}-old` }, ports: [{ port: 80, targetPort: 'http' }] } };
}

/** One file: its name and its objects. */
function manifest(i: number): { file: string; objects: Obj[] } {
  const name = `app-${i}`;
  const kind = pick(['Deployment', 'Deployment', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);
  const main = workload(kind, name);
  const objects = [main];
  if (kind === 'Deployment' && chance(0.5)) objects.push(service(name, (main.metadata as Obj).namespace as string));
  if (chance(0.1)) objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config` }, data: { 'app.yaml': 'mode: fast\n' } });
  if (chance(0.03)) objects.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec: { size: 3 } });
  return { file: `${String(i).padStart(5, '0')}-${kind.toLowerCase()}`, objects };
}

function render(objects: Obj[], json: boolean): string {
  if (json) return JSON.stringify(objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects }, null, 2) + '\n';
  const indent = pick([2, 2, 4]);
  const indentSeq = chance(0.6);
  return objects
    .map((o) => {
      const doc = new Document(o);
      // Some mappings in flow style, some comments: the shapes real manifests have.
      visit(doc, {
        Pair(_, pair) {
          if (isMap(pair.value) && chance(0.08)) pair.value.flow = true;
        },
      });
      doc.commentBefore = chance(0.5) ? ` ${o.kind as string} generated for the benchmark` : null;
      return doc.toString({ indent, indentSeq, lineWidth: 0 });
    })
    .join('---\n');
}

function ensureCorpus(): void {
  const stamp = path.join(CORPUS, '.stamp');
  const want = `v${GENERATOR_VERSION} files=${FILES}`;
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return;
  fs.rmSync(CORPUS, { recursive: true, force: true });
  fs.mkdirSync(CORPUS, { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const { file, objects } = manifest(i);
    const json = chance(0.08);
    fs.writeFileSync(path.join(CORPUS, `${file}.${json ? 'json' : 'yaml'}`), render(objects, json));
  }
  fs.writeFileSync(stamp, want);
}

// ---------------------------------------------------------------- runs

function corpusFiles(): string[] {
  return fs
    .readdirSync(CORPUS)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(CORPUS, f));
}

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;

interface Row {
  tool: string;
  /** Wall-clock and CPU (user + system) milliseconds. */
  ms: number;
  cpuMs?: number;
  note: string;
}

function timeEngine(files: string[]): Row[] {
  let findings = 0;
  const runs: { total: number; lint: number; cpu: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const inputs: ManifestInput[] = files.map((f) => ({ path: f, text: fs.readFileSync(f, 'utf8') }));
    const t1 = performance.now();
    const result = analyzeManifests(inputs, defaultConfig(), (rule, err) => console.error(`rule ${rule} failed: ${err}`));
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    findings = [...result.values()].reduce((n, fs) => n + fs.length, 0);
    runs.push({ total: t2 - t0, lint: t2 - t1, cpu: (cpu.user + cpu.system) / 1000 });
  }
  const best = runs.reduce((a, b) => (b.cpu < a.cpu ? b : a));
  const med = [...runs].sort((a, b) => a.total - b.total)[Math.floor(runs.length / 2)];
  return [
    { tool: 'LeakLens engine (in-process, read + lint), median', ms: med.total, cpuMs: med.cpu, note: `of ${RUNS} runs, ${findings} findings` },
    { tool: 'LeakLens engine (in-process, read + lint), best', ms: best.total, cpuMs: best.cpu, note: `lint only ${Math.round(best.lint)} ms wall` },
  ];
}

function countObjects(text: string): number {
  // Documents of the generated corpus; a JSON List counts its items.
  if (text.startsWith('{')) {
    const o = JSON.parse(text) as Obj;
    return Array.isArray(o.items) ? o.items.length : 1;
  }
  return text.split('\n---\n').length;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a command once; wall time, and CPU time of the process tree when GNU time is installed. */
function timeCommand(tool: string, cmd: string, cmdArgs: string[], okCodes: number[]): Row | string {
  const timing = path.join(os.tmpdir(), `leaklens-bench-time-${process.pid}`);
  const timed = fs.existsSync(GNU_TIME);
  const t0 = performance.now();
  const r = timed
    ? spawnSync(GNU_TIME, ['-o', timing, '-f', '%U %S', cmd, ...cmdArgs], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(cmd, cmdArgs, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  let cpuMs: number | undefined;
  if (timed && fs.existsSync(timing)) {
    const [user, sys] = fs.readFileSync(timing, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    cpuMs = (user + sys) * 1000;
    fs.rmSync(timing);
  }
  if (r.error) return `${tool}: ${r.error.message}`;
  if (!okCodes.includes(r.status ?? -1)) return `${tool}: exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`;
  return { tool, ms, cpuMs, note: `exit ${r.status}, ${(r.stdout.length / 1e6).toFixed(1)} MB of output${describeOutput(r.stdout)}` };
}

/** For LeakLens's JSON report: how many findings, so a run that linted nothing shows. */
function describeOutput(stdout: string): string {
  try {
    const report = JSON.parse(stdout) as { findings?: unknown[]; stats?: { files?: number } };
    return report.findings ? `, ${report.findings.length} findings in ${report.stats?.files ?? '?'} files` : '';
  } catch {
    return '';
  }
}

/** Builds (or finds cached) a comparison linter; undefined with the reason printed when it cannot. */
function buildTool(tool: string): string | undefined {
  const t0 = performance.now();
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'build-kube-linter.sh'), tool], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.log(`  ${tool}: not available (scripts/build-kube-linter.sh ${tool} exit ${r.status} after ${secs}s: ${r.stderr.trim().split('\n').pop()})`);
    return undefined;
  }
  console.log(`  ${tool}: ${r.stdout.trim().split('\n').pop()} (ready in ${secs}s)`);
  return r.stdout.trim().split('\n').pop();
}

// ---------------------------------------------------------------- the real corpus

const K8S_MODULE = 'k8s.io/kubernetes@v1.36.3';
const REAL_DIRS = ['cluster/addons', 'test/e2e', 'test/fixtures'];
/** CRD bundles in the same module cache (the Gateway API's install bundle): what no rule reads, at size. */
const CRD_BUNDLES = ['k8s.io/apiextensions-apiserver@v0.36.3/test/integration/ratcheting_test_cases/crds/standard-install.yaml'];

function manifestsUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .sort();
}

/** Median of the CPU milliseconds of `runs` runs of one command, with the last run's row. */
function timeRuns(tool: string, cmd: string, cmdArgs: string[], okCodes: number[]): Row | string {
  const rows: Row[] = [];
  for (let i = 0; i < RUNS; i++) {
    const row = timeCommand(tool, cmd, cmdArgs, okCodes);
    if (typeof row === 'string') return row;
    rows.push(row);
  }
  const byCpu = [...rows].sort((a, b) => (a.cpuMs ?? a.ms) - (b.cpuMs ?? b.ms));
  const median = byCpu[Math.floor(byCpu.length / 2)];
  const spread = rows.map((r) => Math.round(r.cpuMs ?? r.ms)).join('/');
  return { ...median, tool: `${tool}, median of ${RUNS}`, note: `${median.note}; cpu ms of each run ${spread}` };
}

function realCorpus(): void {
  const gomodcache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout?.trim();
  const module = gomodcache && path.join(gomodcache, K8S_MODULE);
  if (!gomodcache || !module || !fs.existsSync(module)) {
    console.log(`\nreal corpus: ${K8S_MODULE} is not in the Go module cache (run scripts/build-controlplane.sh)`);
    return;
  }
  const kubeScore = buildTool('kube-score');
  const all = REAL_DIRS.flatMap((d) => manifestsUnder(path.join(module, d)));
  sideBySide(`${REAL_DIRS.join(', ')} of ${K8S_MODULE}`, all, kubeScore);
  const bundles = CRD_BUNDLES.map((b) => path.join(gomodcache, b)).filter((f) => fs.existsSync(f));
  if (bundles.length) sideBySide('CRD bundles', bundles, kubeScore);
}

/** LeakLens's CLI and kube-score, RUNS times each, on the files of `all` that kube-score can read. */
function sideBySide(what: string, all: string[], kubeScore: string | undefined): void {
  const reads = (f: string) => {
    const r = spawnSync(kubeScore!, ['score', f], { encoding: 'utf8' });
    // Exit 1 is also "critical findings": a file it cannot read says "Failed to score files".
    return (r.status === 0 || r.status === 1) && !/Failed to score/.test(r.stderr);
  };
  // kube-score stops at the first file it cannot parse: both tools get the files it reads.
  const readable = kubeScore ? all.filter(reads) : all;
  const bytes = readable.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(`\n${what}: ${readable.length} of ${all.length} manifest files (${(bytes / 1e6).toFixed(2)} MB; kube-score cannot parse the others)`);
  const rows: Row[] = [];
  const failures: string[] = [];
  const add = (row: Row | string) => (typeof row === 'string' ? failures.push(row) : rows.push(row));
  const cli = path.join(ROOT, 'dist', 'cli.js');
  if (fs.existsSync(cli)) add(timeRuns('LeakLens CLI (lint --format json)', process.execPath, [cli, 'lint', '--format', 'json', '--fail-on', 'never', ...readable], [0]));
  else failures.push('LeakLens CLI: dist/cli.js not built (npm run build)');
  if (kubeScore) add(timeRuns('kube-score score --output-format json', kubeScore, ['score', '--output-format', 'json', ...readable], [0, 1]));
  else failures.push('kube-score: not available');
  // The floor under any Node.js CLI on this machine: starting Node itself.
  add(timeRuns('node -e 0 (starting Node.js: the floor)', process.execPath, ['-e', '0'], [0]));
  console.log(`${'tool'.padEnd(56)} ${'wall ms'.padStart(8)} ${'cpu ms'.padStart(8)}  note`);
  for (const r of rows) console.log(`${r.tool.padEnd(56)} ${String(Math.round(r.ms)).padStart(8)} ${(r.cpuMs === undefined ? '-' : String(Math.round(r.cpuMs))).padStart(8)}  ${r.note}`);
  for (const f of failures) console.log(`(skipped) ${f}`);
  const [ours, theirs] = rows;
  if (ours?.cpuMs !== undefined && theirs?.cpuMs !== undefined && theirs.tool.startsWith('kube-score')) {
    console.log(`CPU: LeakLens / kube-score = ${(ours.cpuMs / theirs.cpuMs).toFixed(2)}`);
  }
}

function main(): void {
  if (REAL_ONLY) {
    realCorpus();
    return;
  }
  const g0 = performance.now();
  ensureCorpus();
  const files = corpusFiles();
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(`corpus: ${files.length} manifest files, ${(bytes / 1e6).toFixed(1)} MB in ${path.relative(ROOT, CORPUS)} (ready in ${Math.round(performance.now() - g0)} ms)`);

  const objects = files.reduce((n, f) => n + countObjects(fs.readFileSync(f, 'utf8')), 0);
  console.log(`objects: ${objects}; load average before the runs: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  const rows = timeEngine(files);
  const failures: string[] = [];
  const add = (row: Row | string) => (typeof row === 'string' ? failures.push(row) : rows.push(row));

  // The CLI skips git-ignored files (bench/.corpus is), so it and the other tools read a copy outside the repository.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-k8s-bench-'));
  try {
    fs.cpSync(CORPUS, copy, { recursive: true });
    const copied = files.map((f) => path.join(copy, path.basename(f)));
    const cli = path.join(ROOT, 'dist', 'cli.js');
    if (fs.existsSync(cli)) {
      add(timeCommand('LeakLens CLI (node dist/cli.js lint --format json)', process.execPath, [cli, 'lint', '--format', 'json', '--fail-on', 'never', copy], [0]));
    } else failures.push('LeakLens CLI: dist/cli.js not built (npm run build)');
    if (EXTERNAL) {
      console.log('comparison linters:');
      const kubeLinter = buildTool('kube-linter');
      if (kubeLinter) add(timeCommand('kube-linter lint --format json', kubeLinter, ['lint', '--format', 'json', copy], [0, 1]));
      const kubeScore = buildTool('kube-score');
      if (kubeScore) add(timeCommand('kube-score score --output-format json', kubeScore, ['score', '--output-format', 'json', ...copied], [0, 1]));
    }
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }

  console.log('');
  console.log(`${'tool'.padEnd(56)} ${'wall ms'.padStart(8)} ${'cpu ms'.padStart(8)} ${'manifests/s'.padStart(12)} ${'per cpu-s'.padStart(10)} ${'objects/s'.padStart(10)}  note`);
  for (const r of rows) {
    const cpu = r.cpuMs === undefined ? '-' : String(Math.round(r.cpuMs));
    const perCpu = r.cpuMs === undefined ? '-' : rate(files.length, r.cpuMs);
    console.log(
      `${r.tool.padEnd(56)} ${String(Math.round(r.ms)).padStart(8)} ${cpu.padStart(8)} ${rate(files.length, r.ms).padStart(12)} ${perCpu.padStart(10)} ${rate(objects, r.ms).padStart(10)}  ${r.note}`,
    );
  }
  for (const f of failures) console.log(`(skipped) ${f}`);
  if (EXTERNAL) realCorpus();
  console.log(`load average after the runs: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine slows every row alike)`);
}

main();
