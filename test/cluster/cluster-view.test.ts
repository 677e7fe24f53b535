// The cluster view's model against a real kube-apiserver + etcd (test/cluster/controlplane.ts):
// the tree, pod status as kubectl shows it, live updates, RBAC, every kind of failure, the
// read-only inspections, and, from the API server's audit log, that only get/list/watch were used.
// Run: npx tsx --test test/cluster/cluster-view.test.ts
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { CredentialError, KubeApi, USER_AGENT } from '../../client/src/cluster/api';
import { problemFromError } from '../../client/src/cluster/problems';
import { ClusterExplorer } from '../../client/src/cluster/explorer';
import { describeObject, eventsOf, streamLogs } from '../../client/src/cluster/inspect';
import { loadKubeconfig } from '../../client/src/cluster/kubeconfig';
import { createLinter } from '../../client/src/cluster/liveLint';
import type { NamespaceSettings } from '../../client/src/cluster/namespaces';
import type { ClusterNode, MessageNode } from '../../client/src/cluster/nodes';
import { tooltipOf, viewOf } from '../../client/src/cluster/presentation';
import { startControlPlane, type ControlPlane } from './controlplane';
import * as k from './objects';

let cp: ControlPlane;
let scratch: string;
const NS = 'team-a';
const explorers: ClusterExplorer[] = [];

function explorer(kubeconfig: string, settings: NamespaceSettings = { filter: [], pinned: [] }): ClusterExplorer {
  const ex = new ClusterExplorer({
    loadKubeconfig: () => loadKubeconfig(kubeconfig, {}, scratch),
    namespaceSettings: () => settings,
    linter: createLinter(),
    reflector: { backoff: { initialMs: 200, maxMs: 1000 } },
  });
  explorers.push(ex);
  return ex;
}

/** A row's name: a pod's label leads with its status, so pods go by their name. */
const nameOf = (ex: ClusterExplorer, n: ClusterNode) => (n.type === 'pod' ? n.name : viewOf(ex, n).label);

async function child(ex: ClusterExplorer, parent: ClusterNode | undefined, name: string): Promise<ClusterNode> {
  const kids = await ex.children(parent);
  const hit = kids.find((n) => nameOf(ex, n) === name);
  assert.ok(hit, `no "${name}" under ${parent?.id ?? 'the root'}; have ${kids.map((n) => nameOf(ex, n)).join(', ')}`);
  return hit;
}

async function labels(ex: ClusterExplorer, parent: ClusterNode): Promise<string[]> {
  return (await ex.children(parent)).map((n) => nameOf(ex, n));
}

const describeOf = (ex: ClusterExplorer, n: ClusterNode) => viewOf(ex, n).description ?? '';
/** The row as the tree shows it: label, then description. */
const rowOf = (ex: ClusterExplorer, n: ClusterNode) => `${viewOf(ex, n).label}  ${describeOf(ex, n)}`;

