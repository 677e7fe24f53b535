/**
 * The real Go code every machine has after `.ci/run` (GOROOT's src and the modules the test control
 * plane build leaves in the module cache) and the judged list of findings on it
 * (test/real-code/judged.tsv). Shared by bench/real-code.ts and test/unit/real-code-judged.test.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The modules linted, by module@version: what scripts/build-controlplane.sh selects for
 * kube-apiserver v1.36.3 and etcd v3.6.8 (Kubernetes, etcd, gRPC, OpenTelemetry, x/net, Prometheus).
 * Fixed, so that figures from two machines or two commits compare.
 */
export const MODULES: readonly string[] = [
  'k8s.io/kubernetes@v1.36.3',
  'k8s.io/apiserver@v0.36.3',
  'k8s.io/client-go@v0.36.3',
  'k8s.io/apimachinery@v0.36.3',
  'k8s.io/apiextensions-apiserver@v0.36.3',
  'k8s.io/kube-aggregator@v0.36.3',
  'k8s.io/component-base@v0.36.3',
  'go.etcd.io/etcd/server/v3@v3.6.8',
  'go.etcd.io/etcd/client/v3@v3.6.8',
  'go.etcd.io/etcd/pkg/v3@v3.6.8',
  'go.etcd.io/etcd/api/v3@v3.6.8',
  'go.etcd.io/raft/v3@v3.6.0',
  'go.etcd.io/bbolt@v1.4.3',
  'google.golang.org/grpc@v1.79.3',
  'go.opentelemetry.io/otel@v1.41.0',
  'go.opentelemetry.io/otel/sdk@v1.40.0',
  'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp@v0.65.0',
  'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc@v0.65.0',
  'golang.org/x/net@v0.49.0',
  'github.com/prometheus/client_golang@v1.23.2',
  'github.com/grpc-ecosystem/grpc-gateway/v2@v2.27.7',
  'github.com/soheilhy/cmux@v0.1.5',
  'github.com/gorilla/websocket@v1.5.4-0.20250319132907-e064f32e3674',
];

/** A tree of real code: `where` names it (`GOROOT@go1.26.8`, `k8s.io/apiserver@v0.36.3`), `dir` holds it. */
export interface CorpusRoot {
  where: string;
  dir: string;
}

export interface Corpus {
  present: CorpusRoot[];
  /** Roots named in MODULES (or the GOROOT) that this machine lacks. */
  absent: string[];
}

/** The module cache spells capitals as `!` + lower case (github.com/!n!y!times). */
function escapeModulePath(modulePath: string): string {
  return modulePath.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** GOROOT's src and the MODULES found in the module cache, as `go env` reports them. */
export function locateCorpus(): Corpus {
  const r = spawnSync('go', ['env', '-json', 'GOROOT', 'GOMODCACHE', 'GOVERSION'], { encoding: 'utf8' });
  if (r.status !== 0 || r.error) return { present: [], absent: ['GOROOT (no go on PATH)', ...MODULES] };
  const env: { GOROOT: string; GOMODCACHE: string; GOVERSION: string } = JSON.parse(r.stdout);
  const candidates: CorpusRoot[] = [
    { where: `GOROOT@${env.GOVERSION}`, dir: path.join(env.GOROOT, 'src') },
    ...MODULES.map((m) => ({ where: m, dir: path.join(env.GOMODCACHE, escapeModulePath(m)) })),
  ];
  const present = candidates.filter((c) => fs.existsSync(c.dir));
  return { present, absent: candidates.filter((c) => !present.includes(c)).map((c) => c.where) };
}

/** Which root holds an absolute file path, and the path inside it (forward slashes). */
export function placeOf(file: string, roots: readonly CorpusRoot[]): { where: string; path: string } | undefined {
  // The longest matching root wins: go.opentelemetry.io/otel@… does not hold otel/sdk@….
  let best: CorpusRoot | undefined;
  for (const r of roots) {
    if (file.startsWith(r.dir + path.sep) && (!best || r.dir.length > best.dir.length)) best = r;
  }
  return best && { where: best.where, path: path.relative(best.dir, file).split(path.sep).join('/') };
}

export const isTestPath = (p: string): boolean => p.endsWith('_test.go');

export type Verdict = 'right' | 'wrong';

/** One judged finding. `reason` states facts about the code, in our words. */
export interface JudgedEntry {
  where: string;
  path: string;
  line: number;
  rule: string;
  verdict: Verdict;
  reason: string;
}

export const JUDGED_FILE = path.join(__dirname, '..', 'real-code', 'judged.tsv');
export const JUDGED_COLUMNS = ['where', 'path', 'line', 'rule', 'verdict', 'reason'] as const;

/** Reads the judged list; a malformed row throws, naming its line. */
export function readJudged(file = JUDGED_FILE): JudgedEntry[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[0] !== JUDGED_COLUMNS.join('\t')) throw new Error(`${file}:1: header must be ${JUDGED_COLUMNS.join('<TAB>')}`);
  const entries: JudgedEntry[] = [];
  lines.slice(1).forEach((text, i) => {
    if (text.trim() === '') return;
    const cells = text.split('\t');
    const [where, p, line, rule, verdict, reason] = cells;
    const at = `${file}:${i + 2}`;
    if (cells.length !== JUDGED_COLUMNS.length) throw new Error(`${at}: ${cells.length} columns, expected ${JUDGED_COLUMNS.length}`);
    if (!/^\d+$/.test(line)) throw new Error(`${at}: line "${line}" is not a number`);
    if (verdict !== 'right' && verdict !== 'wrong') throw new Error(`${at}: verdict "${verdict}" is not right or wrong`);
    if (!reason.trim()) throw new Error(`${at}: no reason`);
    entries.push({ where, path: p, line: Number(line), rule, verdict, reason });
  });
  return entries;
}

/** The key a finding and a judged entry share. */
export const findingKey = (f: { where: string; path: string; line: number; rule: string }): string =>
  `${f.where}/${f.path}:${f.line} ${f.rule}`;
