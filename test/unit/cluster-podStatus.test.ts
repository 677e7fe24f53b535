// Pod status as kubectl prints it (cases modelled on kubectl's printPod tests), plus the last
// termination reason, restart times and health used for icons.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration } from '../../client/src/cluster/humanDuration';
import { hasPreviousLogs, restartsColumn, summarizePod } from '../../client/src/cluster/podStatus';
import { podDescription, podLabel } from '../../client/src/cluster/presentation';

const T0 = '2025-01-01T00:00:00Z';

function pod(status: Record<string, unknown>, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'u', creationTimestamp: T0, ...metadata },
    spec: { containers: [{ name: 'app' }], ...spec },
    status,
  };
}

const running = (ready = true, restartCount = 0, lastState = {}) => ({ name: 'app', ready, restartCount, state: { running: { startedAt: T0 } }, lastState });
const waiting = (reason: string, restartCount = 0, lastState = {}) => ({ name: 'app', ready: false, restartCount, state: { waiting: { reason, message: `${reason} message` } }, lastState });
const terminated = (reason: string, exitCode: number, name = 'app') => ({ name, ready: false, restartCount: 0, state: { terminated: { reason, exitCode, finishedAt: T0 } } });

describe('kubectl STATUS column', () => {
  const cases: [string, ReturnType<typeof pod>, string, string][] = [
    ['running and ready', pod({ phase: 'Running', containerStatuses: [running()] }), 'Running', 'ready'],
    ['running, not ready', pod({ phase: 'Running', containerStatuses: [running(false)] }), 'Running', 'notReady'],
    ['pending, nothing reported', pod({ phase: 'Pending' }), 'Pending', 'pending'],
    ['container creating', pod({ phase: 'Pending', containerStatuses: [waiting('ContainerCreating')] }), 'ContainerCreating', 'pending'],
    ['crash loop', pod({ phase: 'Running', containerStatuses: [waiting('CrashLoopBackOff', 4)] }), 'CrashLoopBackOff', 'failed'],
    ['image pull backoff', pod({ phase: 'Pending', containerStatuses: [waiting('ImagePullBackOff')] }), 'ImagePullBackOff', 'failed'],
    ['err image pull', pod({ phase: 'Pending', containerStatuses: [waiting('ErrImagePull')] }), 'ErrImagePull', 'failed'],
    ['completed', pod({ phase: 'Succeeded', containerStatuses: [terminated('Completed', 0)] }), 'Completed', 'succeeded'],
    ['error', pod({ phase: 'Failed', containerStatuses: [terminated('Error', 1)] }), 'Error', 'failed'],
    ['oom killed', pod({ phase: 'Running', containerStatuses: [terminated('OOMKilled', 137)] }), 'OOMKilled', 'failed'],
    ['terminated without reason, exit code', pod({ phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 3 } } }] }), 'ExitCode:3', 'failed'],
    ['terminated by signal', pod({ phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, signal: 9 } } }] }), 'Signal:9', 'failed'],
    ['evicted', pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }), 'Evicted', 'failed'],
    ['terminating', pod({ phase: 'Running', containerStatuses: [running()] }, {}, { deletionTimestamp: T0 }), 'Terminating', 'terminating'],
    ['deleted but already succeeded stays Completed', pod({ phase: 'Succeeded', containerStatuses: [terminated('Completed', 0)] }, {}, { deletionTimestamp: T0 }), 'Completed', 'succeeded'],
    ['node lost', pod({ phase: 'Running', reason: 'NodeLost', containerStatuses: [running()] }, {}, { deletionTimestamp: T0 }), 'Unknown', 'unknown'],
    ['scheduling gated', pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), 'SchedulingGated', 'pending'],
  ];
  for (const [name, p, status, health] of cases) {
    test(name, () => {
      const s = summarizePod(p);
      assert.equal(s.status, status);
      assert.equal(s.health, health);
    });
  }

  test('init containers: Init:x/y while running, Init:reason on failure, then the main containers', () => {
    const spec = { initContainers: [{ name: 'migrate' }, { name: 'seed' }] };
    const initRunning = pod({ phase: 'Pending', initContainerStatuses: [terminated('Completed', 0, 'migrate'), { name: 'seed', state: { running: {} } }] }, spec);
    assert.equal(summarizePod(initRunning).status, 'Init:1/2');
    assert.equal(summarizePod(initRunning).health, 'pending');

    const initCrash = pod({ phase: 'Pending', initContainerStatuses: [{ name: 'migrate', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, spec);
    assert.equal(summarizePod(initCrash).status, 'Init:CrashLoopBackOff');
    assert.equal(summarizePod(initCrash).health, 'failed');

    const initError = pod({ phase: 'Failed', initContainerStatuses: [terminated('Error', 1, 'migrate')] }, spec);
    assert.equal(summarizePod(initError).status, 'Init:Error');

    // A PodInitializing wait is not a reason of its own.
    const initWaiting = pod({ phase: 'Pending', initContainerStatuses: [{ name: 'migrate', state: { waiting: { reason: 'PodInitializing' } } }] }, spec);
    assert.equal(summarizePod(initWaiting).status, 'Init:0/2');

    const done = pod({ phase: 'Running', initContainerStatuses: [terminated('Completed', 0, 'migrate'), terminated('Completed', 0, 'seed')], containerStatuses: [running()] }, spec);
    assert.equal(summarizePod(done).status, 'Running');
    assert.deepEqual([summarizePod(done).ready, summarizePod(done).total], [1, 1]);
  });

  test('sidecars (restartable init containers) count in READY and restarts', () => {
    const spec = { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] };
    const p = pod(
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2025-01-01T01:00:00Z' } } }],
        containerStatuses: [running(true, 1, { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2025-01-01T00:30:00Z' } })],
      },
      spec,
    );
    const s = summarizePod(p);
    assert.equal(s.status, 'Running');
    assert.deepEqual([s.ready, s.total], [2, 2]);
    assert.equal(s.restarts, 3);
    assert.equal(s.lastRestartAt, Date.parse('2025-01-01T01:00:00Z'));
  });

  test('first container wins: kubectl walks containers backwards', () => {
    const p = pod(
      { phase: 'Running', containerStatuses: [{ ...waiting('CrashLoopBackOff'), name: 'a' }, { ...waiting('ImagePullBackOff'), name: 'b' }] },
      { containers: [{ name: 'a' }, { name: 'b' }] },
    );
    assert.equal(summarizePod(p).status, 'CrashLoopBackOff');
  });

  test('Completed with a container still running is Running (or NotReady)', () => {
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    const status = (ready: boolean) => ({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ ...running(), name: 'a' }, terminated('Completed', 0, 'b')],
    });
    assert.equal(summarizePod(pod(status(true), spec)).status, 'Running');
    assert.equal(summarizePod(pod(status(false), spec)).status, 'NotReady');
  });
});

