// Pure parts of the cluster view: backoff, coalescing, namespace order, the namespace store's
// grouping and change reports, manifest lookup, problem classification, kubeconfig location.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiError, CredentialError, SilenceError } from '../../client/src/cluster/api';
import { Backoff } from '../../client/src/cluster/backoff';
import { Coalescer, type Scheduler } from '../../client/src/cluster/coalescer';
import { describeYaml, formatEvents } from '../../client/src/cluster/describe';
import { Gate } from '../../client/src/cluster/gate';
import { DEPLOYMENTS, JOBS, CRONJOBS, PODS, REPLICASETS, STATEFULSETS, collectionPath, objectPath } from '../../client/src/cluster/kinds';
import { locateKubeconfig } from '../../client/src/cluster/kubeconfig';
import { createLinter } from '../../client/src/cluster/liveLint';
import { findInManifest, rankLocations } from '../../client/src/cluster/manifestLocator';
import { NamespaceStore, type Dirty } from '../../client/src/cluster/namespaceStore';
import { orderNamespaces } from '../../client/src/cluster/namespaces';
import { md } from '../../client/src/cluster/presentation';
import { jwtExpiry, problemFromError } from '../../client/src/cluster/problems';

describe('backoff', () => {
  test('doubles up to the cap, with jitter in [½d, d], and resets', () => {
    const lo = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => lo.next()), [50, 100, 200, 400, 500, 500]);
    const hi = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    assert.deepEqual([1, 2, 3, 4, 5].map(() => hi.next()), [100, 200, 400, 800, 1000]);
    assert.equal(hi.consecutiveFailures, 5);
    hi.reset();
    assert.equal(hi.next(), 100);
  });
  test('real jitter spreads reconnects', () => {
    const delays = new Set(Array.from({ length: 20 }, () => new Backoff({ initialMs: 1000, maxMs: 30_000 }).next()));
    assert.ok(delays.size > 10, `delays ${[...delays]}`);
    for (const d of delays) assert.ok(d >= 500 && d <= 1000);
  });
});

class FakeScheduler implements Scheduler {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown) {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
}

describe('coalescer', () => {
  test('first change goes out on the next tick; a storm becomes at most one batch per interval', () => {
    const sched = new FakeScheduler();
    const batches: { at: number; items: number[] }[] = [];
    const c = new Coalescer<number>(250, (items) => batches.push({ at: sched.now(), items }), sched);
    c.add(1);
    sched.advance(0);
    assert.deepEqual(batches, [{ at: 0, items: [1] }]);
    // 1,000 changes over one second, one per millisecond.
    for (let i = 0; i < 1000; i++) {
      c.add(i % 7);
      sched.advance(1);
    }
    sched.advance(500);
    assert.ok(batches.length <= 1 + 5, `${batches.length} batches`);
    for (let i = 1; i < batches.length; i++) assert.ok(batches[i].at - batches[i - 1].at >= 250);
    // Duplicates within a batch collapse.
    for (const b of batches) assert.equal(new Set(b.items).size, b.items.length);
    c.dispose();
  });
});

describe('gate', () => {
  test('never more than max tasks at once, all of them run, failures release their slot', async () => {
    const gate = new Gate(3);
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const task = (i: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      running--;
      if (i % 4 === 0) throw new Error(`task ${i}`);
      done.push(i);
      return i;
    };
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => gate.run(task(i))));
    assert.equal(peak, 3);
    assert.equal(results.filter((r) => r.status === 'rejected').length, 5);
    assert.equal(done.length, 15);
    // The slots are all free again.
    const late = await Promise.all([1, 2, 3].map((i) => gate.run(async () => i)));
    assert.deepEqual(late, [1, 2, 3]);
  });
});

describe('namespace order and filter', () => {
  const all = ['kube-system', 'team-b', 'default', 'team-a', 'payments', 'kube-public'];
  test("the context's namespace first, then pinned, then the rest alphabetically", () => {
    assert.deepEqual(orderNamespaces(all, 'team-b', { filter: [], pinned: ['payments'] }), ['team-b', 'payments', 'default', 'kube-public', 'kube-system', 'team-a']);
  });
  test('filter globs include and exclude, never hiding current or pinned', () => {
    assert.deepEqual(orderNamespaces(all, 'kube-system', { filter: ['team-*', '!team-b'], pinned: ['missing'] }), ['kube-system', 'missing', 'team-a']);
    assert.deepEqual(orderNamespaces(all, 'default', { filter: ['!kube-*'], pinned: [] }), ['default', 'payments', 'team-a', 'team-b']);
  });
});

