/**
 * Annotation-based suppression: LeakLens's own `leaklens.dev/ignore`, and the annotations people
 * already put on objects for kube-linter, Polaris and kube-score, mapped to the LeakLens rules that
 * check the same thing. docs/rules.md renders SUPPRESSION_ANNOTATIONS.
 */
import { annotationsOf } from './objects';
import type { K8sObject } from './objects';
import type { PodSpecRef } from './podSpec';

export type ForeignTool = 'kube-linter' | 'polaris' | 'kube-score';

export interface ForeignCheck {
  tool: ForeignTool;
  /** The tool's check id, as written in its annotation. */
  check: string;
  /** LeakLens rules the annotation silences. */
  rules: readonly string[];
}

/** The one mapping from other linters' checks to LeakLens rules. */
export const FOREIGN_CHECKS: readonly ForeignCheck[] = [
  { tool: 'kube-linter', check: 'unset-cpu-requirements', rules: ['k8s/no-resource-requests'] },
  { tool: 'kube-linter', check: 'unset-memory-requirements', rules: ['k8s/no-resource-requests', 'k8s/no-memory-limit'] },
  { tool: 'kube-linter', check: 'no-liveness-probe', rules: ['k8s/no-liveness-probe'] },
  { tool: 'kube-linter', check: 'no-readiness-probe', rules: ['k8s/no-readiness-probe'] },
  { tool: 'kube-linter', check: 'run-as-non-root', rules: ['k8s/run-as-root'] },
  { tool: 'kube-linter', check: 'no-read-only-root-fs', rules: ['k8s/writable-root-fs'] },
  { tool: 'kube-linter', check: 'privilege-escalation-container', rules: ['k8s/privilege-escalation'] },
  { tool: 'kube-linter', check: 'privileged-container', rules: ['k8s/privileged'] },
  { tool: 'kube-linter', check: 'host-network', rules: ['k8s/host-namespace'] },
  { tool: 'kube-linter', check: 'host-pid', rules: ['k8s/host-namespace'] },
  { tool: 'kube-linter', check: 'host-ipc', rules: ['k8s/host-namespace'] },
  { tool: 'kube-linter', check: 'sensitive-host-mounts', rules: ['k8s/host-path'] },
  { tool: 'kube-linter', check: 'writable-host-mount', rules: ['k8s/host-path'] },
  { tool: 'kube-linter', check: 'latest-tag', rules: ['k8s/image-latest'] },
  { tool: 'kube-linter', check: 'env-var-secret', rules: ['k8s/secret-in-env'] },
  { tool: 'kube-linter', check: 'job-ttl-seconds-after-finished', rules: ['k8s/job-no-ttl'] },
  { tool: 'kube-linter', check: 'minimum-three-replicas', rules: ['k8s/single-replica'] },
  { tool: 'kube-linter', check: 'dangling-service', rules: ['k8s/dangling-service'] },
  { tool: 'kube-linter', check: 'mismatching-selector', rules: ['k8s/selector-mismatch'] },
  { tool: 'kube-linter', check: 'liveness-port', rules: ['k8s/probe-port'] },
  { tool: 'kube-linter', check: 'readiness-port', rules: ['k8s/probe-port'] },
  { tool: 'kube-linter', check: 'startup-port', rules: ['k8s/probe-port'] },
  { tool: 'kube-linter', check: 'no-extensions-v1beta', rules: ['k8s/deprecated-api'] },
  { tool: 'polaris', check: 'cpuRequestsMissing', rules: ['k8s/no-resource-requests'] },
  { tool: 'polaris', check: 'memoryRequestsMissing', rules: ['k8s/no-resource-requests'] },
  { tool: 'polaris', check: 'memoryLimitsMissing', rules: ['k8s/no-memory-limit'] },
  { tool: 'polaris', check: 'livenessProbeMissing', rules: ['k8s/no-liveness-probe'] },
  { tool: 'polaris', check: 'readinessProbeMissing', rules: ['k8s/no-readiness-probe'] },
  { tool: 'polaris', check: 'runAsRootAllowed', rules: ['k8s/run-as-root'] },
  { tool: 'polaris', check: 'notReadOnlyRootFilesystem', rules: ['k8s/writable-root-fs'] },
  { tool: 'polaris', check: 'privilegeEscalationAllowed', rules: ['k8s/privilege-escalation'] },
  { tool: 'polaris', check: 'insecureCapabilities', rules: ['k8s/capabilities-not-dropped'] },
  { tool: 'polaris', check: 'runAsPrivileged', rules: ['k8s/privileged'] },
  { tool: 'polaris', check: 'hostNetworkSet', rules: ['k8s/host-namespace'] },
  { tool: 'polaris', check: 'hostPIDSet', rules: ['k8s/host-namespace'] },
  { tool: 'polaris', check: 'hostIPCSet', rules: ['k8s/host-namespace'] },
  { tool: 'polaris', check: 'tagNotSpecified', rules: ['k8s/image-latest'] },
  { tool: 'polaris', check: 'sensitiveContainerEnvVar', rules: ['k8s/secret-in-env'] },
  { tool: 'polaris', check: 'deploymentMissingReplicas', rules: ['k8s/single-replica'] },
  { tool: 'polaris', check: 'dangerousCapabilities', rules: ['k8s/dangerous-capabilities'] },
  { tool: 'polaris', check: 'hostPortSet', rules: ['k8s/host-port'] },
  { tool: 'polaris', check: 'automountServiceAccountToken', rules: ['k8s/service-account-token'] },
  { tool: 'polaris', check: 'missingPodDisruptionBudget', rules: ['k8s/no-disruption-budget'] },
  { tool: 'kube-score', check: 'container-resources', rules: ['k8s/no-resource-requests', 'k8s/no-memory-limit'] },
  { tool: 'kube-score', check: 'pod-probes', rules: ['k8s/no-liveness-probe', 'k8s/no-readiness-probe'] },
  { tool: 'kube-score', check: 'container-security-context-user-group-id', rules: ['k8s/run-as-root'] },
  { tool: 'kube-score', check: 'container-security-context-readonlyrootfilesystem', rules: ['k8s/writable-root-fs'] },
  { tool: 'kube-score', check: 'container-security-context-privileged', rules: ['k8s/privileged'] },
  { tool: 'kube-score', check: 'container-image-tag', rules: ['k8s/image-latest'] },
  { tool: 'kube-score', check: 'cronjob-has-deadline', rules: ['k8s/cronjob-no-starting-deadline'] },
  { tool: 'kube-score', check: 'deployment-replicas', rules: ['k8s/single-replica'] },
  { tool: 'kube-score', check: 'service-targets-pod', rules: ['k8s/dangling-service'] },
  { tool: 'kube-score', check: 'container-seccomp-profile', rules: ['k8s/seccomp-profile'] },
  { tool: 'kube-score', check: 'deployment-has-poddisruptionbudget', rules: ['k8s/no-disruption-budget'] },
  { tool: 'kube-score', check: 'statefulset-has-poddisruptionbudget', rules: ['k8s/no-disruption-budget'] },
  { tool: 'kube-score', check: 'stable-version', rules: ['k8s/deprecated-api'] },
  { tool: 'kube-score', check: 'deployment-targeted-by-hpa-does-not-have-replicas-configured', rules: ['k8s/hpa-replicas'] },
  {
    tool: 'kube-score',
    check: 'deployment-pod-selector-labels-match-template-metadata-labels',
    rules: ['k8s/selector-mismatch'],
  },
  {
    tool: 'kube-score',
    check: 'statefulset-pod-selector-labels-match-template-metadata-labels',
    rules: ['k8s/selector-mismatch'],
  },
];

