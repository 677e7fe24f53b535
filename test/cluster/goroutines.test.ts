// Goroutine profiles of a pod through the real kube-apiserver's pod proxy (test/cluster/controlplane.ts),
// read as the viewer user: the fixture service (test/fixtures/runtime/leaky, built here with the Go
// toolchain) runs in a network namespace of this test's own, behind Pod objects whose status.podIP
// is that namespace's address. Covers the port choice, the Go 1.26 leak profile, two samples and
// their verdicts, the CLI's pod target, every way a pod can fail to serve a profile, the size cap,
// cancellation, RBAC, and from the audit log that the only new verb is get on pods/proxy.
// Needs root (ip netns). Run: npx tsx --test test/cluster/goroutines.test.ts
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { USER_AGENT, type KubeApi } from '../../client/src/cluster/api';
import { ClusterExplorer, type PodAttachments } from '../../client/src/cluster/explorer';
import { viewOf } from '../../client/src/cluster/presentation';
import { loadKubeconfig } from '../../client/src/cluster/kubeconfig';
import { evidenceParams } from '../../client/src/runtime/evidence';
import { PprofUnavailableError, ProxyForbiddenError, readPodProfile } from '../../client/src/runtime/podProfile';
import { podKey, RuntimeSessions, type PodRef, type Target } from '../../client/src/runtime/sessions';
import { sessionChildren } from '../../client/src/runtime/tree';
import { sitesOf } from '../../server/src/goroutines/evidence';
import { FrameMapper } from '../../server/src/goroutines/mapping';
import { readModule } from '../../server/src/goroutines/modules';
import type { GoroutineProfile } from '../../server/src/goroutines/profile';
import { CancelledError } from '../../server/src/goroutines/sources';
import { buildLeaky, fixtureLine, LEAKY_DIR, startLeaky, type Leaky } from '../helpers/leakyProgram';
import { startControlPlane, type ControlPlane } from './controlplane';
import * as k from './objects';
import { createPodNetwork, linkExists, netnsExists, podNetworkUnavailable, type PodNetwork } from './podNetwork';

const NS = 'team-a';
const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const unavailable = podNetworkUnavailable();
const MB = 1024 * 1024;

let cp: ControlPlane;
let net: PodNetwork;
let app: Leaky;
let go126: Leaky;
let viewer: KubeApi;
const mapper = () => new FrameMapper([readModule(LEAKY_DIR)!], [LEAKY_DIR]);

const ordersLine = fixtureLine('orders/fetch.go', 'ch <- lookup');
const ordersGo = ordersLine - 1;
const brokerGo = fixtureLine('broker/broker.go', 'go func()');
const brokerReceive = fixtureLine('broker/broker.go', 'case ev := <-events');

function podObject(name: string, ports: { name: string; containerPort: number }[], annotations?: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, annotations }, spec: { containers: [{ name: 'app', image: 'registry.example/leaky:1', ports }] } };
}

/** The group whose innermost frame is in `file` (a fixture path). */
function groupIn(p: GoroutineProfile, file: string) {
  const g = p.groups.find((x) => x.stack[0]?.file.endsWith(file));
  assert.ok(g, `no group in ${file}: ${p.groups.map((x) => x.stack[0]?.file).join(', ')}`);
  return g;
}

