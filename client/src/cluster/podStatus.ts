/**
 * Pod status as `kubectl get pods` prints it (STATUS, READY, RESTARTS columns; the logic of
 * printPod in k8s.io/kubernetes/pkg/printers/internalversion), plus what kubectl hides: the last
 * termination reason (an OOMKilled behind a CrashLoopBackOff) and when the last restart happened.
 *
 * The summary is all the tree keeps of a pod: raw pod JSON is dropped right after this runs, which
 * is what keeps 20,000 watched pods cheap.
 */
import { controllerOf, timeOf, type KubeObject } from './kube';

/** How the tree colours a pod. */
export type PodHealth = 'ready' | 'notReady' | 'pending' | 'failed' | 'succeeded' | 'terminating' | 'unknown';

export interface Termination {
  reason: string;
  exitCode?: number;
  signal?: number;
  finishedAt?: number;
}

export interface ContainerSummary {
  name: string;
  /** An init container (sidecars included). */
  init: boolean;
  ready: boolean;
  restarts: number;
  /** "Running", "Waiting: CrashLoopBackOff", "Terminated: OOMKilled (exit 137)". */
  state: string;
  /** The message kubelet attached to a waiting/terminated state (e.g. image pull errors). */
  message?: string;
  lastTermination?: Termination;
}

export interface PodSummary {
  name: string;
  namespace: string;
  uid: string;
  /** kubectl's STATUS column. */
  status: string;
  health: PodHealth;
  phase: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestartAt?: number;
  /** The most recent previous termination of any container (the reason behind a crash loop). */
  lastTermination?: Termination & { container: string };
  createdAt?: number;
  deletingSince?: number;
  node?: string;
  podIP?: string;
  /** The controlling owner as the pod names it (e.g. a ReplicaSet). */
  owner?: { kind: string; name: string };
  containers: ContainerSummary[];
  /** status.message (e.g. why a pod was evicted). */
  message?: string;
  /** Why the scheduler has not placed the pod: its PodScheduled=False condition ("Unschedulable", "0/3 nodes are available: …"). */
  unscheduled?: { reason: string; message?: string };
}

