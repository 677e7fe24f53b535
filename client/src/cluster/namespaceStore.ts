/**
 * Everything the tree knows about one namespace of one context: pod summaries, workloads, who owns
 * which pod, lint results and per-resource problems. It is fed by one reflector per resource and
 * reports, for each change, the narrowest part of the tree that must be redrawn.
 */
import { REPLICASETS, JOBS, PODS, WORKLOADS, type ResourceType, type WorkloadKind } from './kinds';
import type { KubeObject } from './kube';
import { compareByHealth, podNeedsAttention, summarizePod, type PodSummary } from './podStatus';
import type { ClusterProblem } from './problems';
import type { ReflectorSink, ReflectorState } from './reflector';
import { Ownership, summarizeWorkload, type WorkloadSummary } from './workloads';

/** What to redraw: the namespace (its list of children changed), one workload, or one pod. */
export type Dirty = { type: 'namespace' } | { type: 'workload'; key: string } | { type: 'pod'; name: string } | { type: 'podGone'; name: string };

export interface LintFinding {
  rule: string;
  severity: string;
  message: string;
}

export type Linter = (obj: KubeObject) => LintFinding[];

export function workloadKey(kind: WorkloadKind, name: string): string {
  return `${kind}/${name}`;
}

export class NamespaceStore {
  readonly pods = new Map<string, PodSummary>();
  readonly workloads = new Map<string, WorkloadSummary>();
  readonly lint = new Map<string, LintFinding[]>();
  /** Resource plural → its reflector's current state. */
  readonly states = new Map<string, ReflectorState>();
  private readonly ownership = new Ownership();
  /** Names of ReplicaSets/Jobs seen, per kind (for resync). */
  private readonly owners = { ReplicaSet: new Set<string>(), Job: new Set<string>() };
  /** Pod name → workload key, '' for a standalone pod. */
  private readonly podParent = new Map<string, string>();
  private readonly members = new Map<string, Set<string>>();
  private readonly standalone = new Set<string>();
  private readonly lintedGeneration = new Map<string, string>();
  /** Ownership or the set of workloads changed: pods get regrouped before the next read. */
  private groupingStale = false;

  constructor(
    readonly namespace: string,
    private readonly onDirty: (d: Dirty) => void,
    private readonly linter?: Linter,
  ) {}

  /** The sink a resource's reflector feeds. */
  sinkFor(resource: ResourceType): ReflectorSink {
    const state = (s: ReflectorState) => {
      const before = this.states.get(resource.plural);
      this.states.set(resource.plural, s);
      if (before?.phase !== s.phase || s.phase === 'failed' || s.phase === 'retrying') this.onDirty({ type: 'namespace' });
    };
    if (resource === PODS) {
      return { upsert: (o) => this.upsertPod(o), remove: (n) => this.removePod(n), resync: (names) => this.resync(this.pods, names, (n) => this.removePod(n)), state };
    }
    if (resource === REPLICASETS) return this.ownerSink('ReplicaSet', state);
    const kind = resource.kind as WorkloadKind;
    const keys = () => new Map([...this.workloads.values()].filter((w) => w.kind === kind).map((w) => [w.name, w]));
    const sink: ReflectorSink = {
      upsert: (o) => this.upsertWorkload(kind, o),
      remove: (n) => this.removeWorkload(kind, n),
      resync: (names) => this.resync(keys(), names, (n) => this.removeWorkload(kind, n)),
      state,
    };
    if (resource !== JOBS) return sink;
    // Jobs are workloads and also tell which CronJob owns their pods.
    const jobOwners = this.ownerSink('Job', state);
    return {
      upsert: (o) => {
        jobOwners.upsert(o);
        sink.upsert(o);
      },
      remove: (n) => {
        jobOwners.remove(n);
        sink.remove(n);
      },
      resync: (names) => {
        jobOwners.resync(names);
        sink.resync(names);
      },
      state,
    };
  }

