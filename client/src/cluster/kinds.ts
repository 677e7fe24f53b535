/** The resources the cluster view reads, and their REST paths. There is deliberately no Secret here. */

export interface ResourceType {
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

function resource(kind: string, group: string, version: string, plural: string, namespaced = true): ResourceType {
  return { kind, group, version, plural, namespaced };
}

export const NAMESPACES = resource('Namespace', '', 'v1', 'namespaces', false);
export const PODS = resource('Pod', '', 'v1', 'pods');
export const EVENTS = resource('Event', '', 'v1', 'events');
export const REPLICASETS = resource('ReplicaSet', 'apps', 'v1', 'replicasets');
export const DEPLOYMENTS = resource('Deployment', 'apps', 'v1', 'deployments');
export const STATEFULSETS = resource('StatefulSet', 'apps', 'v1', 'statefulsets');
export const DAEMONSETS = resource('DaemonSet', 'apps', 'v1', 'daemonsets');
export const JOBS = resource('Job', 'batch', 'v1', 'jobs');
export const CRONJOBS = resource('CronJob', 'batch', 'v1', 'cronjobs');

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

/** The workload kinds the tree shows, in display order. */
export const WORKLOADS: readonly ResourceType[] = [DEPLOYMENTS, STATEFULSETS, DAEMONSETS, JOBS, CRONJOBS];

/** Everything watched while a namespace is expanded: pods, workloads, and ReplicaSets (to map pods to Deployments). */
export const NAMESPACE_RESOURCES: readonly ResourceType[] = [PODS, ...WORKLOADS, REPLICASETS];

export function resourceForKind(kind: string): ResourceType | undefined {
  return [NAMESPACES, PODS, EVENTS, REPLICASETS, ...WORKLOADS].find((r) => r.kind === kind);
}

function groupPrefix(r: ResourceType): string {
  return r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
}

/** The collection path: `/api/v1/namespaces/ns/pods`, `/apis/apps/v1/namespaces/ns/deployments`, `/api/v1/namespaces`. */
export function collectionPath(r: ResourceType, namespace?: string): string {
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupPrefix(r)}${ns}/${r.plural}`;
}

export function objectPath(r: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(r, namespace)}/${encodeURIComponent(name)}`;
}