interface ContainerState {
  running?: { startedAt?: string };
  waiting?: { reason?: string; message?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number; signal?: number; finishedAt?: string };
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface ContainerSpec {
  name: string;
  restartPolicy?: string;
}

/** A sidecar: an init container that keeps running (restartPolicy: Always). */
function isRestartableInit(c: ContainerSpec | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function terminationOf(s: ContainerState | undefined): Termination | undefined {
  const t = s?.terminated;
  if (!t) return undefined;
  return { reason: t.reason || exitReason(t), exitCode: t.exitCode, signal: t.signal || undefined, finishedAt: timeOf(t.finishedAt) };
}

function exitReason(t: { signal?: number; exitCode?: number }): string {
  return t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? 0}`;
}

function describeState(s: ContainerState | undefined): string {
  if (s?.running) return 'Running';
  if (s?.waiting) return `Waiting${s.waiting.reason ? `: ${s.waiting.reason}` : ''}`;
  if (s?.terminated) {
    const t = s.terminated;
    return `Terminated: ${t.reason || exitReason(t)} (exit ${t.exitCode ?? 0})`;
  }
  return 'Unknown';
}

function conditionTrue(pod: KubeObject, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === type && c.status === 'True');
}

const PENDING = new Set(['Pending', 'ContainerCreating', 'PodInitializing', 'SchedulingGated', 'NotReady']);

function healthOf(status: string, ready: number, total: number): PodHealth {
  if (status === 'Terminating') return 'terminating';
  if (status === 'Completed' || status === 'Succeeded') return 'succeeded';
  if (status === 'Running') return ready === total ? 'ready' : 'notReady';
  if (status === 'NotReady') return 'notReady';
  if (status === 'Unknown') return 'unknown';
  if (PENDING.has(status) || /^Init:\d+\/\d+$/.test(status)) return 'pending';
  // Every other reason kubelet reports (CrashLoopBackOff, ImagePullBackOff, ErrImagePull, Error,
  // OOMKilled, Evicted, Init:Error, CreateContainerConfigError, ...) means the pod is failing.
  return 'failed';
}

export function summarizePod(pod: KubeObject): PodSummary {
  const meta = pod.metadata ?? {};
  const spec = pod.spec ?? {};
  const st = pod.status ?? {};
  const specContainers: ContainerSpec[] = spec.containers ?? [];
  const specInit: ContainerSpec[] = spec.initContainers ?? [];
  const initStatuses: ContainerStatus[] = st.initContainerStatuses ?? [];
  const statuses: ContainerStatus[] = st.containerStatuses ?? [];
  const initByName = new Map(specInit.map((c) => [c.name, c]));

  const phase: string = st.phase ?? 'Unknown';
  let reason: string = st.reason || phase;
  if ((st.conditions ?? []).some((c: { type?: string; reason?: string }) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  const total = specContainers.length + specInit.filter(isRestartableInit).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;

  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const finished = timeOf(c.lastState?.terminated?.finishedAt) ?? 0;
    restarts += c.restartCount ?? 0;
    if (c.lastState?.terminated) lastRestart = Math.max(lastRestart, finished);
    const sidecar = isRestartableInit(initByName.get(c.name));
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      if (c.lastState?.terminated) lastSidecarRestart = Math.max(lastSidecarRestart, finished);
    }
    const term = c.state?.terminated;
    if (term && term.exitCode === 0) continue;
    if (sidecar && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (term) reason = `Init:${term.reason || exitReason(term)}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${specInit.length}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    // kubectl walks the containers backwards, so the first container's reason wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      if (c.lastState?.terminated) lastRestart = Math.max(lastRestart, timeOf(c.lastState.terminated.finishedAt) ?? 0);
      const waiting = c.state?.waiting;
      const term = c.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (term) reason = term.reason || exitReason(term);
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const deletingSince = timeOf(meta.deletionTimestamp);
  if (deletingSince !== undefined && st.reason === 'NodeLost') reason = 'Unknown';
  else if (deletingSince !== undefined && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const containers: ContainerSummary[] = [];
  let lastTermination: PodSummary['lastTermination'];
  const addContainers = (list: ContainerStatus[], init: boolean) => {
    for (const c of list) {
      const last = terminationOf(c.lastState);
      containers.push({
        name: c.name,
        init,
        ready: !!c.ready,
        restarts: c.restartCount ?? 0,
        state: describeState(c.state),
        message: c.state?.waiting?.message || c.state?.terminated?.message || undefined,
        lastTermination: last,
      });
      if (last && (!lastTermination || (last.finishedAt ?? 0) > (lastTermination.finishedAt ?? 0))) {
        lastTermination = { ...last, container: c.name };
      }
    }
  };
  addContainers(initStatuses, true);
  addContainers(statuses, false);
  // Containers kubelet has not reported yet still belong in the picker and the tooltip.
  for (const c of [...specInit.map((s) => ({ s, init: true })), ...specContainers.map((s) => ({ s, init: false }))]) {
    if (!containers.some((x) => x.name === c.s.name && x.init === c.init)) {
      containers.push({ name: c.s.name, init: c.init, ready: false, restarts: 0, state: 'Waiting' });
    }
  }

  const owner = controllerOf(meta);
  const notScheduled = (st.conditions ?? []).find((c: { type?: string; status?: string }) => c.type === 'PodScheduled' && c.status === 'False');
  return {
    name: meta.name ?? '',
    namespace: meta.namespace ?? '',
    uid: meta.uid ?? '',
    status: reason,
    health: healthOf(reason, ready, total),
    phase,
    ready,
    total,
    restarts,
    lastRestartAt: restarts > 0 && lastRestart > 0 ? lastRestart : undefined,
    lastTermination,
    createdAt: timeOf(meta.creationTimestamp),
    deletingSince,
    node: spec.nodeName || undefined,
    podIP: st.podIP || undefined,
    owner: owner?.kind && owner.name ? { kind: owner.kind, name: owner.name } : undefined,
    containers,
    message: st.message || undefined,
    unscheduled: notScheduled ? { reason: notScheduled.reason || 'NotScheduled', message: notScheduled.message || undefined } : undefined,
  };
}

/** Worst first: how the tree orders pods (then by name), and which ones "Problems only" keeps. */
const HEALTH_ORDER: Record<PodHealth, number> = { failed: 0, unknown: 1, notReady: 2, pending: 3, terminating: 4, ready: 5, succeeded: 6 };

export function compareByHealth(a: PodSummary, b: PodSummary): number {
  return HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** A pod that is neither ready nor finished successfully. */
export function podNeedsAttention(p: PodSummary): boolean {
  return p.health !== 'ready' && p.health !== 'succeeded';
}

/** kubectl's RESTARTS column: "3 (5m ago)". */
export function restartsColumn(p: PodSummary, now: number, age: (ms: number) => string): string {
  return p.restarts > 0 && p.lastRestartAt !== undefined ? `${p.restarts} (${age(now - p.lastRestartAt)} ago)` : String(p.restarts);
}

/** True when the pod is crash-looping or has restarted: its previous container's logs matter. */
export function hasPreviousLogs(p: PodSummary): boolean {
  return p.containers.some((c) => c.lastTermination !== undefined);
}
