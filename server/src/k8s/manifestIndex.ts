/**
 * What other files need to know about a manifest file, small enough for the language server to cache
 * per file: the pod templates it defines (labels and namespace), its PodDisruptionBudgets' selectors
 * and the workloads its HorizontalPodAutoscalers scale, for rules that look across files
 * (k8s/dangling-service, k8s/no-disruption-budget, k8s/hpa-replicas).
 */
import { HelmTemplates } from './helm';
import { labelSelectorOf, selectorMatches, type LabelSelector } from './labels';
import { ManifestFile } from './manifestFile';
import { mapAt, pairOf, stringOf } from './nodes';
import { labelsOf, type K8sObject } from './objects';
import { isKind, podSpecsOf, WORKLOAD_KINDS } from './podSpec';

export interface ManifestInput {
  path: string;
  text: string;
}

export interface PodTemplateInfo {
  /** Absent when the manifest leaves it to `kubectl -n`/kustomize: then it matches any namespace. */
  namespace?: string;
  labels: Readonly<Record<string, string>>;
}

export interface DisruptionBudgetInfo {
  namespace?: string;
  selector: LabelSelector;
}

export interface ScaleTargetInfo {
  namespace?: string;
  kind: string;
  name: string;
}

export interface ManifestIndex {
  path: string;
  podTemplates: readonly PodTemplateInfo[];
  disruptionBudgets: readonly DisruptionBudgetInfo[];
  scaleTargets: readonly ScaleTargetInfo[];
}

const EMPTY = { podTemplates: [], disruptionBudgets: [], scaleTargets: [] } as const;
/** The kinds an index reads; other documents are not parsed. */
const INDEXED_KINDS: ReadonlySet<string> = new Set([...WORKLOAD_KINDS, 'PodDisruptionBudget', 'HorizontalPodAutoscaler']);

export function podTemplatesOf(objects: readonly K8sObject[]): PodTemplateInfo[] {
  return podSpecsOf(objects).map((pod) => ({ namespace: pod.object.namespace, labels: labelsOf(pod.metadata) }));
}

function disruptionBudgetsOf(objects: readonly K8sObject[]): DisruptionBudgetInfo[] {
  return objects
    .filter((o) => isKind(o, 'PodDisruptionBudget', ['policy']))
    .map((o) => ({ namespace: o.namespace, selector: labelSelectorOf(mapAt(o.node, 'spec', 'selector')) }));
}

function scaleTargetsOf(objects: readonly K8sObject[]): ScaleTargetInfo[] {
  const out: ScaleTargetInfo[] = [];
  for (const o of objects) {
    if (!isKind(o, 'HorizontalPodAutoscaler', ['autoscaling'])) continue;
    const ref = mapAt(o.node, 'spec', 'scaleTargetRef');
    const kind = stringOf(pairOf(ref, 'kind')?.value);
    const name = stringOf(pairOf(ref, 'name')?.value);
    if (kind && name) out.push({ namespace: o.namespace, kind, name });
  }
  return out;
}

/** The cross-file facts of parsed objects. */
export function indexObjects(path: string, objects: readonly K8sObject[]): ManifestIndex {
  return { path, podTemplates: podTemplatesOf(objects), disruptionBudgets: disruptionBudgetsOf(objects), scaleTargets: scaleTargetsOf(objects) };
}

/** Indexes one file. Templates (Helm's or others) and unparsable documents contribute nothing. */
export function indexManifest(input: ManifestInput, helm: HelmTemplates = new HelmTemplates()): ManifestIndex {
  if (helm.chartOf(input.path)) return { path: input.path, ...EMPTY };
  const file = new ManifestFile(input.path, input.text, { readKinds: INDEXED_KINDS });
  return file.isGoTemplate ? { path: input.path, ...EMPTY } : indexObjects(input.path, file.objects);
}

export function isManifestIndex(entry: ManifestInput | ManifestIndex): entry is ManifestIndex {
  return 'podTemplates' in entry;
}

/** Namespaces are compared only when both sides set one (kubectl -n and kustomize fill them in later). */
function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return !a || !b || a === b;
}

/** Everything cross-file rules ask about the manifests checked together. */
export class WorkspaceObjects {
  private readonly byLabel = new Map<string, PodTemplateInfo[]>();
  private readonly pods: readonly PodTemplateInfo[];
  private readonly budgets: readonly DisruptionBudgetInfo[];
  private readonly targets: readonly ScaleTargetInfo[];

  constructor(indexes: readonly Omit<ManifestIndex, 'path'>[]) {
    this.pods = indexes.flatMap((i) => i.podTemplates);
    this.budgets = indexes.flatMap((i) => i.disruptionBudgets);
    this.targets = indexes.flatMap((i) => i.scaleTargets);
    // Pod templates indexed by label, so matching each Service of a large workspace stays cheap.
    for (const pod of this.pods) {
      for (const [k, v] of Object.entries(pod.labels)) {
        const key = `${k}=${v}`;
        const list = this.byLabel.get(key);
        if (list) list.push(pod);
        else this.byLabel.set(key, [pod]);
      }
    }
  }

  /** True when some template in a compatible namespace carries the labels. */
  anySelected(selector: LabelSelector, namespace: string | undefined): boolean {
    const [first] = Object.entries(selector.matchLabels);
    const candidates = first ? (this.byLabel.get(`${first[0]}=${first[1]}`) ?? []) : this.pods;
    return candidates.some((p) => sameNamespace(namespace, p.namespace) && selectorMatches(selector, p.labels));
  }

  /** True when a PodDisruptionBudget in a compatible namespace selects pods with these labels. */
  hasDisruptionBudget(labels: Readonly<Record<string, string>>, namespace: string | undefined): boolean {
    return this.budgets.some((b) => sameNamespace(namespace, b.namespace) && selectorMatches(b.selector, labels) && hasTerms(b.selector));
  }

  /** True when a HorizontalPodAutoscaler in a compatible namespace scales this workload. */
  isAutoscaled(kind: string, name: string, namespace: string | undefined): boolean {
    return this.targets.some((t) => t.kind === kind && t.name === name && sameNamespace(namespace, t.namespace));
  }
}

/** An empty PDB selector selects nothing in policy/v1 beta semantics and everything in v1: not counted. */
function hasTerms(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels).length > 0 || s.matchExpressions.length > 0;
}
