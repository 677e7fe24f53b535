/**
 * Cluster view benchmark against a real kube-apiserver + etcd (test/cluster/controlplane.ts):
 *   - time to first full render of a namespace with 5,000 pods (expand → list → children → tree items)
 *   - p95 from a pod status patch to the tree's change event, isolated and under a stream of patches
 *   - memory of a process running the model with 20,000 pods watched across 20 namespaces
 *     (a separate Node process running the esbuild bundle, as the extension host would)
 *
 *   npx tsx bench/cluster-bench.ts [--big=5000] [--namespaces=20] [--per-namespace=1000] [--patches=200]
 *
 * Targets (issues 5 and 19): render ≤ 2 s, patch→tree p95 ≤ 300 ms, ≤ 150 MB RSS for 20,000 watched
 * pods, steady and at the peak of their first listing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ClusterExplorer } from '../client/src/cluster/explorer';
import { loadKubeconfig } from '../client/src/cluster/kubeconfig';
import type { ClusterNode } from '../client/src/cluster/nodes';
import { viewOf } from '../client/src/cluster/presentation';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const BIG = arg('big', 5000);
const NAMESPACES = arg('namespaces', 20);
const PER_NAMESPACE = arg('per-namespace', 1000);
const PATCHES = arg('patches', 200);
const BIG_NS = 'bench-big';
const smallNs = (i: number) => `bench-${String(i).padStart(2, '0')}`;

function settings() {
  return { filter: [], pinned: [] };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

/** Children of a namespace plus the tree item data of each: what VS Code asks for on expand. */
async function render(ex: ClusterExplorer, ns: ClusterNode): Promise<number> {
  const kids = await ex.children(ns);
  for (const k of kids) viewOf(ex, k);
  return kids.length;
}

// ---------------------------------------------------------------------------------------------
// Worker mode: a fresh process holding only the model, for the memory figure.

