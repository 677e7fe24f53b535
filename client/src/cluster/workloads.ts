/** Workload summaries (ready/desired as kubectl prints them) and which workload a pod belongs to. */
import type { WorkloadKind } from './kinds';
import { controllerOf, timeOf, type KubeObject } from './kube';

export interface WorkloadSummary {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  uid: string;
  /** Ready replicas (Jobs: succeeded completions; CronJobs: active Jobs). */
  ready: number;
  /** Desired replicas (Jobs: completions; CronJobs: undefined). */
  desired?: number;
  createdAt?: number;
  /** The object without managedFields: what lint, trace links and tooltips read. */
  object: KubeObject;
}

/** The object as the tree keeps it: managedFields are bulky and never shown. */
export function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

const API_VERSIONS: Record<WorkloadKind, string> = { Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1' };

export function summarizeWorkload(kind: WorkloadKind, raw: KubeObject): WorkloadSummary {
  // Items of a list response carry no kind or apiVersion (watch events do); lint and trace links need them.
  const obj = { apiVersion: API_VERSIONS[kind], kind, ...withoutManagedFields(raw) };
  const spec = obj.spec ?? {};
  const st = obj.status ?? {};
  let ready = 0;
  let desired: number | undefined;
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
      ready = st.readyReplicas ?? 0;
      desired = spec.replicas ?? 1;
      break;
    case 'DaemonSet':
      ready = st.numberReady ?? 0;
      desired = st.desiredNumberScheduled ?? 0;
      break;
    case 'Job':
      ready = st.succeeded ?? 0;
      desired = spec.completions ?? (spec.parallelism === undefined ? 1 : undefined);
      break;
    case 'CronJob':
      ready = (st.active ?? []).length;
      break;
  }
  return {
    kind,
    name: obj.metadata?.name ?? '',
    namespace: obj.metadata?.namespace ?? '',
    uid: obj.metadata?.uid ?? '',
    ready,
    desired,
    createdAt: timeOf(obj.metadata?.creationTimestamp),
    object: obj,
  };
}

/** "2/3" for replica sets and jobs, "1 active" for CronJobs (plus "suspended"). */
export function readyColumn(w: WorkloadSummary): string {
  if (w.kind === 'CronJob') return `${w.ready} active${w.object.spec?.suspend ? ', suspended' : ''}`;
  return `${w.ready}/${w.desired ?? '-'}`;
}

/**
 * Who controls what, within one namespace: ReplicaSet → Deployment and Job → CronJob, learned from
 * the ReplicaSets' and Jobs' ownerReferences.
 */
export class Ownership {
  private readonly parents = new Map<string, { kind: WorkloadKind; name: string }>();

  private static key(kind: string, name: string): string {
    return `${kind}/${name}`;
  }

  /** Records (or forgets, when it has no controller) the owner of a ReplicaSet or Job. Returns true if it changed. */
  set(kind: 'ReplicaSet' | 'Job', name: string, obj: KubeObject | undefined): boolean {
    const key = Ownership.key(kind, name);
    const owner = controllerOf(obj?.metadata);
    const parentKind = kind === 'ReplicaSet' ? 'Deployment' : 'CronJob';
    const before = this.parents.get(key);
    if (owner?.kind === parentKind && owner.name) {
      if (before?.name === owner.name) return false;
      this.parents.set(key, { kind: parentKind, name: owner.name });
      return true;
    }
    return this.parents.delete(key);
  }

  /** The workload (kind/name) a pod with this controller belongs to, or undefined for a standalone pod. */
  workloadOf(controller: { kind: string; name: string } | undefined): { kind: WorkloadKind; name: string } | undefined {
    if (!controller) return undefined;
    switch (controller.kind) {
      case 'ReplicaSet':
        return this.parents.get(Ownership.key('ReplicaSet', controller.name));
      case 'Job':
        return this.parents.get(Ownership.key('Job', controller.name)) ?? { kind: 'Job', name: controller.name };
      case 'StatefulSet':
      case 'DaemonSet':
        return { kind: controller.kind, name: controller.name };
      default:
        return undefined;
    }
  }

  /** The CronJob owning a Job (such Jobs appear under their CronJob, not on their own). */
  cronJobOf(jobName: string): string | undefined {
    return this.parents.get(Ownership.key('Job', jobName))?.name;
  }
}