before(async () => {
  cp = await startControlPlane({ auditPolicy: 'all' });
  scratch = fs.mkdtempSync(path.join(cp.dir, 'scratch-'));
  const api = (p: string) => `/apis/${p}/namespaces/${NS}`;
  const web = await k.create(cp, `${api('apps/v1')}/deployments`, k.deployment('web'));
  const rs = await k.create(cp, `${api('apps/v1')}/replicasets`, k.replicaSet('web-5d8', k.ownerOf(web), 'web'));
  for (const name of ['web-5d8-a', 'web-5d8-b']) await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod(name, { owner: k.ownerOf(rs) }));
  const db = await k.create(cp, `${api('apps/v1')}/statefulsets`, k.statefulSet('db'));
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('db-0', { owner: k.ownerOf(db) }));
  const agent = await k.create(cp, `${api('apps/v1')}/daemonsets`, k.daemonSet('agent'));
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('agent-x7k', { owner: k.ownerOf(agent), nodeName: 'node-1' }));
  const nightly = await k.create(cp, `${api('batch/v1')}/cronjobs`, k.cronJob('nightly'));
  const run = await k.create(cp, `${api('batch/v1')}/jobs`, k.job('nightly-29000', k.ownerOf(nightly)));
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('nightly-29000-q2', { owner: k.ownerOf(run) }));
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('debug', { containers: ['app', 'sidecar'] }));
  // A Secret the extension must never read.
  await k.create(cp, `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-key' }, stringData: { token: 'hunter2' } });

  await k.patchStatus(cp, `${api('apps/v1')}/deployments/web`, { replicas: 2, readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 });
  await k.patchPod(cp, NS, 'web-5d8-a', k.status.running());
  await k.patchPod(cp, NS, 'web-5d8-b', k.status.crashLoopAfterOOM(3));
  await k.patchPod(cp, NS, 'db-0', k.status.imagePullBackOff());
  await k.patchPod(cp, NS, 'nightly-29000-q2', k.status.completed());
  await k.patchPod(cp, NS, 'debug', k.status.running());

  // team-b: the viewer may read nothing; team-c: only pods.
  await k.createNamespace(cp, 'team-b');
  await k.create(cp, '/api/v1/namespaces/team-b/pods', k.pod('hidden'));
  await k.createNamespace(cp, 'team-c');
  await k.create(cp, '/api/v1/namespaces/team-c/pods', k.pod('worker'));
  await k.create(cp, '/apis/rbac.authorization.k8s.io/v1/namespaces/team-c/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pods-only' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  });
  await k.create(cp, '/apis/rbac.authorization.k8s.io/v1/namespaces/team-c/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'pods-only' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pods-only' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }],
  });
});

after(async () => {
  for (const ex of explorers) ex.dispose();
  await cp?.stop();
});

describe('the tree', () => {
  test('contexts → namespaces → workloads → pods, with kubectl status, ready, restarts and what kubectl hides', async () => {
    const ex = explorer(cp.kubeconfigPath);
    assert.deepEqual((await ex.roots()).map((n) => viewOf(ex, n).label), ['admin', 'viewer']);
    const admin = await child(ex, undefined, 'admin');
    assert.match(describeOf(ex, admin), /^current · 127\.0\.0\.1:\d+$/);
    // The context sets no namespace: "default" first, then the rest alphabetically.
    assert.deepEqual(await labels(ex, admin), ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'team-a', 'team-b', 'team-c']);

    const ns = await child(ex, admin, NS);
    assert.deepEqual(await labels(ex, ns), ['web', 'db', 'agent', 'nightly', 'debug']);
    const web = await child(ex, ns, 'web');
    assert.match(describeOf(ex, web), /^1 failing · 1\/2 · Deployment · \d+ lint findings?$/);
    assert.equal(viewOf(ex, web).icon.color, 'list.errorForeground');
    assert.equal(viewOf(ex, web).contextValue, 'leaklens.workload.deployment');

    // Worst first; the status leads each row.
    const [b, a] = await ex.children(web);
    assert.deepEqual([rowOf(ex, b), viewOf(ex, b).icon.id], ['CrashLoopBackOff · web-5d8-b  last: OOMKilled · 0/1 · 3 restarts', 'error']);
    assert.deepEqual([rowOf(ex, a), viewOf(ex, a).icon.id], ['Running · web-5d8-a  1/1', 'pass-filled']);
    assert.equal(viewOf(ex, b).contextValue, 'leaklens.pod.restarted');
    const tip = tooltipOf(ex, b);
    assert.match(tip, /\| Restarts \| 3 \(\d+s ago\) \|/);
    assert.match(tip, /\| Last termination \| OOMKilled \(exit 137\) in app, \d+s ago \|/);
    assert.match(tip, /\| Age \| \d+s \|/);

    const db0 = await child(ex, await child(ex, ns, 'db'), 'db-0');
    assert.deepEqual([rowOf(ex, db0), viewOf(ex, db0).icon.id], ['ImagePullBackOff · db-0  0/1', 'error']);
    assert.match(tooltipOf(ex, db0), /Back-off pulling image/);
    // The CronJob's Job is folded into it: its pods are the CronJob's.
    const nightly = await child(ex, ns, 'nightly');
    assert.equal(describeOf(ex, nightly).split(' · ').slice(0, 2).join(' · '), '0 active · CronJob');
    const done = await child(ex, nightly, 'nightly-29000-q2');
    assert.deepEqual([rowOf(ex, done), viewOf(ex, done).icon.id], ['Completed · nightly-29000-q2  0/1', 'check']);
    const agentPod = await child(ex, await child(ex, ns, 'agent'), 'agent-x7k');
    assert.deepEqual([rowOf(ex, agentPod), viewOf(ex, agentPod).icon.id], ['Pending · agent-x7k  0/1', 'clock']);
    const debug = await child(ex, ns, 'debug');
    assert.equal(ex.parent(debug), ns);
  });

  test('live lint: the count on the workload and the findings in its tooltip', async () => {
    const ex = explorer(cp.kubeconfigPath);
    const ns = await child(ex, await child(ex, undefined, 'admin'), NS);
    const web = await child(ex, ns, 'web');
    const findings = ex.store('admin', NS)!.lint.get('Deployment/web')!;
    // The template uses an image with the :latest tag and sets no probes or limits.
    assert.ok(findings.some((f) => f.rule === 'k8s/image-latest'), JSON.stringify(findings));
    assert.match(describeOf(ex, web), new RegExp(`${findings.length} lint finding`));
    const tip = tooltipOf(ex, web);
    assert.match(tip, new RegExp(`Live lint: ${findings.length} finding`));
    assert.match(tip, /`k8s\/image-latest`/);
    assert.match(tip, /\| Trace service \| web \(workload name\) \|/);
  });

  test('status patches, new and deleted pods reach the tree live, as the narrowest changed nodes', async () => {
    const ex = explorer(cp.kubeconfigPath);
    const ns = await child(ex, await child(ex, undefined, 'admin'), NS);
    const web = await child(ex, ns, 'web');
    const a = await child(ex, web, 'web-5d8-a');
    const batches: (ClusterNode[] | undefined)[] = [];
    ex.onDidChange((b) => batches.push(b));

    await k.patchPod(cp, NS, 'web-5d8-a', k.status.crashLoopAfterOOM(1));
    await k.waitFor('web-5d8-a to crash-loop in the tree', () => rowOf(ex, a).startsWith('CrashLoopBackOff · web-5d8-a  last: OOMKilled'));
    await k.waitFor('the Deployment to count 2 failing pods', () => describeOf(ex, web).includes('2 failing'));
    // The pod's health changed, so its Deployment's failing count did too: the Deployment is refreshed
    // (which redraws its pods); nothing wider.
    const seen = () => batches.flatMap((b) => b ?? [{ id: '<everything>' } as ClusterNode]).map((n) => n.id);
    // The view model changes at once; the change event follows within the coalescing interval.
    await k.waitFor('the change event for the workload', () => seen().includes(web.id));
    assert.ok(!seen().includes(ns.id) && !seen().includes('<everything>'), `nothing wider than the workload is refreshed: ${seen()}`);
    // A change that leaves the pod's health alone refreshes the pod only.
    batches.length = 0;
    await k.patchPod(cp, NS, 'web-5d8-a', k.status.crashLoopAfterOOM(2));
    await k.waitFor('the restart count', () => describeOf(ex, a).endsWith('2 restarts'));
    await k.waitFor('the batch', () => batches.length > 0);
    assert.deepEqual(batches.flatMap((b) => (b ?? []).map((n) => n.id)), [a.id]);

    const rs = (await cp.request('admin', 'GET', `/apis/apps/v1/namespaces/${NS}/replicasets/web-5d8`)).body;
    await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('web-5d8-c', { owner: k.ownerOf(rs), nodeName: 'node-1' }));
    await k.waitFor('the new pod under its Deployment', async () => (await labels(ex, web)).includes('web-5d8-c'));
    const c = await child(ex, web, 'web-5d8-c');
    assert.equal(rowOf(ex, c), 'Pending · web-5d8-c  0/1');

    // Bound to a node, the pod stays Terminating until kubelet confirms (none here) or a force delete.
    let r = await cp.request('admin', 'DELETE', `/api/v1/namespaces/${NS}/pods/web-5d8-c`);
    assert.equal(r.status, 200, r.text);
    await k.waitFor('Terminating', () => rowOf(ex, c).startsWith('Terminating') && viewOf(ex, c).icon.id === 'trash');
    r = await cp.request('admin', 'DELETE', `/api/v1/namespaces/${NS}/pods/web-5d8-c`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
    assert.equal(r.status, 200, r.text);
    await k.waitFor('the deleted pod to leave the tree', async () => !(await labels(ex, web)).includes('web-5d8-c'));
    await k.patchPod(cp, NS, 'web-5d8-a', k.status.running());
    await k.waitFor('web-5d8-a back to Running', () => rowOf(ex, a) === 'Running · web-5d8-a  1/1');
  });

  test('"Problems only": unhealthy or linted workloads and unhealthy pods, following the cluster live', async () => {
    await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('solo'));
    await k.patchPod(cp, NS, 'solo', k.status.running());
    const ex = explorer(cp.kubeconfigPath);
    const ns = await child(ex, await child(ex, undefined, 'admin'), NS);
    const everything = await labels(ex, ns);
    const batches: (ClusterNode[] | undefined)[] = [];
    ex.onDidChange((b) => batches.push(b));
    ex.setProblemsOnly(true);
    await k.waitFor('the namespace redrawn', () => batches.some((b) => b?.some((n) => n.id === ns.id)));
    const shown = await labels(ex, ns);
    // Every workload here has live lint findings (no probes or limits), so they stay; of the
    // standalone pods, only the unhealthy ones.
    for (const w of ['web', 'db', 'agent', 'nightly']) assert.ok(shown.includes(w), `${w} in ${shown}`);
    const standalone = (await ex.children(ns)).filter((n) => n.type === 'pod').map((n) => ex.pod(n as never)!);
    assert.ok(standalone.every((p) => p.health !== 'ready' && p.health !== 'succeeded'), standalone.map((p) => `${p.name}:${p.health}`).join(', '));
    assert.ok(!shown.includes('solo') && everything.includes('solo'), 'the running standalone pod is hidden');
    assert.ok(shown.includes('debug'), 'the standalone pod with a container not ready is listed');
    const web = await child(ex, ns, 'web');
    assert.deepEqual((await ex.children(web)).map((n) => nameOf(ex, n)).filter((n) => n.startsWith('web-5d8-')), (await ex.children(web)).filter((n) => ex.pod(n as never)?.health !== 'ready').map((n) => nameOf(ex, n)));

    // The running pod breaks: it appears without a refresh; healthy again, it goes.
    await k.patchPod(cp, NS, 'solo', k.status.crashLoopAfterOOM(1));
    await k.waitFor('solo listed once it fails', async () => (await labels(ex, ns)).includes('solo'));
    await k.patchPod(cp, NS, 'solo', k.status.running());
    await k.waitFor('solo hidden once it runs again', async () => !(await labels(ex, ns)).includes('solo'));
    ex.setProblemsOnly(false);
    assert.deepEqual(await labels(ex, ns), everything);
    assert.equal((await cp.request('admin', 'DELETE', `/api/v1/namespaces/${NS}/pods/solo`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 })).status, 200);
  });

  test("a Pending pod says why: the scheduler's reason in the row, its message in the tooltip", async () => {
    await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('big-batch'));
    await k.patchPod(cp, NS, 'big-batch', k.status.unschedulable());
    const ex = explorer(cp.kubeconfigPath);
    const ns = await child(ex, await child(ex, undefined, 'admin'), NS);
    const pod = await k.waitFor('the pod with its condition', async () => {
      const n = (await ex.children(ns)).find((x) => x.type === 'pod' && x.name === 'big-batch');
      return n && ex.pod(n as never)?.unscheduled && n;
    });
    assert.equal(rowOf(ex, pod), 'Pending · big-batch  0/1 · Unschedulable: 0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    assert.match(tooltipOf(ex, pod), /\| Not scheduled \| Unschedulable: 0\/3 nodes are available: 3 Insufficient cpu\./);
    assert.equal((await cp.request('admin', 'DELETE', `/api/v1/namespaces/${NS}/pods/big-batch`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 })).status, 200);
  });

  test('collapsing a namespace or hiding the view closes its watches on the server; expanding reopens them', async () => {
    const ex = explorer(cp.kubeconfigPath);
    const before = await k.serverWatches(cp, 'pods', 'namespace');
    const ns = await child(ex, await child(ex, undefined, 'admin'), 'team-c');
    await ex.children(ns);
    assert.deepEqual(ex.watchedNamespaces(), ['admin/team-c']);
    await k.waitFor('the pods watch on the server', async () => (await k.serverWatches(cp, 'pods', 'namespace')) === before + 1);
    assert.equal(await k.serverWatches(cp, 'deployments', 'namespace') >= 1, true);

    ex.collapse(ns);
    assert.deepEqual(ex.watchedNamespaces(), []);
    await k.waitFor('the watch to close on the server', async () => (await k.serverWatches(cp, 'pods', 'namespace')) === before);

    await ex.children(ns);
    await k.waitFor('the watch again', async () => (await k.serverWatches(cp, 'pods', 'namespace')) === before + 1);
    ex.setVisible(false);
    await k.waitFor('hidden: no watch', async () => (await k.serverWatches(cp, 'pods', 'namespace')) === before);
    ex.setVisible(true);
    await k.waitFor('shown: watching again', async () => (await k.serverWatches(cp, 'pods', 'namespace')) === before + 1);
  });

  test('switching context and namespace happens in memory; the kubeconfig is never written', async () => {
    const hash = () => crypto.createHash('sha256').update(fs.readFileSync(cp.kubeconfigPath)).digest('hex');
    const before = { hash: hash(), mtime: fs.statSync(cp.kubeconfigPath).mtimeMs };
    const ex = explorer(cp.kubeconfigPath);
    await ex.roots();
    ex.useContext('viewer');
    assert.deepEqual((await ex.roots()).map((n) => viewOf(ex, n).label), ['viewer', 'admin']);
    const admin = await child(ex, undefined, 'admin');
    ex.useNamespace('admin', 'team-c');
    assert.equal((await labels(ex, admin))[0], 'team-c');
    assert.deepEqual({ hash: hash(), mtime: fs.statSync(cp.kubeconfigPath).mtimeMs }, before);
  });
});

describe('RBAC', () => {
  test('the viewer: its namespace, a forbidden namespace and forbidden kinds each get a clear node', async () => {
    const ex = explorer(cp.limitedKubeconfig, { filter: [], pinned: ['team-b', 'team-c'] });
    const viewer = await child(ex, undefined, 'viewer');
    const kids = await ex.children(viewer);
    const info = kids[0] as MessageNode;
    assert.equal(info.type, 'message');
    assert.match(info.text, /Cannot list namespaces/);
    assert.deepEqual(kids.slice(1).map((n) => viewOf(ex, n).label), ['team-a', 'team-b', 'team-c']);

    // Its own namespace works fully.
    const teamA = await child(ex, viewer, NS);
    assert.deepEqual(await labels(ex, teamA), ['web', 'db', 'agent', 'nightly', 'debug']);

    const teamB = await ex.children(await child(ex, viewer, 'team-b'));
    assert.equal(teamB.length, 1);
    const denied = teamB[0] as MessageNode;
    assert.deepEqual([denied.type, denied.severity, denied.text], ['message', 'error', 'Forbidden: "viewer" may not read namespace team-b']);
    assert.match(denied.problem!.action, /get, list and watch/);
    assert.match(denied.problem!.detail!, /forbidden/);

    const teamC = await ex.children(await child(ex, viewer, 'team-c'));
    const partial = teamC[0] as MessageNode;
    assert.equal(partial.severity, 'warning');
    assert.equal(partial.text, 'Forbidden: "viewer" may not list deployments, statefulsets, daemonsets, jobs, cronjobs, replicasets in team-c');
    assert.deepEqual(teamC.slice(1).map((n) => nameOf(ex, n)), ['worker']);
  });
});

describe('failures', () => {
  let closedPort: number;
  let kubeconfig: string;
  before(async () => {
    closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const expiredJwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'dev', exp: Math.floor(Date.now() / 1000) - 3600 })).toString('base64url')}.c2ln`;
    const execCredential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: cp.viewer.token } });
    kubeconfig = k.writeKubeconfig(cp, scratch, 'many.kubeconfig', (kc) => {
      const good = kc.clusters[0];
      kc.clusters.push(
        { name: 'dead', cluster: { server: `https://127.0.0.1:${closedPort}`, 'certificate-authority-data': good.cluster['certificate-authority-data'] } },
        { name: 'untrusted', cluster: { server: good.cluster.server } },
        { name: 'misnamed', cluster: { ...good.cluster, 'tls-server-name': 'api.wrong.example' } },
      );
      kc.users.push(
        { name: 'bad-token', user: { token: 'not-a-valid-token' } },
        { name: 'expired', user: { token: expiredJwt } },
        { name: 'broken-plugin', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'sh', args: ['-c', 'echo "error: the SSO session expired, run: cloud login" >&2; exit 1'], interactiveMode: 'Never' } } },
        { name: 'plugin', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'sh', args: ['-c', `echo '${execCredential}'`], interactiveMode: 'Never' } } },
      );
      const ctx = (name: string, cluster: string, user: string, namespace?: string) => ({ name, context: { cluster, user, namespace } });
      kc.contexts = [
        ctx('admin', good.name, 'admin'),
        ctx('dead', 'dead', 'admin'),
        ctx('untrusted', 'untrusted', 'admin'),
        ctx('misnamed', 'misnamed', 'admin'),
        ctx('bad-token', good.name, 'bad-token'),
        ctx('expired', good.name, 'expired'),
        ctx('broken-plugin', good.name, 'broken-plugin'),
        ctx('plugin', good.name, 'plugin', NS),
      ];
    });
  });

  test('each broken context says why and what to do; the working ones keep working', async () => {
    const ex = explorer(kubeconfig);
    const problemOf = async (context: string) => {
      const kids = await ex.children(await child(ex, undefined, context));
      const m = kids[0] as MessageNode;
      assert.equal(m.type, 'message', `${context}: ${kids.map((n) => n.id)}`);
      return { kind: m.problem?.kind, text: m.text, severity: m.severity, action: m.problem?.action ?? '' };
    };
    const results = Object.fromEntries(
      await Promise.all(['dead', 'untrusted', 'misnamed', 'bad-token', 'expired', 'broken-plugin'].map(async (c) => [c, await problemOf(c)] as const)),
    );
    assert.deepEqual([results.dead.kind, results.dead.severity], ['unreachable', 'warning']);
    assert.match(results.dead.text, new RegExp(`Cannot reach https://127\\.0\\.0\\.1:${closedPort}`));
    assert.equal(results.untrusted.kind, 'tls');
    assert.match(results.untrusted.action, /certificate-authority/);
    assert.equal(results.misnamed.kind, 'tls');
    assert.match(results.misnamed.action, /tls-server-name/);
    assert.equal(results['bad-token'].kind, 'unauthorized');
    assert.equal(results.expired.kind, 'expiredCredentials');
    assert.match(results.expired.text, /credentials of "expired" expired/);
    assert.equal(results['broken-plugin'].kind, 'credentialPlugin');
    assert.match(results['broken-plugin'].text, /credential plugin "sh" failed/);
    assert.match(ex.contextState('broken-plugin')!.phase === 'failed' ? (ex.contextState('broken-plugin') as { problem: { detail?: string } }).problem.detail ?? '' : '', /SSO session expired/);

    // Meanwhile the healthy contexts work, including one authenticated by an exec plugin.
    const admin = await child(ex, undefined, 'admin');
    assert.ok((await labels(ex, admin)).includes(NS));
    const viaPlugin = await child(ex, await child(ex, undefined, 'plugin'), NS);
    assert.ok((await labels(ex, viaPlugin)).includes('web'));
    // The unreachable one keeps retrying on its own.
    assert.equal(ex.contextState('dead')?.phase, 'retrying');
    assert.ok(ex.reflectors('dead')[0].stats.retries >= 1);
  });

  test('a credential plugin that never answers (waiting for a login) times out instead of hanging', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    kc.users.push({ name: 'hanging', exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'sh', args: ['-c', 'sleep 2'], interactiveMode: 'Never' } } as never);
    kc.contexts.push({ name: 'hanging', cluster: kc.clusters[0].name, user: 'hanging' });
    kc.setCurrentContext('hanging');
    const api = new KubeApi(kc, 'hanging', 300);
    const t0 = Date.now();
    const err = await api.getJson('/api/v1/namespaces').then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CredentialError && err.viaExecPlugin, String(err));
    assert.ok(Date.now() - t0 < 1500);
    const p = problemFromError(err, { what: 'list namespaces' }, { server: cp.url, user: 'hanging', execCommand: 'sh' });
    assert.equal(p.kind, 'credentialPlugin');
    assert.match(p.detail ?? '', /interactive login/);
  });

  test('no kubeconfig, a missing configured file, and a malformed kubeconfig', async () => {
    const none = new ClusterExplorer({ loadKubeconfig: () => loadKubeconfig(undefined, {}, scratch), namespaceSettings: () => ({ filter: [], pinned: [] }) });
    explorers.push(none);
    assert.deepEqual(await none.roots(), []);
    assert.equal(none.state.kind === 'problem' && none.state.problem.kind, 'noKubeconfig');

    // A kubeconfig that is configured but unusable is a node that says why (the view's welcome
    // text is only for "no kubeconfig anywhere").
    const missing = explorer(path.join(scratch, 'nope'));
    const [gone] = (await missing.roots()) as MessageNode[];
    assert.deepEqual([gone.type, gone.problem?.kind], ['message', 'invalidKubeconfig']);
    assert.match(gone.text, /nope does not exist/);

    const garbage = path.join(scratch, 'garbage.kubeconfig');
    fs.writeFileSync(garbage, 'clusters: [ {name: x, cluster: {} } ]\ncontexts: oops: [\n');
    const bad = explorer(garbage);
    const [broken] = (await bad.roots()) as MessageNode[];
    assert.deepEqual([broken.type, broken.problem?.kind], ['message', 'invalidKubeconfig']);
    assert.ok(broken.problem?.detail, 'the parser\'s message is kept');
  });
});

