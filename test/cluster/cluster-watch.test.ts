// The watch supervisor against a real kube-apiserver, through a TCP proxy the test controls:
// a watch cut mid-stream resumes from its resourceVersion, a silent one is restarted, an
// unreachable server is retried with backoff and shown, and a resourceVersion compacted away in
// etcd (410 Gone) leads to a fresh list. Pods bypass the API server's watch cache here
// (--watch-cache-sizes=pods#0), so their watches read etcd, where compaction is real.
// Run: npx tsx --test test/cluster/cluster-watch.test.ts
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterExplorer, type ReflectorTuning } from '../../client/src/cluster/explorer';
import { loadKubeconfig } from '../../client/src/cluster/kubeconfig';
import type { ClusterNode, MessageNode } from '../../client/src/cluster/nodes';
import { viewOf } from '../../client/src/cluster/presentation';
import type { Reflector } from '../../client/src/cluster/reflector';
import { startControlPlane, type ControlPlane } from './controlplane';
import * as k from './objects';
import { TcpProxy } from './tcpProxy';

const NS = 'team-a';
let cp: ControlPlane;
let proxy: TcpProxy;
let kubeconfig: string;
const explorers: ClusterExplorer[] = [];

before(async () => {
  cp = await startControlPlane({ auditPolicy: 'none', extraApiServerArgs: ['--watch-cache-sizes=pods#0'] });
  proxy = await TcpProxy.start(cp.url);
  kubeconfig = k.writeKubeconfig(cp, cp.dir, 'proxied.kubeconfig', (kc) => {
    kc.clusters[0].cluster.server = proxy.url;
  });
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('first'));
  await k.patchPod(cp, NS, 'first', k.status.running());
});

after(async () => {
  for (const ex of explorers) ex.dispose();
  await proxy?.close();
  await cp?.stop();
});

async function watchTeamA(reflector: ReflectorTuning = {}) {
  const ex = new ClusterExplorer({
    loadKubeconfig: () => loadKubeconfig(kubeconfig, {}, cp.dir),
    namespaceSettings: () => ({ filter: [], pinned: [] }),
    reflector: { backoff: { initialMs: 200, maxMs: 1000 }, ...reflector },
  });
  explorers.push(ex);
  const admin = (await ex.roots())[0];
  const ns = (await ex.children(admin)).find((n) => n.type === 'namespace' && n.namespace === NS)!;
  await ex.children(ns);
  const pods: Reflector = ex.reflectors('admin', NS)[0];
  assert.equal(pods.stats.lists, 1);
  // Pods and workloads by name (a pod's label leads with its status), other rows by label.
  const labels = async () => (await ex.children(ns)).map((n) => (n.type === 'pod' ? n.name : viewOf(ex, n).label));
  const description = (name: string) => {
    const p = ex.pod({ context: 'admin', namespace: NS, name });
    return p && viewOf(ex, { type: 'pod', id: '', context: 'admin', namespace: NS, name }).description;
  };
  return { ex, ns, pods, labels, description };
}

test('a watch cut mid-stream resumes from its resourceVersion: nothing is missed, nothing relisted', async () => {
  const { ex, pods, labels, description } = await watchTeamA();
  await k.waitFor('the pods watch to be open', () => pods.stats.watches === 1 && proxy.openConnections > 0);
  assert.ok(proxy.cutAll() > 0);
  // Changes made while the watch is down come back with the resumed watch.
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('during-cut'));
  await k.patchPod(cp, NS, 'first', k.status.crashLoopAfterOOM(1));
  await k.waitFor('the pod created during the cut', async () => (await labels()).includes('during-cut'));
  await k.waitFor('the status patched during the cut', () => ex.pod({ context: 'admin', namespace: NS, name: 'first' })?.status === 'CrashLoopBackOff' && description('first')?.startsWith('last: OOMKilled'));
  assert.equal(pods.stats.lists, 1, 'resumed from the resourceVersion, not relisted');
  assert.equal(pods.stats.relists, 0);
  assert.ok(pods.stats.watches >= 2, `watches: ${pods.stats.watches}`);
  assert.equal(pods.state?.phase, 'live');
});

test('a watch that goes silent (no event, no bookmark) is restarted', async () => {
  const { pods, labels } = await watchTeamA({ silenceMs: 1500 });
  await k.waitFor('the pods watch to be open', () => pods.stats.watches >= 1 && proxy.openConnections > 0);
  const accepted = proxy.accepted;
  proxy.freezeAll();
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('while-frozen'));
  // The frozen connection never delivers it; only a restarted watch can.
  await k.waitFor('the pod created while the watch was frozen', async () => (await labels()).includes('while-frozen'), 10_000);
  assert.ok(pods.stats.silences >= 1, JSON.stringify(pods.stats));
  assert.ok(proxy.accepted > accepted, 'a new connection was made');
  assert.equal(pods.stats.lists, 1);
});

test('unreachable: retried with backoff and shown; then a resourceVersion compacted away (410) means a fresh list', async () => {
  const { ex, ns, pods, labels } = await watchTeamA();
  await k.waitFor('the pods watch to be open', () => pods.stats.watches >= 1 && proxy.openConnections > 0);
  await proxy.close();
  const problem = await k.waitFor('a problem node', async () => {
    const first = (await ex.children(ns))[0] as MessageNode;
    return first.type === 'message' && first.problem?.kind === 'unreachable' && first;
  });
  assert.match(problem.text, new RegExp(`Cannot reach ${proxy.url.replace(/[.]/g, '\\.')}`));
  assert.equal(problem.severity, 'warning');
  // What was known stays listed below the problem.
  assert.ok((await labels()).includes('first'));

  // While we cannot see: one pod goes, one comes, and etcd forgets the history in between.
  let r = await cp.request('admin', 'DELETE', `/api/v1/namespaces/${NS}/pods/during-cut`);
  assert.equal(r.status, 200, r.text);
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('after-compaction'));
  const range = await (await fetch(`${cp.etcdUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: Buffer.from('/').toString('base64') }) })).json();
  const compact = await fetch(`${cp.etcdUrl}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision: range.header.revision, physical: true }) });
  assert.equal(compact.status, 200, await compact.text());
  const retriesWhileDown = pods.stats.retries;
  await new Promise((res) => setTimeout(res, 1500));
  // Backoff: a handful of attempts in 1.5 s, not a busy loop.
  const attempts = pods.stats.retries - retriesWhileDown;
  assert.ok(attempts >= 1 && attempts <= 6, `attempts in 1.5 s: ${attempts}`);

  await proxy.listen();
  await k.waitFor('the relist after 410 Gone', () => pods.stats.relists >= 1 && pods.state?.phase === 'live', 15_000);
  await k.waitFor('the tree to match the server', async () => {
    const now = await labels();
    return now.includes('after-compaction') && !now.includes('during-cut') && !now.some((l) => l.startsWith('Cannot reach'));
  });
  assert.ok(pods.stats.lists >= 2);
  // Exactly the server's pods (listed worst first, so compared as a set).
  const server = (await cp.request('admin', 'GET', `/api/v1/namespaces/${NS}/pods`)).body.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort();
  assert.deepEqual((await ex.children(ns)).flatMap((n: ClusterNode) => (n.type === 'pod' ? [n.name] : [])).sort(), server);
});