describe('what kubectl hides', () => {
  const finished = '2025-01-01T00:10:00Z';
  const crashLooping = pod({
    phase: 'Running',
    containerStatuses: [waiting('CrashLoopBackOff', 5, { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: finished } })],
  });

  test('the OOMKilled behind a CrashLoopBackOff, and when the last restart was', () => {
    const s = summarizePod(crashLooping);
    assert.equal(s.status, 'CrashLoopBackOff');
    assert.deepEqual(s.lastTermination, { reason: 'OOMKilled', exitCode: 137, signal: undefined, finishedAt: Date.parse(finished), container: 'app' });
    assert.equal(s.restarts, 5);
    assert.equal(s.lastRestartAt, Date.parse(finished));
    const now = Date.parse(finished) + 3 * 60_000;
    assert.equal(restartsColumn(s, now, humanDuration), '5 (3m ago)');
    // The status leads the row (a narrow sidebar cuts the end); what kubectl hides follows.
    assert.equal(podLabel(s), 'CrashLoopBackOff · p');
    assert.equal(podDescription(s), 'last: OOMKilled · 0/1 · 5 restarts');
    assert.equal(hasPreviousLogs(s), true);
  });

  test('no restarts: no time, no previous logs', () => {
    const s = summarizePod(pod({ phase: 'Running', containerStatuses: [running()] }));
    assert.equal(restartsColumn(s, Date.now(), humanDuration), '0');
    assert.equal(s.lastRestartAt, undefined);
    assert.equal(hasPreviousLogs(s), false);
    assert.equal(podLabel(s), 'Running · p');
    assert.equal(podDescription(s), '1/1');
  });

  test('one restart is "1 restart"', () => {
    const once = pod({ phase: 'Running', containerStatuses: [waiting('CrashLoopBackOff', 1, { terminated: { reason: 'Error', exitCode: 1, finishedAt: finished } })] });
    assert.equal(podDescription(summarizePod(once)), 'last: Error · 0/1 · 1 restart');
  });

  test("a Pending pod says why: the scheduler's PodScheduled=False reason and message", () => {
    const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    const s = summarizePod(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }] }));
    assert.deepEqual([s.status, s.health], ['Pending', 'pending']);
    assert.deepEqual(s.unscheduled, { reason: 'Unschedulable', message });
    assert.equal(podDescription(s), `0/1 · Unschedulable: ${message}`);
    const scheduled = summarizePod(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] }, { nodeName: 'n1', containers: [{ name: 'app' }] }));
    assert.equal(scheduled.unscheduled, undefined);
  });

  test('containers not reported yet are still listed (for the log picker)', () => {
    const s = summarizePod(pod({ phase: 'Pending' }, { containers: [{ name: 'app' }, { name: 'sidecar' }], initContainers: [{ name: 'init' }] }));
    assert.deepEqual(s.containers.map((c) => `${c.name}:${c.init}`), ['init:true', 'app:false', 'sidecar:false']);
    assert.equal(s.total, 2);
  });

  test('the controlling owner is kept', () => {
    const s = summarizePod(pod({ phase: 'Pending' }, {}, { ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d8', controller: true }, { kind: 'Other', name: 'x' }] }));
    assert.deepEqual(s.owner, { kind: 'ReplicaSet', name: 'web-5d8' });
  });

  test('garbage in, no throw', () => {
    const s = summarizePod({} as never);
    assert.equal(s.status, 'Unknown');
    assert.equal(s.name, '');
  });
});

describe('kubectl ages', () => {
  const s = 1000;
  const cases: [number, string][] = [
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [119 * s, '119s'],
    [120 * s, '2m'],
    [(9 * 60 + 30) * s, '9m30s'],
    [10 * 60 * s, '10m'],
    [179 * 60 * s, '179m'],
    [3 * 3600 * s, '3h'],
    [(7 * 60 + 59) * 60 * s, '7h59m'],
    [8 * 3600 * s, '8h'],
    [47 * 3600 * s, '47h'],
    [48 * 3600 * s, '2d'],
    [(7 * 24 + 5) * 3600 * s, '7d5h'],
    [8 * 24 * 3600 * s, '8d'],
    [(2 * 365 + 10) * 24 * 3600 * s, '2y10d'],
    [9 * 365 * 24 * 3600 * s, '9y'],
  ];
  for (const [ms, want] of cases) test(`${ms} ms → ${want}`, () => assert.equal(humanDuration(ms), want));
});