describe('read-only inspections', () => {
  test('Describe (managedFields dropped), Events, and logs (no kubelet here: empty, or the error is explained)', async () => {
    const { config } = await loadKubeconfig(cp.kubeconfigPath, {}, scratch).then((r) => (assert.ok(r.ok), r));
    const api = config.apiFor('admin');
    const yaml = await describeObject(api, { kind: 'Pod', namespace: NS, name: 'web-5d8-b' });
    assert.match(yaml, /reason: OOMKilled/);
    assert.doesNotMatch(yaml, /managedFields/);
    assert.match(await describeObject(api, { kind: 'Deployment', namespace: NS, name: 'web' }), /kind: Deployment/);

    await k.create(cp, `/api/v1/namespaces/${NS}/events`, {
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-5d8-b.backoff' },
      involvedObject: { kind: 'Pod', name: 'web-5d8-b', namespace: NS },
      type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container app', count: 7,
      firstTimestamp: new Date(Date.now() - 600_000).toISOString(), lastTimestamp: new Date().toISOString(), source: { component: 'kubelet' },
    });
    const events = await eventsOf(api, { kind: 'Pod', namespace: NS, name: 'web-5d8-b' });
    assert.match(events, /^Events of Pod team-a\/web-5d8-b/);
    assert.match(events, /Warning\s+BackOff\s+\d+s \(x7 over 10m\)\s+kubelet\s+Back-off restarting failed container app/);
    assert.match(await eventsOf(api, { kind: 'Pod', namespace: NS, name: 'debug' }), /No events/);

    // A pod on no node has no log yet (204); one bound to a node the server does not know fails clearly.
    let text = '';
    await streamLogs(api, { namespace: NS, pod: 'web-5d8-b', container: 'app', previous: true, tailLines: 100 }, (t) => (text += t)).done;
    assert.equal(text, '');
    const bound = streamLogs(api, { namespace: NS, pod: 'agent-x7k', container: 'app', previous: false, tailLines: 100 }, (t) => (text += t));
    const failure = await bound.done.then(() => undefined, (e: Error) => e);
    assert.ok(failure?.name === 'ApiError' && (failure as Error & { status: number }).status === 404, String(failure));
    // The server's answer names the node oddly (`pods "node-1" not found`): the problem names the real cause.
    const problem = problemFromError(failure, { what: 'read the logs of agent-x7k/app', log: { pod: 'agent-x7k', node: 'node-1' } }, { server: '', user: 'admin' });
    assert.equal(problem.title, 'Node node-1 of pod agent-x7k is not in the cluster');

    // A namespace's events: an Object column says which object each one is about.
    const nsEvents = await eventsOf(api, { kind: 'Namespace', namespace: NS, name: NS });
    assert.match(nsEvents, /^Events in namespace team-a\n\nType\s+Reason\s+Object\s+Age\s+From\s+Message$/m);
    assert.match(nsEvents, /^Warning\s+BackOff\s+pod\/web-5d8-b\s+/m);
  });
});