function pod(name: string, owner?: { kind: string; name: string }, phase = 'Running', ready = true) {
  return {
    metadata: { name, namespace: 'ns', uid: name, ownerReferences: owner ? [{ ...owner, controller: true }] : undefined },
    spec: { containers: [{ name: 'app' }] },
    status: { phase, containerStatuses: [ready ? { name: 'app', ready: true, state: { running: {} } } : { name: 'app', ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
  };
}
const workload = (name: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, namespace: 'ns', uid: name, generation: 1, ...extra }, spec: { replicas: 2 }, status: { readyReplicas: 1 } });
const owned = (name: string, owner: { kind: string; name: string }) => ({ metadata: { name, namespace: 'ns', ownerReferences: [{ ...owner, controller: true }] } });

describe('namespace store', () => {
  function setup() {
    const dirty: Dirty[] = [];
    const linted: string[] = [];
    const store = new NamespaceStore('ns', (d) => dirty.push(d), (o) => {
      linted.push(o.metadata?.name ?? '');
      return [{ rule: 'k8s/x', severity: 'warning', message: 'm' }];
    });
    const sink = (r: Parameters<NamespaceStore['sinkFor']>[0]) => store.sinkFor(r);
    return { store, dirty, linted, sink };
  }

  test('pods go under Deployment (via ReplicaSet), StatefulSet, CronJob (via Job); the rest are standalone', () => {
    const { store, sink } = setup();
    sink(PODS).upsert(pod('web-1', { kind: 'ReplicaSet', name: 'web-5d8' }));
    sink(PODS).upsert(pod('db-0', { kind: 'StatefulSet', name: 'db' }));
    sink(PODS).upsert(pod('nightly-1-x', { kind: 'Job', name: 'nightly-1' }));
    sink(PODS).upsert(pod('loner'));
    sink(PODS).upsert(pod('orphan-rs-pod', { kind: 'ReplicaSet', name: 'bare-rs' }));
    // Before the owners are known, everything is standalone.
    assert.equal(store.standalonePods().length, 5);
    sink(REPLICASETS).upsert(owned('web-5d8', { kind: 'Deployment', name: 'web' }));
    sink(REPLICASETS).upsert({ metadata: { name: 'bare-rs' } });
    sink(JOBS).upsert(owned('nightly-1', { kind: 'CronJob', name: 'nightly' }));
    sink(DEPLOYMENTS).upsert(workload('web'));
    sink(STATEFULSETS).upsert(workload('db'));
    sink(CRONJOBS).upsert(workload('nightly'));
    assert.deepEqual(store.topWorkloads().map((w) => `${w.kind}/${w.name}`), ['Deployment/web', 'StatefulSet/db', 'CronJob/nightly']);
    assert.deepEqual(store.podsOf('Deployment/web').map((p) => p.name), ['web-1']);
    assert.deepEqual(store.podsOf('StatefulSet/db').map((p) => p.name), ['db-0']);
    assert.deepEqual(store.podsOf('CronJob/nightly').map((p) => p.name), ['nightly-1-x']);
    assert.deepEqual(store.standalonePods().map((p) => p.name), ['loner', 'orphan-rs-pod']);
    // Without its CronJob, the Job shows on its own with its pod.
    sink(CRONJOBS).remove('nightly');
    assert.deepEqual(store.topWorkloads().map((w) => `${w.kind}/${w.name}`), ['Deployment/web', 'StatefulSet/db', 'Job/nightly-1']);
    assert.deepEqual(store.podsOf('Job/nightly-1').map((p) => p.name), ['nightly-1-x']);
  });

  test('reports the narrowest change: a status change is one pod (+ its workload when health changed)', () => {
    const { store, dirty, sink } = setup();
    sink(REPLICASETS).upsert(owned('web-5d8', { kind: 'Deployment', name: 'web' }));
    sink(DEPLOYMENTS).upsert(workload('web'));
    sink(PODS).upsert(pod('web-1', { kind: 'ReplicaSet', name: 'web-5d8' }));
    store.topWorkloads();
    dirty.length = 0;
    // Same content again: nothing to redraw.
    sink(PODS).upsert(pod('web-1', { kind: 'ReplicaSet', name: 'web-5d8' }));
    assert.deepEqual(dirty, []);
    sink(PODS).upsert(pod('web-1', { kind: 'ReplicaSet', name: 'web-5d8' }, 'Running', false));
    assert.deepEqual(dirty, [{ type: 'pod', name: 'web-1' }, { type: 'workload', key: 'Deployment/web' }]);
    assert.equal(store.failingPods('Deployment/web'), 1);
    dirty.length = 0;
    sink(PODS).upsert(pod('web-2', { kind: 'ReplicaSet', name: 'web-5d8' }));
    assert.deepEqual(dirty, [{ type: 'workload', key: 'Deployment/web' }]);
    dirty.length = 0;
    sink(PODS).upsert(pod('loner'));
    assert.deepEqual(dirty, [{ type: 'namespace' }]);
    dirty.length = 0;
    sink(PODS).remove('web-2');
    assert.deepEqual(dirty, [{ type: 'workload', key: 'Deployment/web' }, { type: 'podGone', name: 'web-2' }]);
  });

  test('resync removes what a fresh list no longer has', () => {
    const { store, sink } = setup();
    for (const n of ['a', 'b', 'c']) sink(PODS).upsert(pod(n));
    sink(DEPLOYMENTS).upsert(workload('gone'));
    sink(PODS).resync(new Set(['b']));
    sink(DEPLOYMENTS).resync(new Set());
    assert.deepEqual([...store.pods.keys()], ['b']);
    assert.equal(store.workloads.size, 0);
  });

  test('lint runs when spec or metadata change, not on status updates', () => {
    const { store, linted, sink } = setup();
    sink(DEPLOYMENTS).upsert(workload('web'));
    sink(DEPLOYMENTS).upsert({ ...workload('web'), status: { readyReplicas: 2 } });
    assert.deepEqual(linted, ['web']);
    sink(DEPLOYMENTS).upsert(workload('web', { generation: 2 }));
    assert.deepEqual(linted, ['web', 'web']);
    assert.equal(store.lint.get('Deployment/web')?.length, 1);
  });

  test('pods are listed worst first, then by name; a standalone pod changing health reorders its namespace', () => {
    const { store, dirty, sink } = setup();
    sink(REPLICASETS).upsert(owned('web-5d8', { kind: 'Deployment', name: 'web' }));
    sink(DEPLOYMENTS).upsert(workload('web'));
    for (const [name, ready] of [['web-a', true], ['web-b', false], ['web-c', true], ['web-d', false]] as const) {
      sink(PODS).upsert(pod(name, { kind: 'ReplicaSet', name: 'web-5d8' }, 'Running', ready));
    }
    sink(PODS).upsert({ ...pod('pending'), status: { phase: 'Pending' } });
    sink(PODS).upsert(pod('alone'));
    assert.deepEqual(store.podsOf('Deployment/web').map((p) => p.name), ['web-b', 'web-d', 'web-a', 'web-c']);
    assert.deepEqual(store.standalonePods().map((p) => p.name), ['pending', 'alone']);
    dirty.length = 0;
    sink(PODS).upsert(pod('alone', undefined, 'Running', false));
    assert.deepEqual(dirty, [{ type: 'pod', name: 'alone' }, { type: 'namespace' }]);
    assert.deepEqual(store.standalonePods().map((p) => p.name), ['alone', 'pending']);
  });

  test('what "Problems only" keeps: unhealthy or under-replicated workloads, and any with lint findings', () => {
    const dirty: Dirty[] = [];
    const store = new NamespaceStore('ns', (d) => dirty.push(d));
    const linted = new NamespaceStore('ns', () => {}, () => [{ rule: 'k8s/x', severity: 'warning', message: 'm' }]);
    const ready = (name: string) => ({ ...workload(name), status: { readyReplicas: 2 } });
    store.sinkFor(REPLICASETS).upsert(owned('web-5d8', { kind: 'Deployment', name: 'web' }));
    store.sinkFor(DEPLOYMENTS).upsert(ready('web'));
    store.sinkFor(PODS).upsert(pod('web-a', { kind: 'ReplicaSet', name: 'web-5d8' }));
    assert.equal(store.workloadNeedsAttention('Deployment/web'), false);
    store.sinkFor(PODS).upsert(pod('web-b', { kind: 'ReplicaSet', name: 'web-5d8' }, 'Running', false));
    assert.equal(store.workloadNeedsAttention('Deployment/web'), true, 'a crash-looping pod');
    store.sinkFor(DEPLOYMENTS).upsert(workload('short'));
    assert.equal(store.workloadNeedsAttention('Deployment/short'), true, '1 of 2 replicas ready');
    linted.sinkFor(DEPLOYMENTS).upsert(ready('tidy'));
    assert.equal(linted.workloadNeedsAttention('Deployment/tidy'), true, 'lint findings');
  });

  test('problems per resource', () => {
    const { store, sink } = setup();
    const problem = { kind: 'forbidden' as const, title: 't', action: 'a', retryable: false };
    sink(STATEFULSETS).state({ phase: 'failed', problem });
    sink(PODS).state({ phase: 'live' });
    assert.deepEqual(store.problems(), [{ resource: 'statefulsets', problem, failed: true }]);
  });
});

describe('manifest lookup', () => {
  const text = [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: web',
    '---',
    '# the deployment',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  namespace: shop',
    'spec: {}',
    '---',
    'apiVersion: v1',
    'kind: List',
    'items:',
    '  - apiVersion: apps/v1',
    '    kind: Deployment',
    '    metadata:',
    '      name: web',
    '---',
    'kind: Deployment',
    'metadata: {name: web, namespace: other}',
  ].join('\n');

  test('finds kind + name in the namespace or without one, at the name', () => {
    const hits = findInManifest('deploy.yaml', text, { kind: 'Deployment', namespace: 'shop', name: 'web' });
    assert.deepEqual(
      hits.map((h) => [h.line, h.character, h.namespaceMatched]),
      [
        [9, 8, true],
        [19, 12, false],
      ],
    );
    assert.deepEqual(rankLocations([...hits].reverse()).map((h) => h.line), [9, 19]);
    assert.deepEqual(findInManifest('x.yaml', text, { kind: 'Deployment', namespace: 'other', name: 'web' }).map((h) => h.line), [19, 22]);
  });

  test('templates and broken YAML do not match and do not throw', () => {
    assert.deepEqual(findInManifest('t.yaml', 'kind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n', { kind: 'Deployment', namespace: 'a', name: 'web' }), []);
    assert.deepEqual(findInManifest('b.yaml', 'kind: [unclosed\n', { kind: 'Deployment', namespace: 'a', name: 'web' }), []);
  });
});

describe('problems', () => {
  const cred = { server: 'https://k8s.example:6443', user: 'dev' };
  test('HTTP statuses', () => {
    const forbidden = problemFromError(new ApiError(403, { message: 'pods is forbidden: User "dev" cannot list' }, '/api'), { what: 'list pods in ns' }, cred);
    assert.equal(forbidden.kind, 'forbidden');
    assert.match(forbidden.title, /Forbidden: cannot list pods in ns/);
    assert.equal(forbidden.retryable, false);
    assert.equal(problemFromError(new ApiError(401, { message: 'Unauthorized' }, '/api'), { what: 'x' }, cred).kind, 'unauthorized');
    assert.equal(problemFromError(new ApiError(404, {}, '/apis/batch/v1'), { what: 'x' }, cred).kind, 'notFound');
    const busy = problemFromError(new ApiError(503, {}, '/api'), { what: 'x' }, cred);
    assert.deepEqual([busy.kind, busy.retryable], ['server', true]);
    const bad = problemFromError(new ApiError(400, { message: 'container "x" is not valid' }, '/api'), { what: 'x' }, cred);
    assert.equal(bad.retryable, false);
    assert.doesNotMatch(bad.action, /Retrying/, 'a refused request is not retried, so the action must not say so');
  });
  test('a 404 names what is missing: a node behind a log, a deleted object, or an API the cluster lacks', () => {
    // What kube-apiserver v1.36 answers for the log of a pod bound to a node it does not know.
    const nodeGone = new ApiError(404, { message: 'pods "node-1" not found', reason: 'NotFound', details: { name: 'node-1', kind: 'pods' } }, '/api/v1/namespaces/ns/pods/web/log');
    const log = problemFromError(nodeGone, { what: 'read the logs of web/app', log: { pod: 'web', node: 'node-1' } }, cred);
    assert.equal(log.title, 'Node node-1 of pod web is not in the cluster');
    assert.doesNotMatch(`${log.title} ${log.action}`, /cluster version|not served/i);
    const podGone = new ApiError(404, { message: 'pods "web" not found', details: { name: 'web', kind: 'pods' } }, '/api/v1/namespaces/ns/pods/web/log');
    assert.match(problemFromError(podGone, { what: 'read the logs of web/app', log: { pod: 'web', node: 'node-1' } }, cred).title, /^pod web no longer exists/);
    const noApi = problemFromError(new ApiError(404, { message: '404 page not found' }, '/apis/x.io/v1/things'), { what: 'list things' }, cred);
    assert.match(noApi.title, /^Not served by this cluster/);
    const kubeletDown = problemFromError(new ApiError(502, { message: 'dial tcp 10.0.0.5:10250: connect: connection refused' }, '/log'), { what: 'read the logs of web/app', log: { pod: 'web', node: 'node-1' } }, cred);
    assert.match(kubeletDown.title, /kubelet of node node-1 \(HTTP 502\)/);
    assert.doesNotMatch(kubeletDown.action, /Retrying automatically/);
  });
  test('401 with an expired token or certificate says so', () => {
    const expired = problemFromError(new ApiError(401, {}, '/api'), { what: 'x' }, { ...cred, tokenExpiresAt: 1000 }, 2000);
    assert.equal(expired.kind, 'expiredCredentials');
    const exec = problemFromError(new ApiError(401, {}, '/api'), { what: 'x' }, { ...cred, execCommand: 'aws' });
    assert.match(exec.action, /"aws"/);
  });
  test('network, TLS, silence, credential plugin', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.deepEqual([problemFromError(refused, { what: 'x' }, cred).kind, problemFromError(refused, { what: 'x' }, cred).retryable], ['unreachable', true]);
    const tls = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    assert.equal(problemFromError(tls, { what: 'x' }, cred).kind, 'tls');
    const altname = Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    assert.match(problemFromError(altname, { what: 'x' }, cred).action, /tls-server-name/);
    assert.equal(problemFromError(new SilenceError(1000), { what: 'x' }, cred).retryable, true);
    const plugin = problemFromError(new CredentialError(new Error('token expired, run login'), true), { what: 'x' }, { ...cred, execCommand: 'gke-gcloud-auth-plugin' });
    assert.equal(plugin.kind, 'credentialPlugin');
    assert.match(plugin.title, /gke-gcloud-auth-plugin/);
  });
  test('JWT expiry', () => {
    const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
    assert.equal(jwtExpiry(jwt({ exp: 1700000000 })), 1700000000000);
    assert.equal(jwtExpiry('opaque-token'), undefined);
    assert.equal(jwtExpiry(undefined), undefined);
  });
});

