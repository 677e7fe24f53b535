/**
 * The one accessor for pod specs: which kinds carry a pod template and where, their containers, and
 * the security settings a container effectively runs with.
 */
import { mapAt, mapsIn, asSeq, pairOf, stringOf, type Pair, type YAMLMap, type YamlNode, deref } from './nodes';
import type { K8sObject } from './objects';

interface WorkloadKind {
  groups: readonly string[];
  /** Path from the object to the mapping holding the pod's `metadata` and `spec`. */
  templatePath: readonly string[];
  /** Pods that exit when done (Job, CronJob; a Pod whose restartPolicy is not Always): no probes expected. */
  runsToCompletion: boolean;
}

const APPS = ['apps', 'extensions'];

/** Kinds with a pod template, by kind; the group check keeps CRDs that reuse a name (e.g. `kind: Deployment` of some operator) out. */
const WORKLOADS: Record<string, WorkloadKind> = {
  Pod: { groups: [''], templatePath: [], runsToCompletion: false },
  Deployment: { groups: APPS, templatePath: ['spec', 'template'], runsToCompletion: false },
  ReplicaSet: { groups: APPS, templatePath: ['spec', 'template'], runsToCompletion: false },
  StatefulSet: { groups: APPS, templatePath: ['spec', 'template'], runsToCompletion: false },
  DaemonSet: { groups: APPS, templatePath: ['spec', 'template'], runsToCompletion: false },
  ReplicationController: { groups: [''], templatePath: ['spec', 'template'], runsToCompletion: false },
  Job: { groups: ['batch'], templatePath: ['spec', 'template'], runsToCompletion: true },
  CronJob: { groups: ['batch'], templatePath: ['spec', 'jobTemplate', 'spec', 'template'], runsToCompletion: true },
  Rollout: { groups: ['argoproj.io'], templatePath: ['spec', 'template'], runsToCompletion: false },
};

/** Every kind with a pod template. */
export const WORKLOAD_KINDS: readonly string[] = Object.keys(WORKLOADS);

export function isKind(obj: K8sObject, kind: string, groups: readonly string[]): boolean {
  return obj.kind === kind && groups.includes(obj.group);
}

export interface PodSpecRef {
  object: K8sObject;
  /** The mapping holding the pod's `metadata` and `spec` (the template, or the Pod itself). */
  template: YAMLMap;
  metadata?: YAMLMap;
  spec: YAMLMap;
  runsToCompletion: boolean;
}

export interface ContainerRef {
  pod: PodSpecRef;
  node: YAMLMap;
  /** An entry of `initContainers`. */
  init: boolean;
  name: string;
  /** Where container findings start: the `name:` pair, or the container mapping when it has no name. */
  anchor: Pair | YAMLMap;
}

export function podSpecOf(object: K8sObject): PodSpecRef | undefined {
  const workload = WORKLOADS[object.kind];
  if (!workload || !workload.groups.includes(object.group)) return undefined;
  const template = workload.templatePath.length ? mapAt(object.node, ...workload.templatePath) : object.node;
  const spec = mapAt(template, 'spec');
  if (!template || !spec) return undefined;
  // A Pod with restartPolicy Never or OnFailure runs to completion like a Job's (workload controllers only allow Always).
  const restartPolicy = stringOf(pairOf(spec, 'restartPolicy')?.value);
  const runsToCompletion = workload.runsToCompletion || (object.kind === 'Pod' && (restartPolicy === 'Never' || restartPolicy === 'OnFailure'));
  return { object, template, metadata: mapAt(template, 'metadata'), spec, runsToCompletion };
}

/** Pod specs and containers per objects list: some twenty rules ask for them on each file. */
const podSpecsCache = new WeakMap<readonly K8sObject[], readonly PodSpecRef[]>();
const containersCache = new WeakMap<readonly K8sObject[], readonly ContainerRef[]>();

export function podSpecsOf(objects: readonly K8sObject[]): readonly PodSpecRef[] {
  let out = podSpecsCache.get(objects);
  if (!out) {
    const found: PodSpecRef[] = [];
    for (const o of objects) {
      const pod = podSpecOf(o);
      if (pod) found.push(pod);
    }
    podSpecsCache.set(objects, (out = found));
  }
  return out;
}

/**
 * `containers` then `initContainers` of a pod. A container without `image` is a patch fragment
 * (kustomize strategic-merge patches list only what they change): it is not checked.
 */
export function containersOf(pod: PodSpecRef): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const [key, init] of [['containers', false], ['initContainers', true]] as const) {
    for (const node of mapsIn(asSeq(pairOf(pod.spec, key)?.value))) {
      if (!pairOf(node, 'image')) continue;
      const namePair = pairOf(node, 'name');
      out.push({ pod, node, init, name: stringOf(namePair?.value) ?? '', anchor: namePair ?? node });
    }
  }
  return out;
}

export function allContainers(objects: readonly K8sObject[]): readonly ContainerRef[] {
  let out = containersCache.get(objects);
  if (!out) containersCache.set(objects, (out = podSpecsOf(objects).flatMap(containersOf)));
  return out;
}

/** Containers expected to run indefinitely and serve: probes apply to these. */
export function isLongRunning(c: ContainerRef): boolean {
  return !c.init && !c.pod.runsToCompletion;
}

/** Keys of the pod's securityContext that are defaults for its containers. */
export type InheritedSecurityKey = 'runAsNonRoot' | 'runAsUser' | 'runAsGroup' | 'seccompProfile' | 'seLinuxOptions';

/** A security setting as the container runs with it: the container's securityContext overrides the pod's. */
export function effectiveSecurity(c: ContainerRef, key: InheritedSecurityKey): YamlNode | undefined {
  return deref(effectiveSecurityPair(c, key)?.value);
}

/** The pair that sets `key` for the container: its own securityContext's, else the pod's. */
export function effectiveSecurityPair(c: ContainerRef, key: InheritedSecurityKey): Pair | undefined {
  return pairOf(mapAt(c.node, 'securityContext'), key) ?? pairOf(mapAt(c.pod.spec, 'securityContext'), key);
}

/** A container-only security setting (readOnlyRootFilesystem, privileged, ...) as its pair. */
export function containerSecurityPair(c: ContainerRef, key: string): Pair | undefined {
  return pairOf(mapAt(c.node, 'securityContext'), key);
}

/** Human label used in messages: `container "web"` / `init container "migrate"`. */
export function describeContainer(c: ContainerRef): string {
  return `${c.init ? 'init container' : 'container'} "${c.name || '(unnamed)'}"`;
}