describe('security', () => {
  test("the audit log: the extension's requests were only get, list and watch (and pods/log), never Secrets", async () => {
    // Each earlier test's explorer is still watching; stop them so their requests are complete.
    for (const ex of explorers) ex.dispose();
    const ours = await k.waitFor('audit events of the extension', () => {
      const events = cp.readAudit().filter((e) => e.userAgent === USER_AGENT && e.stage === 'ResponseComplete');
      return events.length > 50 && events;
    });
    const verbs = new Set(ours.map((e) => e.verb));
    assert.deepEqual([...verbs].sort(), ['get', 'list', 'watch']);
    const resources = new Set(ours.map((e) => `${e.objectRef?.resource ?? ''}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ''}`));
    assert.ok(!resources.has('secrets') && ![...resources].some((r) => r.startsWith('secrets')), [...resources].join(', '));
    for (const r of resources) assert.ok(['pods', 'pods/log', 'namespaces', 'events', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'].includes(r), `unexpected resource ${r}`);
    // The tree's lists are paginated; its watches ask for bookmarks.
    const lists = ours.filter((e) => e.verb === 'list' && e.objectRef?.resource !== 'events');
    const watches = ours.filter((e) => e.verb === 'watch');
    assert.ok(lists.length > 0 && lists.every((e) => /[?&]limit=500(&|$)/.test(e.requestURI)), lists.map((e) => e.requestURI).join('\n'));
    assert.ok(watches.length > 0 && watches.every((e) => /allowWatchBookmarks=true/.test(e.requestURI) && /resourceVersion=\d+/.test(e.requestURI)));
    // And the Secret is still there: it was not for lack of one.
    assert.equal((await cp.request('admin', 'GET', `/api/v1/namespaces/${NS}/secrets/api-key`)).status, 200);
  });
});