  /** Workloads as the namespace lists them: by kind, then name; Jobs of a CronJob sit under it. */
  topWorkloads(): WorkloadSummary[] {
    this.ensureGrouped();
    const order = (k: WorkloadKind) => WORKLOADS.findIndex((r) => r.kind === k);
    return [...this.workloads.values()]
      .filter((w) => !(w.kind === 'Job' && this.ownership.cronJobOf(w.name) && this.workloads.has(workloadKey('CronJob', this.ownership.cronJobOf(w.name)!))))
      .sort((a, b) => order(a.kind) - order(b.kind) || a.name.localeCompare(b.name));
  }

  podsOf(key: string): PodSummary[] {
    this.ensureGrouped();
    return sortedPods(this.members.get(key), this.pods);
  }

  podCount(key: string): number {
    this.ensureGrouped();
    return this.members.get(key)?.size ?? 0;
  }

  standalonePods(): PodSummary[] {
    this.ensureGrouped();
    return sortedPods(this.standalone, this.pods);
  }

  /** The workload key a pod is listed under ('' when standalone, undefined when unknown). */
  parentOf(podName: string): string | undefined {
    this.ensureGrouped();
    return this.podParent.get(podName);
  }

  failingPods(key: string): number {
    this.ensureGrouped();
    let n = 0;
    for (const name of this.members.get(key) ?? []) if (this.pods.get(name)?.health === 'failed') n++;
    return n;
  }

  /**
   * True when a workload is not healthy (a pod needing attention, fewer ready replicas than
   * desired, failed Job pods) or live lint has findings on it: what "Problems only" keeps.
   */
  workloadNeedsAttention(key: string): boolean {
    this.ensureGrouped();
    const w = this.workloads.get(key);
    if (!w) return false;
    if (this.lint.get(key)?.length) return true;
    if (w.kind !== 'Job' && w.kind !== 'CronJob' && w.desired !== undefined && w.ready < w.desired) return true;
    if (w.kind === 'Job' && (w.object.status?.failed ?? 0) > 0) return true;
    for (const name of this.members.get(key) ?? []) {
      const p = this.pods.get(name);
      if (p && podNeedsAttention(p)) return true;
    }
    return false;
  }

  problems(): { resource: string; problem: ClusterProblem; failed: boolean }[] {
    const out: { resource: string; problem: ClusterProblem; failed: boolean }[] = [];
    for (const [resource, s] of this.states) if (s.phase === 'failed' || s.phase === 'retrying') out.push({ resource, problem: s.problem, failed: s.phase === 'failed' });
    return out;
  }

  // --- pods

  private upsertPod(obj: KubeObject): void {
    this.ensureGrouped();
    const pod = summarizePod(obj);
    const old = this.pods.get(pod.name);
    this.pods.set(pod.name, pod);
    const parent = this.parentKeyFor(pod);
    const oldParent = this.podParent.get(pod.name);
    if (oldParent === parent) {
      if (old && samePod(old, pod)) return;
      this.onDirty({ type: 'pod', name: pod.name });
      // Workload descriptions count ready and failing pods, and pods are ordered by health.
      if (!old || old.health !== pod.health) this.onDirty(parent ? { type: 'workload', key: parent } : { type: 'namespace' });
      return;
    }
    if (oldParent !== undefined) this.detach(pod.name, oldParent);
    this.attach(pod.name, parent);
  }

  private removePod(name: string): void {
    this.ensureGrouped();
    if (!this.pods.delete(name)) return;
    const parent = this.podParent.get(name);
    if (parent !== undefined) this.detach(name, parent);
    this.onDirty({ type: 'podGone', name });
  }

  private parentKeyFor(pod: PodSummary): string {
    const w = this.ownership.workloadOf(pod.owner);
    if (w && this.workloads.has(workloadKey(w.kind, w.name))) return workloadKey(w.kind, w.name);
    // A CronJob's pod whose CronJob we cannot see stays under its Job.
    if (pod.owner?.kind === 'Job' && this.workloads.has(workloadKey('Job', pod.owner.name))) return workloadKey('Job', pod.owner.name);
    return '';
  }