export const LEAKLENS_IGNORE_ANNOTATION = 'leaklens.dev/ignore';
const KUBE_LINTER_PREFIX = 'ignore-check.kube-linter.io/';
const POLARIS_PREFIX = 'polaris.fairwinds.com/';
const POLARIS_EXEMPT_ALL = 'polaris.fairwinds.com/exempt';
const KUBE_SCORE_IGNORE = 'kube-score/ignore';

/** The annotation that silences one foreign check, as a user writes it. */
export function annotationFor(check: ForeignCheck): string {
  switch (check.tool) {
    case 'kube-linter':
      return `${KUBE_LINTER_PREFIX}${check.check}: "<reason>"`;
    case 'polaris':
      return `${POLARIS_PREFIX}${check.check}-exempt: "true"`;
    case 'kube-score':
      return `${KUBE_SCORE_IGNORE}: "${check.check}"`;
  }
}

/** One row per foreign check, for docs/rules.md. */
export const SUPPRESSION_ANNOTATIONS: readonly { tool: ForeignTool; check: string; annotation: string; rules: readonly string[] }[] =
  FOREIGN_CHECKS.map((c) => ({ tool: c.tool, check: c.check, annotation: annotationFor(c), rules: c.rules }));

const byTool = new Map<string, readonly string[]>(FOREIGN_CHECKS.map((c) => [`${c.tool}:${c.check}`, c.rules]));
const polarisRules = [...new Set(FOREIGN_CHECKS.filter((c) => c.tool === 'polaris').flatMap((c) => c.rules))];

const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

/** Rule ids silenced by one set of annotations. */
export function rulesSilencedBy(annotations: Readonly<Record<string, string>>): Set<string> {
  const out = new Set<string>();
  const add = (rules: readonly string[] | undefined) => rules?.forEach((r) => out.add(r));
  for (const [key, value] of Object.entries(annotations)) {
    if (key === LEAKLENS_IGNORE_ANNOTATION) add(list(value));
    else if (key.startsWith(KUBE_LINTER_PREFIX)) add(byTool.get(`kube-linter:${key.slice(KUBE_LINTER_PREFIX.length)}`));
    else if (key === KUBE_SCORE_IGNORE) list(value).forEach((check) => add(byTool.get(`kube-score:${check}`)));
    else if (key.startsWith(POLARIS_PREFIX) && value.trim().toLowerCase() === 'true') add(polarisExemption(key));
  }
  return out;
}

/** Polaris exemptions take effect only with the value "true". */
function polarisExemption(key: string): readonly string[] | undefined {
  if (key === POLARIS_EXEMPT_ALL) return polarisRules;
  if (!key.endsWith('-exempt')) return undefined;
  return byTool.get(`polaris:${key.slice(POLARIS_PREFIX.length, -'-exempt'.length)}`);
}

/** Rules silenced for an object: annotations on its own metadata or on its pod template's. */
export function rulesSilencedForObject(object: K8sObject, pod: PodSpecRef | undefined): Set<string> {
  const silenced = rulesSilencedBy(annotationsOf(object.metadata));
  if (pod && pod.metadata !== object.metadata) for (const r of rulesSilencedBy(annotationsOf(pod.metadata))) silenced.add(r);
  return silenced;
}