async function worker(kubeconfig: string, namespaces: string[]): Promise<void> {
  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const usage = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed };
  };
  const ex = new ClusterExplorer({ loadKubeconfig: () => loadKubeconfig(kubeconfig, {}, os.tmpdir()), namespaceSettings: settings });
  const admin = (await ex.roots())[0];
  const all = await ex.children(admin);
  const baseline = usage();
  // The high-water marks of the first listing, garbage not yet collected included: what the
  // extension host (shared with every other extension) feels.
  const peak = { rss: 0, heapUsed: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  }, 10);
  const t0 = performance.now();
  const targets = all.filter((n) => n.type === 'namespace' && namespaces.includes(n.namespace));
  await Promise.all(targets.map((n) => render(ex, n)));
  const syncMs = performance.now() - t0;
  clearInterval(sampler);
  let pods = 0;
  for (const n of namespaces) pods += ex.store('admin', n)?.pods.size ?? 0;
  const synced = usage();
  // Steady state: the watches running for a while (bookmarks, idle sockets), after a collection.
  await new Promise((r) => setTimeout(r, 15_000));
  const steady = usage();
  const watched = ex.watchedNamespaces().length;
  ex.dispose();
  process.stdout.write(`${JSON.stringify({ pods, watched, syncMs, baseline, peak, synced, steady })}\n`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { startControlPlane } = await import('../test/cluster/controlplane');
  const t0 = Date.now();
  const cp = await startControlPlane({
    auditPolicy: 'none',
    extraApiServerArgs: ['--max-requests-inflight=2000', '--max-mutating-requests-inflight=1000'],
  });
  console.log(`control plane up in ${ms(cp.startupMs)} (${cp.url})`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-cluster-bench-'));
  try {
    // --- objects: bounded concurrency over keep-alive connections
    const agent = new https.Agent({ keepAlive: true, maxSockets: 48, ca: cp.caData, cert: fs.readFileSync(cp.admin.certPath), key: fs.readFileSync(cp.admin.keyPath) });
    const post = (apiPath: string, body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const payload = JSON.stringify(body);
        const req = https.request(new URL(apiPath, cp.url), { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(payload);
      });
    const patch = (apiPath: string, body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const payload = JSON.stringify(body);
        const req = https.request(new URL(apiPath, cp.url), { method: 'PATCH', agent, headers: { 'Content-Type': 'application/merge-patch+json', 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(payload);
      });
    const podBody = (ns: string, name: string, app: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels: { app, 'app.kubernetes.io/name': app, tier: 'backend', 'pod-template-hash': '5d8c7b9f4' }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' } },
      spec: {
        nodeName: `node-${name.length % 7}`,
        containers: [{
          name: 'app',
          image: `registry.example/${app}:1.4.2`,
          ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'metrics' }],
          env: [{ name: 'OTEL_SERVICE_NAME', value: app }, { name: 'LOG_LEVEL', value: 'info' }, { name: 'GOMAXPROCS', value: '2' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
          livenessProbe: { httpGet: { path: '/live', port: 8080 }, periodSeconds: 10 },
        }],
      },
    });
    const runBounded = async (jobs: (() => Promise<void>)[], concurrency: number) => {
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < jobs.length) await jobs[next++]();
      }));
    };
    const createPods = async (ns: string, count: number) => {
      const jobs = Array.from({ length: count }, (_, i) => async () => {
        const status = await post(`/api/v1/namespaces/${ns}/pods`, podBody(ns, `pod-${String(i).padStart(5, '0')}`, `svc-${i % 50}`));
        if (status !== 201) throw new Error(`create pod in ${ns}: HTTP ${status}`);
      });
      await runBounded(jobs, 48);
    };
    const namespaces = [BIG_NS, ...Array.from({ length: NAMESPACES }, (_, i) => smallNs(i))];
    for (const ns of namespaces) {
      const s = await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      if (s !== 201) throw new Error(`create namespace ${ns}: HTTP ${s}`);
    }
    let t = Date.now();
    await createPods(BIG_NS, BIG);
    console.log(`created ${BIG} pods in ${BIG_NS} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    for (let i = 0; i < NAMESPACES; i++) await createPods(smallNs(i), PER_NAMESPACE);
    console.log(`created ${NAMESPACES * PER_NAMESPACE} pods across ${NAMESPACES} namespaces in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    // --- 1. first full render of the 5,000-pod namespace
    const ex = new ClusterExplorer({ loadKubeconfig: () => loadKubeconfig(cp.adminKubeconfig, {}, scratch), namespaceSettings: settings });
    const admin = (await ex.roots())[0];
    const big = (await ex.children(admin)).find((n) => n.type === 'namespace' && n.namespace === BIG_NS)!;
    const renders: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r0 = performance.now();
      const count = await render(ex, big);
      renders.push(performance.now() - r0);
      if (count !== BIG) throw new Error(`rendered ${count} children, expected ${BIG}`);
      if (i < 4) ex.collapse(big);
    }
    console.log(`render of ${BIG} pods after expand (list + children + items), 5 expands: ${renders.map(ms).join(', ')}`);

    // --- 2. status patch → tree change event
    const changed = new Map<string, (at: number) => void>();
    ex.onDidChange((nodes) => {
      const at = performance.now();
      // A pod whose health changes moves in the namespace's order: the namespace is refreshed
      // instead of the pod, and that redraws the pod too.
      const all = !nodes || nodes.some((n) => n.id === big.id);
      for (const [id, f] of changed) if (all || nodes.some((n) => n.id === id)) f(at);
    });
    const statusOf = (i: number) => ({
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: i % 2 ? 'True' : 'False' }],
        containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: i % 2 === 1, restartCount: i, state: i % 2 ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
      },
    });
    const measure = async (i: number): Promise<number> => {
      const name = `pod-${String((i * 7919) % BIG).padStart(5, '0')}`;
      const node = await ex.children(big).then((kids) => kids.find((k) => k.type === 'pod' && k.name === name)!);
      const seen = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no tree change within 10 s of patching ${name}`)), 10_000);
        changed.set(node.id, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
      const p0 = performance.now();
      const s = await patch(`/api/v1/namespaces/${BIG_NS}/pods/${name}/status`, statusOf(i));
      if (s !== 200) throw new Error(`patch: HTTP ${s}`);
      const at = await seen;
      changed.delete(node.id);
      return at - p0;
    };
    const isolated: number[] = [];
    for (let i = 0; i < PATCHES; i++) {
      isolated.push(await measure(i + 1));
      await new Promise((r) => setTimeout(r, 300));
    }
    // Under load: a steady 20 other patches a second in the same namespace while measuring.
    let loading = true;
    const background = (async () => {
      for (let j = 0; loading; j++) {
        await patch(`/api/v1/namespaces/${BIG_NS}/pods/pod-${String((j * 104729 + 13) % BIG).padStart(5, '0')}/status`, statusOf(j));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const loaded: number[] = [];
    for (let i = 0; i < PATCHES; i++) {
      loaded.push(await measure(PATCHES + i + 1));
      await new Promise((r) => setTimeout(r, 100));
    }
    loading = false;
    await background;
    ex.dispose();
    const line = (label: string, v: number[]) => `${label}: p50 ${ms(percentile(v, 50))}, p95 ${ms(percentile(v, 95))}, max ${ms(Math.max(...v))} (${v.length} patches)`;
    console.log(line('patch → tree, isolated', isolated));
    console.log(line('patch → tree, with 20 other patches/s', loaded));

    // --- 3. memory with 20,000 watched pods, in a process of its own running the bundled model
    const bundle = path.join(scratch, 'cluster-bench.js');
    const esbuild = await import('esbuild');
    await esbuild.build({ entryPoints: [__filename], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'warning', external: ['esbuild'] });
    const small = Array.from({ length: NAMESPACES }, (_, i) => smallNs(i));
    const w = spawnSync(process.execPath, [bundle, '--worker', cp.adminKubeconfig, small.join(',')], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (w.status !== 0) throw new Error(`memory worker failed (${w.status}): ${w.stderr}`);
    const m = JSON.parse(w.stdout.trim().split('\n').pop()!);
    console.log(`memory worker: ${m.pods} pods in ${m.watched} watched namespaces, listed and rendered in ${ms(m.syncMs)}`);
    console.log(`  before expanding:            RSS ${mb(m.baseline.rss)}, heap ${mb(m.baseline.heapUsed)}`);
    console.log(`  first listing, peak:         RSS ${mb(m.peak.rss)}, heap ${mb(m.peak.heapUsed)} (uncollected garbage included, sampled every 10 ms)`);
    console.log(`  synced, after a GC:          RSS ${mb(m.synced.rss)}, heap ${mb(m.synced.heapUsed)}`);
    console.log(`  watching 15 s later, GC'd:   RSS ${mb(m.steady.rss)}, heap ${mb(m.steady.heapUsed)}`);
    console.log(`  the model's share:           heap +${mb(m.steady.heapUsed - m.baseline.heapUsed)} (${((m.steady.heapUsed - m.baseline.heapUsed) / m.pods).toFixed(0)} bytes per pod)`);

    console.log('\nsummary');
    console.log(`  render ${BIG} pods:           ${ms(percentile(renders, 50))} median, ${ms(Math.max(...renders))} worst   (target ≤ 2000 ms)`);
    console.log(`  patch→tree p95:           ${ms(percentile(isolated, 95))} isolated, ${ms(percentile(loaded, 95))} under load   (target ≤ 300 ms)`);
    console.log(`  first listing, ${m.pods} pods: peak RSS ${mb(m.peak.rss)}, peak heap ${mb(m.peak.heapUsed)}   (target ≤ 150 MB RSS)`);
    console.log(`  ${m.pods} watched pods:      RSS ${mb(m.steady.rss)}, heap ${mb(m.steady.heapUsed)} steady   (target ≤ 150 MB; 123 MB on 2026-12-06)`);
    console.log(`  total bench time:         ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    agent.destroy();
  } finally {
    await cp.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--worker') {
  worker(process.argv[3], process.argv[4].split(',')).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