  private attach(name: string, parent: string): void {
    this.podParent.set(name, parent);
    if (parent) {
      let set = this.members.get(parent);
      if (!set) this.members.set(parent, (set = new Set()));
      set.add(name);
      this.onDirty({ type: 'workload', key: parent });
    } else {
      this.standalone.add(name);
      this.onDirty({ type: 'namespace' });
    }
  }

  private detach(name: string, parent: string): void {
    this.podParent.delete(name);
    if (parent) {
      this.members.get(parent)?.delete(name);
      this.onDirty({ type: 'workload', key: parent });
    } else {
      this.standalone.delete(name);
      this.onDirty({ type: 'namespace' });
    }
  }

  /** Ownership or the set of workloads changed; regrouping waits for the next read, so a list of 1,000 ReplicaSets regroups once. */
  private regroup(): void {
    if (!this.groupingStale) this.onDirty({ type: 'namespace' });
    this.groupingStale = true;
  }

  private ensureGrouped(): void {
    if (!this.groupingStale) return;
    this.groupingStale = false;
    this.podParent.clear();
    this.members.clear();
    this.standalone.clear();
    for (const pod of this.pods.values()) {
      const parent = this.parentKeyFor(pod);
      this.podParent.set(pod.name, parent);
      if (parent) {
        let set = this.members.get(parent);
        if (!set) this.members.set(parent, (set = new Set()));
        set.add(pod.name);
      } else this.standalone.add(pod.name);
    }
  }

  // --- workloads

  private upsertWorkload(kind: WorkloadKind, obj: KubeObject): void {
    const w = summarizeWorkload(kind, obj);
    const key = workloadKey(kind, w.name);
    const existed = this.workloads.has(key);
    const before = this.workloads.get(key);
    this.workloads.set(key, w);
    this.relint(key, w);
    if (!existed) this.regroup();
    else if (before?.ready !== w.ready || before.desired !== w.desired || before.object.metadata?.resourceVersion !== w.object.metadata?.resourceVersion) {
      this.onDirty({ type: 'workload', key });
    }
  }

  private removeWorkload(kind: WorkloadKind, name: string): void {
    const key = workloadKey(kind, name);
    if (!this.workloads.delete(key)) return;
    this.lint.delete(key);
    this.lintedGeneration.delete(key);
    this.regroup();
  }

  private relint(key: string, w: WorkloadSummary): void {
    if (!this.linter) return;
    // Status updates do not change what lint sees; spec, labels and annotations do.
    const meta = w.object.metadata;
    const stamp = `${meta?.generation}|${JSON.stringify(meta?.labels ?? {})}|${JSON.stringify(meta?.annotations ?? {})}`;
    if (this.lintedGeneration.get(key) === stamp) return;
    this.lintedGeneration.set(key, stamp);
    try {
      this.lint.set(key, this.linter(w.object));
    } catch (e) {
      this.lint.set(key, [{ rule: 'internal', severity: 'info', message: `lint failed: ${(e as Error).message}` }]);
    }
  }

  // --- ReplicaSets and Jobs: ownership only

  private ownerSink(kind: 'ReplicaSet' | 'Job', state: (s: ReflectorState) => void): ReflectorSink {
    const seen = this.owners[kind];
    const upsert = (o: KubeObject) => {
      const name = o.metadata?.name ?? '';
      seen.add(name);
      if (this.ownership.set(kind, name, o)) this.regroup();
    };
    const remove = (name: string) => {
      seen.delete(name);
      if (this.ownership.set(kind, name, undefined)) this.regroup();
    };
    return {
      upsert,
      remove,
      resync: (names) => {
        for (const name of [...seen]) if (!names.has(name)) remove(name);
      },
      state,
    };
  }

  private resync<V>(current: Map<string, V>, names: ReadonlySet<string>, remove: (name: string) => void): void {
    for (const name of [...current.keys()]) if (!names.has(name)) remove(name);
  }
}

function sortedPods(names: Iterable<string> | undefined, pods: Map<string, PodSummary>): PodSummary[] {
  const out: PodSummary[] = [];
  for (const n of names ?? []) {
    const p = pods.get(n);
    if (p) out.push(p);
  }
  return out.sort(compareByHealth);
}

function samePod(a: PodSummary, b: PodSummary): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
