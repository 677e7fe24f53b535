/**
 * Objects for the cluster tests, made through the real API server. There is no kubelet or
 * controller-manager: workloads, ReplicaSets, Jobs and pods are all created by the test, and pod
 * status is whatever the test writes through the pods/status subresource.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ControlPlane } from './controlplane';

type Json = Record<string, any>;
export interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

const now = () => new Date().toISOString();

export async function create(cp: ControlPlane, apiPath: string, body: Json): Promise<Json> {
  const r = await cp.request('admin', 'POST', apiPath, body);
  assert.equal(r.status, 201, `POST ${apiPath}: ${r.text}`);
  return r.body;
}

export async function createNamespace(cp: ControlPlane, name: string): Promise<void> {
  await create(cp, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export function ownerOf(obj: Json): Owner {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, uid: obj.metadata.uid };
}

const podTemplate = (app: string, image = 'registry.example/leaklens/app:latest') => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'app', image }] },
});

export function deployment(name: string, replicas = 2): Json {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: { app: name } }, spec: { replicas, selector: { matchLabels: { app: name } }, template: podTemplate(name) } };
}

export function replicaSet(name: string, owner: Owner, app: string): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, labels: { app }, ownerReferences: [{ ...owner, controller: true }] },
    spec: { replicas: 2, selector: { matchLabels: { app } }, template: podTemplate(app) },
  };
}

export function statefulSet(name: string): Json {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name }, spec: { replicas: 1, serviceName: name, selector: { matchLabels: { app: name } }, template: podTemplate(name) } };
}

export function daemonSet(name: string): Json {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name }, spec: { selector: { matchLabels: { app: name } }, template: podTemplate(name) } };
}

export function cronJob(name: string): Json {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'registry.example/report:1' }] } } } } },
  };
}

export function job(name: string, owner?: Owner): Json {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ownerReferences: owner ? [{ ...owner, controller: true }] : undefined },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'registry.example/report:1' }] } } },
  };
}

export function pod(name: string, opts: { owner?: Owner; nodeName?: string; containers?: string[]; labels?: Json } = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: opts.labels, ownerReferences: opts.owner ? [{ ...opts.owner, controller: true }] : undefined },
    spec: { nodeName: opts.nodeName, containers: (opts.containers ?? ['app']).map((c) => ({ name: c, image: 'registry.example/leaklens/app:1.0' })) },
  };
}

/** Pod statuses as kubelet would report them. */
export const status = {
  running: (restartCount = 0): Json => ({
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: true, started: true, restartCount, state: { running: { startedAt: now() } } }],
  }),
  crashLoopAfterOOM: (restartCount: number, finishedAt = now()): Json => ({
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [{
      name: 'app', image: 'x', imageID: '', ready: false, started: false, restartCount,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app' } },
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: finishedAt, finishedAt } },
    }],
  }),
  imagePullBackOff: (): Json => ({
    phase: 'Pending',
    containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } } }],
  }),
  /** What the scheduler writes on a pod no node can take. */
  unschedulable: (message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.'): Json => ({
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: now() }],
  }),
  completed: (): Json => ({
    phase: 'Succeeded',
    containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now(), finishedAt: now() } } }],
  }),
};

export async function patchStatus(cp: ControlPlane, apiPath: string, st: Json): Promise<void> {
  const r = await cp.request('admin', 'PATCH', `${apiPath}/status`, { status: st });
  assert.equal(r.status, 200, `PATCH ${apiPath}/status: ${r.text}`);
}

export async function patchPod(cp: ControlPlane, ns: string, name: string, st: Json): Promise<void> {
  // A JSON merge patch replaces lists but keeps absent keys: always send containerStatuses.
  const r = await cp.request('admin', 'PATCH', `/api/v1/namespaces/${ns}/pods/${name}/status`, { status: { ...st, containerStatuses: st.containerStatuses ?? [] } });
  assert.equal(r.status, 200, r.text);
}

/** Polls until `probe` returns something truthy. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Writes a kubeconfig derived from the harness's (JSON) one. */
export function writeKubeconfig(cp: ControlPlane, dir: string, name: string, edit: (kc: Json) => void): string {
  const kc = JSON.parse(fs.readFileSync(cp.kubeconfigPath, 'utf8'));
  edit(kc);
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(kc, null, 2), { mode: 0o600 });
  return file;
}

/** The number of watches the API server is serving right now, per resource and scope (from /metrics). */
export async function serverWatches(cp: ControlPlane, resource: string, scope: 'namespace' | 'cluster'): Promise<number> {
  const r = await cp.request('admin', 'GET', '/metrics');
  let total = 0;
  for (const line of r.text.split('\n')) {
    if (!line.startsWith('apiserver_longrunning_requests{')) continue;
    if (line.includes('verb="WATCH"') && line.includes(`resource="${resource}"`) && line.includes(`scope="${scope}"`)) total += Number(line.split(' ').pop());
  }
  return total;
}