describe('kubeconfig location', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-home-'));
  test('setting, then $KUBECONFIG (existing files of the list), then ~/.kube/config', () => {
    assert.equal(locateKubeconfig(undefined, {}, home), undefined);
    fs.mkdirSync(path.join(home, '.kube'));
    fs.writeFileSync(path.join(home, '.kube', 'config'), '');
    assert.deepEqual(locateKubeconfig(undefined, {}, home), { files: [path.join(home, '.kube', 'config')], origin: 'default' });
    const a = path.join(home, 'a');
    fs.writeFileSync(a, '');
    assert.deepEqual(locateKubeconfig('', { KUBECONFIG: `${path.join(home, 'missing')}${path.delimiter}${a}` }, home), { files: [a], origin: 'KUBECONFIG' });
    assert.equal(locateKubeconfig('', { KUBECONFIG: path.join(home, 'missing') }, home), undefined);
    assert.deepEqual(locateKubeconfig('~/b', { KUBECONFIG: a }, home), { files: [path.join(home, 'b')], origin: 'setting' });
  });
});

describe('paths, documents, manifests', () => {
  test('REST paths', () => {
    assert.equal(collectionPath(PODS, 'a'), '/api/v1/namespaces/a/pods');
    assert.equal(objectPath(CRONJOBS, 'a', 'n'), '/apis/batch/v1/namespaces/a/cronjobs/n');
  });
  test('Describe drops managedFields', () => {
    const obj = { kind: 'Pod', metadata: { name: 'p', uid: 'u', resourceVersion: '5', managedFields: [{ manager: 'kubectl' }], labels: { a: 'b' } }, spec: { x: 1 }, status: { phase: 'Running' } };
    const yaml = describeYaml(obj);
    assert.doesNotMatch(yaml, /managedFields|kubectl/);
    assert.match(yaml, /phase: Running/);
  });
  test('live lint runs the Kubernetes rules on a cluster object', () => {
    const lint = createLinter();
    const risky = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', uid: 'u', managedFields: [{ manager: 'x' }] },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'registry.example/web:latest' }] } } },
      status: { readyReplicas: 1 },
    };
    const findings = lint(risky);
    assert.ok(findings.some((f) => f.rule === 'k8s/image-latest'), JSON.stringify(findings));
    assert.ok(findings.every((f) => f.rule !== 'internal' && f.message));
    const tidy = structuredClone(risky);
    tidy.spec.template.spec.containers[0].image = 'registry.example/web:1.2.3';
    assert.ok(!lint(tidy).some((f) => f.rule === 'k8s/image-latest'));
  });
  test('events table, oldest first, with repeat counts', () => {
    const now = Date.parse('2025-01-01T01:00:00Z');
    const text = formatEvents('Events of Pod ns/p', [
      { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting', count: 5, firstTimestamp: '2025-01-01T00:00:00Z', lastTimestamp: '2025-01-01T00:59:00Z', source: { component: 'kubelet' } },
      { type: 'Normal', reason: 'Scheduled', message: 'assigned', eventTime: '2025-01-01T00:00:00Z', reportingComponent: 'default-scheduler' },
    ], now);
    const lines = text.split('\n');
    assert.match(lines[2], /^Type\s+Reason\s+Age\s+From\s+Message$/);
    assert.match(lines[4], /^Normal\s+Scheduled\s+60m\s+default-scheduler\s+assigned$/);
    assert.match(lines[5], /^Warning\s+BackOff\s+60s \(x5 over 60m\)\s+kubelet\s+Back-off restarting$/);
    assert.match(formatEvents('t', [], now), /No events/);
  });
  test("a namespace's events have an Object column, as kubectl get events", () => {
    const now = Date.parse('2025-01-01T01:00:00Z');
    const text = formatEvents('Events in namespace ns', [
      { type: 'Warning', reason: 'FailedScheduling', message: '0/3 nodes are available', lastTimestamp: '2025-01-01T00:59:00Z', involvedObject: { kind: 'Pod', name: 'web-1' }, source: { component: 'default-scheduler' } },
      { type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up', lastTimestamp: '2025-01-01T00:58:00Z', involvedObject: { kind: 'Deployment', name: 'web' }, source: { component: 'deployment-controller' } },
    ], now, { objectColumn: true });
    const lines = text.split('\n');
    assert.match(lines[2], /^Type\s+Reason\s+Object\s+Age\s+From\s+Message$/);
    assert.match(lines[4], /^Normal\s+ScalingReplicaSet\s+deployment\/web\s+2m\s+deployment-controller\s+Scaled up$/);
    assert.match(lines[5], /^Warning\s+FailedScheduling\s+pod\/web-1\s+60s\s+default-scheduler\s+0\/3 nodes are available$/);
  });
  test('Markdown from the cluster is escaped', () => {
    assert.equal(md('a|b *c* <img> $(zap) web-1 (x)'), 'a\\|b \\*c\\* \\<img\\> \\$(zap) web-1 (x)');
  });
});
