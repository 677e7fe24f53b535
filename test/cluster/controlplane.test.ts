// Tests of the test control plane itself (real etcd + kube-apiserver on 127.0.0.1).
// Run: npx tsx --test test/cluster/controlplane.test.ts
// The first run builds the binaries (see docs/cluster-testing.md); later runs take seconds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startControlPlane, type ControlPlane } from './controlplane';

let cp: ControlPlane;
const OTHER_NS = 'team-b';

before(async () => {
  cp = await startControlPlane({ auditPolicy: 'all' });
  process.stderr.write(`control plane ready at ${cp.url} in ${cp.startupMs} ms (dir ${cp.dir})\n`);
});

after(async () => {
  await cp?.stop();
});

function pod(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { containers: [{ name: 'app', image: 'registry.example/leaklens/app:1.0' }] },
  };
}

test('API server is ready and reports its version', async () => {
  const ready = await cp.request('admin', 'GET', '/readyz');
  assert.equal(ready.status, 200, ready.text);
  const version = await cp.request('admin', 'GET', '/version');
  assert.equal(version.status, 200);
  assert.equal(version.body.major, '1');
  assert.match(version.body.gitVersion, /^v1\.\d+\.\d+/);
});

test('kubeconfig files have the admin and viewer contexts', () => {
  const kc = JSON.parse(fs.readFileSync(cp.kubeconfigPath, 'utf8'));
  assert.equal(kc['current-context'], 'admin');
  assert.deepEqual(kc.contexts.map((c: { name: string }) => c.name).sort(), ['admin', 'viewer']);
  assert.equal(kc.clusters[0].cluster.server, cp.url);
  assert.equal(JSON.parse(fs.readFileSync(cp.limitedKubeconfig, 'utf8'))['current-context'], 'viewer');
  assert.equal(JSON.parse(fs.readFileSync(cp.adminKubeconfig, 'utf8'))['current-context'], 'admin');
});

test('a pod can be created and its status patched via pods/status', async () => {
  const ns = await cp.request('admin', 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OTHER_NS } });
  assert.equal(ns.status, 201, ns.text);

  for (const namespace of [cp.namespace, OTHER_NS]) {
    const created = await cp.request('admin', 'POST', `/api/v1/namespaces/${namespace}/pods`, pod('web'));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.status.phase, 'Pending');
  }

  const patched = await cp.request('admin', 'PATCH', `/api/v1/namespaces/${cp.namespace}/pods/web/status`, {
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }],
      containerStatuses: [{
        name: 'app',
        image: 'registry.example/leaklens/app:1.0',
        imageID: '',
        ready: true,
        started: true,
        restartCount: 3,
        state: { running: { startedAt: '2025-01-01T00:00:00Z' } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2024-12-31T23:00:00Z', finishedAt: '2024-12-31T23:59:59Z' } },
      }],
    },
  });
  assert.equal(patched.status, 200, patched.text);

  const got = await cp.request('admin', 'GET', `/api/v1/namespaces/${cp.namespace}/pods/web`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.body.status.phase, 'Running');
  const cs = got.body.status.containerStatuses[0];
  assert.equal(cs.name, 'app');
  assert.equal(cs.ready, true);
  assert.equal(cs.restartCount, 3);
  assert.equal(cs.lastState.terminated.reason, 'OOMKilled');
  assert.ok(cs.state.running);
});

test('the viewer may read its namespace only', async () => {
  const own = await cp.request('viewer', 'GET', `/api/v1/namespaces/${cp.namespace}/pods`);
  assert.equal(own.status, 200, own.text);
  assert.deepEqual(own.body.items.map((p: { metadata: { name: string } }) => p.metadata.name), ['web']);

  const deployments = await cp.request('viewer', 'GET', `/apis/apps/v1/namespaces/${cp.namespace}/deployments`);
  assert.equal(deployments.status, 200, deployments.text);

  const other = await cp.request('viewer', 'GET', `/api/v1/namespaces/${OTHER_NS}/pods`);
  assert.equal(other.status, 403, other.text);
  assert.equal(other.body.reason, 'Forbidden');

  const clusterWide = await cp.request('viewer', 'GET', '/api/v1/pods');
  assert.equal(clusterWide.status, 403, clusterWide.text);

  const namespaces = await cp.request('viewer', 'GET', '/api/v1/namespaces');
  assert.equal(namespaces.status, 403, namespaces.text);

  const write = await cp.request('viewer', 'POST', `/api/v1/namespaces/${cp.namespace}/pods`, pod('sneaky'));
  assert.equal(write.status, 403, write.text);
});

test('the viewer token (static token file) authenticates as the same user', async () => {
  const res = await fetchWithToken(cp.viewer.token, `/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.status.userInfo.username, 'viewer');
});

test('the audit log records who did what', async () => {
  const denied = await cp.waitForAudit((e) =>
    e.stage === 'ResponseComplete' && e.user.username === 'viewer' && e.verb === 'list' &&
    e.objectRef?.resource === 'pods' && e.objectRef.namespace === OTHER_NS);
  assert.equal(denied.responseStatus?.code, 403);

  const allowed = await cp.waitForAudit((e) =>
    e.stage === 'ResponseComplete' && e.user.username === 'viewer' && e.verb === 'list' &&
    e.objectRef?.resource === 'pods' && e.objectRef.namespace === cp.namespace);
  assert.equal(allowed.responseStatus?.code, 200);

  const statusPatch = await cp.waitForAudit((e) =>
    e.stage === 'ResponseComplete' && e.user.username === 'admin' && e.verb === 'patch' &&
    e.objectRef?.resource === 'pods' && e.objectRef.subresource === 'status');
  assert.equal(statusPatch.objectRef?.name, 'web');
  assert.equal(statusPatch.responseStatus?.code, 200);

  // Nothing the viewer did was a write that succeeded.
  const viewerWrites = cp.readAudit().filter((e) =>
    e.user.username === 'viewer' && !['get', 'list', 'watch'].includes(e.verb) && e.objectRef?.resource !== 'selfsubjectreviews' &&
    (e.responseStatus?.code ?? 0) < 300);
  assert.deepEqual(viewerWrites, []);
});

test('@kubernetes/client-node can use the kubeconfig (skipped when not installed)', async (t) => {
  let k8s: any;
  try {
    k8s = await import('@kubernetes/client-node');
  } catch {
    t.skip('@kubernetes/client-node is not installed');
    return;
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const list = await core.listNamespacedPod({ namespace: cp.namespace });
  assert.deepEqual(list.items.map((p: any) => p.metadata.name), ['web']);

  kc.setCurrentContext('viewer');
  const viewerCore = kc.makeApiClient(k8s.CoreV1Api);
  await assert.rejects(viewerCore.listNamespacedPod({ namespace: OTHER_NS }), (err: any) => err.code === 403);
});

test('stop() leaves no process behind', async () => {
  const { etcd, apiserver } = cp.pids;
  await cp.stop();
  for (const pid of [etcd, apiserver]) {
    assert.throws(() => process.kill(-pid, 0), /ESRCH/, `process group ${pid} is still alive`);
  }
  assert.equal(fs.existsSync(cp.dir), false);
});

async function fetchWithToken(token: string, apiPath: string, body: unknown) {
  const https = await import('node:https');
  return new Promise<{ status: number; text: string; body: any }>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = https.request(new URL(apiPath, cp.url), {
      method: 'POST',
      ca: cp.caData,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
