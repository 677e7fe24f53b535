/** Every Kubernetes rule, one module each. */
import type { K8sRule } from '../rule';
import { capabilitiesNotDropped } from './capabilitiesNotDropped';
import { cronjobConcurrency } from './cronjobConcurrency';
import { cronjobNoStartingDeadline } from './cronjobNoStartingDeadline';
import { danglingService } from './danglingService';
import { gracePeriodPrestop } from './gracePeriodPrestop';
import { hostNamespace } from './hostNamespace';
import { hostPath } from './hostPath';
import { imageLatest } from './imageLatest';
import { jobNoDeadline } from './jobNoDeadline';
import { jobNoTtl } from './jobNoTtl';
import { noLivenessProbe } from './noLivenessProbe';
import { noMemoryLimit } from './noMemoryLimit';
import { noReadinessProbe } from './noReadinessProbe';
import { noResourceRequests } from './noResourceRequests';
import { privileged } from './privileged';
import { privilegeEscalation } from './privilegeEscalation';
import { probePort } from './probePort';
import { runAsRoot } from './runAsRoot';
import { secretInEnv } from './secretInEnv';
import { selectorMismatch } from './selectorMismatch';
import { singleReplica } from './singleReplica';
import { writableRootFs } from './writableRootFs';
import { yamlSyntax } from './yamlSyntax';
import { dangerousCapabilities } from './dangerousCapabilities';
import { deprecatedApi } from './deprecatedApi';
import { destinationRuleNoCircuitBreaker } from './destinationRuleNoCircuitBreaker';
import { hostPort } from './hostPort';
import { hpaReplicas } from './hpaReplicas';
import { httpRouteNoTimeout } from './httpRouteNoTimeout';
import { istioRetryBudget } from './istioRetryBudget';
import { istioRouteNoTimeout } from './istioRouteNoTimeout';
import { noDisruptionBudget } from './noDisruptionBudget';
import { seccompProfile } from './seccompProfile';
import { serviceAccountToken } from './serviceAccountToken';

export const k8sRules: readonly K8sRule[] = [
  yamlSyntax,
  noResourceRequests,
  noMemoryLimit,
  noLivenessProbe,
  noReadinessProbe,
  runAsRoot,
  writableRootFs,
  privilegeEscalation,
  capabilitiesNotDropped,
  privileged,
  hostNamespace,
  hostPath,
  imageLatest,
  secretInEnv,
  jobNoTtl,
  jobNoDeadline,
  cronjobConcurrency,
  cronjobNoStartingDeadline,
  gracePeriodPrestop,
  singleReplica,
  danglingService,
  selectorMismatch,
  probePort,
  seccompProfile,
  dangerousCapabilities,
  hostPort,
  serviceAccountToken,
  noDisruptionBudget,
  hpaReplicas,
  deprecatedApi,
  istioRouteNoTimeout,
  istioRetryBudget,
  destinationRuleNoCircuitBreaker,
  httpRouteNoTimeout,
];