describe('goroutine profiles through the pod proxy', { skip: unavailable }, () => {
  before(async () => {
    cp = await startControlPlane({ auditPolicy: 'all' });
    net = createPodNetwork();
    const [bin, leakBin] = [buildLeaky({ trimpath: true }), buildLeaky({ trimpath: true, leakProfile: true })];
    app = await startLeaky(bin, { addr: `${net.podIP}:8080`, pprof: `${net.podIP}:6060`, prefix: net.exec });
    go126 = await startLeaky(leakBin, { addr: `${net.podIP}:8081`, pprof: `${net.podIP}:6061`, prefix: net.exec });
    const pods = [
      podObject('leaky', [{ name: 'http', containerPort: 8080 }, { name: 'pprof', containerPort: 6060 }]),
      podObject('leaky-go126', [{ name: 'http', containerPort: 8081 }], { 'leaklens.dev/pprof-port': '6061' }),
      podObject('no-pprof', [{ name: 'http', containerPort: 8080 }]),
      podObject('wrong-port', [], { 'leaklens.dev/pprof-port': '6099' }),
      podObject('pending', [{ name: 'pprof', containerPort: 6060 }]),
    ];
    for (const p of pods) {
      await k.create(cp, `/api/v1/namespaces/${NS}/pods`, p);
      if (p.metadata.name === 'pending') continue;
      const r = await cp.request('admin', 'PATCH', `/api/v1/namespaces/${NS}/pods/${p.metadata.name}/status`, {
        status: { ...k.status.running(), podIP: net.podIP, podIPs: [{ ip: net.podIP }] },
      });
      assert.equal(r.status, 200, r.text);
    }
    const loaded = await loadKubeconfig(cp.limitedKubeconfig, {}, cp.dir);
    assert.ok(loaded.ok);
    viewer = loaded.config.apiFor('viewer');
  });

  after(async () => {
    await app?.stop().catch(() => undefined);
    await go126?.stop().catch(() => undefined);
    net?.destroy();
    await cp?.stop();
  });

  test('without get on pods/proxy the viewer is refused, and told which permission is missing', async () => {
    await assert.rejects(readPodProfile(viewer, NS, 'leaky', { maxBytes: MB }), (e: unknown) => e instanceof ProxyForbiddenError && /"get" on "pods\/proxy"/.test(e.message));
    await k.create(cp, `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pprof-reader' },
      rules: [{ apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] }],
    });
    await k.create(cp, `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'pprof-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pprof-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }],
    });
  });

  test('the profile of the port named pprof, grouped and mapped to the fixture module (built with -trimpath)', async () => {
    await app.leak(7);
    await app.subscribe(3);
    await app.hold(2);
    const read = await k.waitFor('the RoleBinding to take effect', () => readPodProfile(viewer, NS, 'leaky', { maxBytes: 64 * MB }).catch((e) => (e instanceof ProxyForbiddenError ? undefined : Promise.reject(e))));
    assert.equal(read.port, 6060);
    assert.equal(read.portSource, 'port "pprof" of container app');
    // Not built with the leak experiment: /goroutineleak answers 404 and the goroutine profile is read.
    assert.equal(read.endpoint.path, '/debug/pprof/goroutine');
    assert.equal(read.profile.format, 'debug2');
    assert.equal(read.profile.leakDetection, false);
    const orders = groupIn(read.profile, 'orders/fetch.go');
    assert.deepEqual([orders.count, orders.state, orders.leaked, orders.stack[0].file], [7, 'chan send', 0, 'example.com/leaky/orders/fetch.go']);
    const sites = sitesOf(orders, mapper());
    assert.deepEqual(sites.blocked?.mapped, { file: path.join(LEAKY_DIR, 'orders', 'fetch.go'), line: ordersLine, vendored: false });
    assert.deepEqual(sites.created?.mapped, { file: path.join(LEAKY_DIR, 'orders', 'fetch.go'), line: ordersGo, vendored: false });
    assert.equal(groupIn(read.profile, 'broker/broker.go').count, 3);
    assert.equal(groupIn(read.profile, 'main.go').count, 2);
  });

  test('Go 1.26: the leak profile, on the annotated port, marks the goroutines the GC proved leaked', async () => {
    await go126.leak(4);
    await go126.subscribe(2);
    const read = await readPodProfile(viewer, NS, 'leaky-go126', { maxBytes: 64 * MB });
    assert.deepEqual([read.port, read.portSource, read.endpoint.path], [6061, 'annotation leaklens.dev/pprof-port', '/debug/pprof/goroutineleak']);
    assert.equal(read.profile.leakDetection, true);
    const orders = groupIn(read.profile, 'orders/fetch.go');
    assert.deepEqual([orders.count, orders.leaked], [4, 4]);
    // The subscribers' channels are still reachable from the program's globals: not provably leaked.
    assert.equal(groupIn(read.profile, 'broker/broker.go').leaked, 0);
  });

  test('two samples: the group that grows in between is leaking; the evidence lands on the fixture lines', async () => {
    const sessions = new RuntimeSessions({ mapper, settings: () => ({ secondSampleMs: 1500, minWaitMinutes: 0, maxBytes: 64 * MB }) });
    const target: Target = {
      key: 'pod:viewer/team-a/leaky',
      label: 'pod team-a/leaky',
      pod: { context: 'viewer', namespace: NS, name: 'leaky' },
      live: true,
      read: async (opts) => ({ profile: (await readPodProfile(viewer, NS, 'leaky', opts)).profile, detail: '' }),
    };
    let subscribed: Promise<void> | undefined;
    const session = await sessions.inspect(target, {
      onProgress: (m) => {
        if (/^second sample/.test(m)) subscribed ??= app.subscribe(5);
      },
    });
    await subscribed;
    assert.equal(session.phase, 'done');
    assert.equal(session.samples.length, 2);
    const broker = session.groups.find((a) => a.group.stack[0].file.endsWith('broker/broker.go'))!;
    assert.deepEqual([broker.verdict, broker.before, broker.group.count], ['leaking', 3, 8]);
    assert.ok(broker.growthPerMinute! > 0);
    const orders = session.groups.find((a) => a.group.stack[0].file.endsWith('orders/fetch.go'))!;
    assert.equal(orders.verdict, 'blocked', 'no growth: blocked (the wait threshold is 0 here)');

    const params = evidenceParams(session, (f) => path.relative(LEAKY_DIR, f));
    const brokerUri = `file://${path.join(LEAKY_DIR, 'broker', 'broker.go')}`;
    const brokerItems = params.items.filter((i) => i.uri === brokerUri).sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(brokerItems.map((i) => [i.range.start.line + 1, i.code, i.confirmsLeak]), [
      [brokerGo, 'runtime/goroutines-leaking', true],
      [brokerReceive, 'runtime/goroutines-leaking', true],
    ]);
    // The range starts at the code, after the indentation.
    assert.equal(brokerItems[0].range.start.character, 1);
    assert.match(brokerItems[1].message, new RegExp(`^8 goroutines blocked here on chan receive \\(\\+\\d+(\\.\\d)?/min\\) in pod team-a/leaky — growing: a leak; created at broker/broker.go:${brokerGo}$`));
    sessions.remove(target.key);
  });

  test('leaklens goroutines pod/NS/NAME as the viewer: two samples, JSON, exit 1 on a leak', async () => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
    const child = spawn(process.execPath, [CLI, 'goroutines', `pod/${NS}/leaky`, '--second-sample', '2s', '--min-wait', '0', '--format', 'json', '--fail-on-leak'], {
      cwd: LEAKY_DIR,
      env: { ...process.env, KUBECONFIG: cp.limitedKubeconfig },
    });
    let stdout = '';
    let stderr = '';
    let subscribed: Promise<void> | undefined;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/second sample in/.test(stderr)) subscribed ??= app.subscribe(2);
    });
    const code = await new Promise((r) => child.once('exit', r));
    await subscribed;
    assert.equal(code, 1, stderr);
    const out = JSON.parse(stdout);
    assert.equal(out.source, `pod ${NS}/leaky`);
    assert.deepEqual(out.samples.map((s: { endpoint: string }) => s.endpoint), ['port 6060 /debug/pprof/goroutine', 'port 6060 /debug/pprof/goroutine']);
    const broker = out.groups.find((g: { verdict: string }) => g.verdict === 'leaking');
    assert.deepEqual([broker.before, broker.count, broker.created.workspaceFile, broker.blocked.workspaceFile, broker.blocked.line], [8, 10, 'broker/broker.go', 'broker/broker.go', brokerReceive]);
    assert.ok(out.findings.some((f: { file: string; line: number; code: string }) => f.file === 'broker/broker.go' && f.line === brokerGo && f.code === 'runtime/goroutines-leaking'));
  });

  test('pods that serve no profile: each says why and how to expose pprof', async () => {
    const failure = async (name: string) => {
      const e = await readPodProfile(viewer, NS, name, { maxBytes: MB }).then(
        () => assert.fail(`${name} served a profile`),
        (x: unknown) => x,
      );
      assert.ok(e instanceof PprofUnavailableError, String(e));
      assert.match(e.message, /leaklens\.dev\/pprof-port/);
      return e.message;
    };
    assert.match(await failure('no-pprof'), /names no pprof port/);
    assert.match(await failure('wrong-port'), /port 6099 \(annotation leaklens\.dev\/pprof-port\): HTTP 503: .*(refused|dial)/);
    assert.match(await failure('pending'), /port 6060 .*the pod has no IP yet/);
    // A port from the setting when the pod names none; it does not serve pprof (it is the app's).
    const e = await readPodProfile(viewer, NS, 'no-pprof', { maxBytes: MB, settingPort: 8080 }).catch((x: Error) => x);
    assert.match(String(e), /port 8080 \(setting leaklens.runtime.pprofPort\): no \/debug\/pprof\/goroutine there \(HTTP 404\)/);
  });

  test('the size limit cuts a profile (marked truncated), and cancelling stops a read', async () => {
    const whole = await readPodProfile(viewer, NS, 'leaky', { maxBytes: 64 * MB });
    const cut = await readPodProfile(viewer, NS, 'leaky', { maxBytes: 2048 });
    assert.equal(cut.profile.truncated, true);
    assert.equal(cut.profile.bytes, 2048);
    assert.ok(cut.profile.total > 0 && cut.profile.total < whole.profile.total, `${cut.profile.total} of ${whole.profile.total}`);
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(readPodProfile(viewer, NS, 'leaky', { maxBytes: MB, signal: abort.signal }), CancelledError);
  });

  test('in the Cluster view model: the groups hang under the pod, and go with it when it is deleted', async () => {
    const sessions = new RuntimeSessions({ mapper, settings: () => ({ secondSampleMs: 0, minWaitMinutes: 0, maxBytes: 64 * MB }) });
    // As client/src/runtime/index.ts wires them, without the vscode module.
    const listeners = new Set<(pod: PodRef) => void>();
    const podAttachments: PodAttachments = {
      childrenOf: (pod) => {
        const s = sessions.forPod(pod);
        return s ? sessionChildren(s, { relative: (f) => path.relative(LEAKY_DIR, f), describeError: String }, `r/${s.target.key}`) : [];
      },
      podGone: (pod) => sessions.remove(podKey(pod)),
      onDidChange: (l) => (listeners.add(l), () => listeners.delete(l)),
    };
    sessions.onDidChange((key) => {
      const pod = { context: 'viewer', namespace: NS, name: key.split('/').pop()! };
      for (const l of listeners) l(pod);
    });
    const loaded = await loadKubeconfig(cp.limitedKubeconfig, {}, cp.dir);
    const ex = new ClusterExplorer({ loadKubeconfig: async () => loaded, namespaceSettings: () => ({ filter: [], pinned: [] }), podAttachments });
    try {
      const [ctx] = await ex.roots();
      const ns = (await ex.children(ctx)).find((n) => n.type === 'namespace' && n.namespace === NS)!;
      const pod = (await ex.children(ns)).find((n) => n.type === 'pod' && n.name === 'leaky-go126')!;
      assert.deepEqual([viewOf(ex, pod).collapsible, (await ex.children(pod)).length], ['none', 0]);
      const pods = { context: 'viewer', namespace: NS, name: 'leaky-go126' };
      await sessions.inspect({ key: podKey(pods), label: 'pod team-a/leaky-go126', pod: pods, live: true, read: async (o) => ({ profile: (await readPodProfile(viewer, NS, 'leaky-go126', o)).profile, detail: '' }) });
      const kids = await ex.children(pod);
      assert.equal(viewOf(ex, pod).collapsible, 'expanded');
      assert.match(viewOf(ex, kids[0]).label, /^\d+ goroutines in \d+ groups$/);
      const leaked = kids.find((k) => k.type === 'runtime' && k.icon.id === 'error')!;
      assert.equal(viewOf(ex, leaked).label, '4 × chan send');
      assert.match(viewOf(ex, leaked).description!, /^leaked · created at orders\/fetch\.go:25, blocked at orders\/fetch\.go:26$/);
      assert.equal(ex.parent(leaked), pod);
      assert.ok(leaked.type === 'runtime' && leaked.open?.file.endsWith(path.join('orders', 'fetch.go')));

      const r = await cp.request('admin', 'DELETE', `/api/v1/namespaces/${NS}/pods/leaky-go126`);
      assert.equal(r.status, 200, r.text);
      await k.waitFor('the session to go with its pod', () => !sessions.forPod(pods));
    } finally {
      ex.dispose();
    }
  });

  test("the audit log: the viewer's requests were get on pods and pods/proxy, nothing else", async () => {
    const ours = await k.waitFor('audit events of the reads', () => {
      const events = cp.readAudit().filter((e) => e.userAgent === USER_AGENT && e.stage === 'ResponseComplete' && e.user.username === 'viewer');
      return events.some((e) => e.objectRef?.subresource === 'proxy') && events;
    });
    // The Cluster view's own lists and watches are covered by cluster-view.test.ts; the profile reads add only get.
    const reads = ours.filter((e) => e.verb !== 'list' && e.verb !== 'watch');
    assert.deepEqual([...new Set(reads.map((e) => e.verb))], ['get']);
    const resources = new Set(reads.map((e) => `${e.objectRef?.resource}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ''}`));
    assert.deepEqual([...resources].sort(), ['pods', 'pods/proxy']);
    assert.ok(!ours.some((e) => ['portforward', 'exec', 'attach'].includes(e.objectRef?.subresource ?? '')));
    const proxied = ours.filter((e) => e.objectRef?.subresource === 'proxy');
    assert.ok(proxied.every((e) => /\/pods\/[a-z0-9-]+:\d+\/proxy\/debug\/pprof\/goroutine(leak)?\?debug=2$/.test(e.requestURI)), proxied.map((e) => e.requestURI).join('\n'));
  });

  test('the pod network is gone once its processes stop', async () => {
    await app.stop();
    await go126.stop();
    net.destroy();
    assert.equal(netnsExists(net.netns), false);
    assert.equal(linkExists(`llh${net.netns.split('-').pop()}`), false);
  });
});
