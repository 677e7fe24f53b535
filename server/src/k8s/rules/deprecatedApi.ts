import { pairOf } from '../nodes';
import { fixIf, type K8sRule } from '../rule';

interface Removal {
  /** The Kubernetes version that no longer serves it. */
  removedIn: string;
  replacement: string;
  /** The object reads the same under the replacement: changing apiVersion is the whole fix. */
  sameSchema?: boolean;
}

/** `apiVersion kind` (or `apiVersion *` for every kind of the group version) -> its removal. */
const REMOVED: Record<string, Removal> = {
  'extensions/v1beta1 Deployment': { removedIn: '1.16', replacement: 'apps/v1' },
  'extensions/v1beta1 DaemonSet': { removedIn: '1.16', replacement: 'apps/v1' },
  'extensions/v1beta1 ReplicaSet': { removedIn: '1.16', replacement: 'apps/v1' },
  'extensions/v1beta1 NetworkPolicy': { removedIn: '1.16', replacement: 'networking.k8s.io/v1' },
  'extensions/v1beta1 PodSecurityPolicy': { removedIn: '1.16', replacement: 'policy/v1beta1 (itself removed in 1.25: use Pod Security admission)' },
  'extensions/v1beta1 Ingress': { removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  'apps/v1beta1 *': { removedIn: '1.16', replacement: 'apps/v1' },
  'apps/v1beta2 *': { removedIn: '1.16', replacement: 'apps/v1' },
  'networking.k8s.io/v1beta1 Ingress': { removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  'networking.k8s.io/v1beta1 IngressClass': { removedIn: '1.22', replacement: 'networking.k8s.io/v1', sameSchema: true },
  'rbac.authorization.k8s.io/v1beta1 *': { removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1', sameSchema: true },
  'rbac.authorization.k8s.io/v1alpha1 *': { removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1', sameSchema: true },
  'apiextensions.k8s.io/v1beta1 CustomResourceDefinition': { removedIn: '1.22', replacement: 'apiextensions.k8s.io/v1' },
  'admissionregistration.k8s.io/v1beta1 *': { removedIn: '1.22', replacement: 'admissionregistration.k8s.io/v1' },
  'apiregistration.k8s.io/v1beta1 APIService': { removedIn: '1.22', replacement: 'apiregistration.k8s.io/v1', sameSchema: true },
  'scheduling.k8s.io/v1beta1 PriorityClass': { removedIn: '1.22', replacement: 'scheduling.k8s.io/v1', sameSchema: true },
  'scheduling.k8s.io/v1alpha1 PriorityClass': { removedIn: '1.17', replacement: 'scheduling.k8s.io/v1', sameSchema: true },
  'storage.k8s.io/v1beta1 StorageClass': { removedIn: '1.22', replacement: 'storage.k8s.io/v1', sameSchema: true },
  'storage.k8s.io/v1beta1 CSIDriver': { removedIn: '1.22', replacement: 'storage.k8s.io/v1', sameSchema: true },
  'storage.k8s.io/v1beta1 CSINode': { removedIn: '1.22', replacement: 'storage.k8s.io/v1', sameSchema: true },
  'storage.k8s.io/v1beta1 VolumeAttachment': { removedIn: '1.22', replacement: 'storage.k8s.io/v1', sameSchema: true },
  'storage.k8s.io/v1beta1 CSIStorageCapacity': { removedIn: '1.27', replacement: 'storage.k8s.io/v1', sameSchema: true },
  'certificates.k8s.io/v1beta1 CertificateSigningRequest': { removedIn: '1.22', replacement: 'certificates.k8s.io/v1' },
  'coordination.k8s.io/v1beta1 Lease': { removedIn: '1.22', replacement: 'coordination.k8s.io/v1', sameSchema: true },
  'batch/v1beta1 CronJob': { removedIn: '1.25', replacement: 'batch/v1', sameSchema: true },
  'batch/v2alpha1 CronJob': { removedIn: '1.21', replacement: 'batch/v1', sameSchema: true },
  'policy/v1beta1 PodDisruptionBudget': { removedIn: '1.25', replacement: 'policy/v1 (an empty selector now selects every pod)' },
  'policy/v1beta1 PodSecurityPolicy': { removedIn: '1.25', replacement: 'Pod Security admission (namespace labels)' },
  'autoscaling/v2beta1 HorizontalPodAutoscaler': { removedIn: '1.25', replacement: 'autoscaling/v2' },
  'autoscaling/v2beta2 HorizontalPodAutoscaler': { removedIn: '1.26', replacement: 'autoscaling/v2', sameSchema: true },
  'discovery.k8s.io/v1beta1 EndpointSlice': { removedIn: '1.25', replacement: 'discovery.k8s.io/v1' },
  'events.k8s.io/v1beta1 Event': { removedIn: '1.25', replacement: 'events.k8s.io/v1' },
  'node.k8s.io/v1beta1 RuntimeClass': { removedIn: '1.25', replacement: 'node.k8s.io/v1', sameSchema: true },
  'flowcontrol.apiserver.k8s.io/v1beta1 *': { removedIn: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  'flowcontrol.apiserver.k8s.io/v1beta2 *': { removedIn: '1.29', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  'flowcontrol.apiserver.k8s.io/v1beta3 *': { removedIn: '1.32', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  'authentication.k8s.io/v1beta1 TokenReview': { removedIn: '1.22', replacement: 'authentication.k8s.io/v1', sameSchema: true },
  'authorization.k8s.io/v1beta1 *': { removedIn: '1.22', replacement: 'authorization.k8s.io/v1', sameSchema: true },
};

export const deprecatedApi: K8sRule = {
  id: 'k8s/deprecated-api',
  language: 'k8s',
  kinds: [],
  title: 'apiVersion removed from Kubernetes',
  defaultSeverity: 'error',
  fixable: true,
  docs: {
    description:
      'An object written in an API version that Kubernetes no longer serves cannot be applied: `kubectl apply` fails with "no matches for kind", often only when the cluster is upgraded. The finding names the version that removed it and what replaces it. Where the object reads the same under the replacement (batch/v1beta1 CronJob, rbac v1beta1, autoscaling/v2beta2, ...) the fix changes `apiVersion`; otherwise fields changed too (extensions/v1beta1 Deployments need a `selector` under apps/v1) and no fix is offered.',
    bad: 'apiVersion: batch/v1beta1\nkind: CronJob',
    good: 'apiVersion: batch/v1\nkind: CronJob',
  },
  check({ objects, edits, report }) {
    for (const o of objects) {
      const removal = REMOVED[`${o.apiVersion} ${o.kind}`] ?? REMOVED[`${o.apiVersion} *`];
      const pair = pairOf(o.node, 'apiVersion');
      if (!removal || !pair) continue;
      const target = removal.replacement.split(' ')[0];
      report(pair, `${o.apiVersion} ${o.kind} is not served since Kubernetes ${removal.removedIn}: use ${removal.replacement}`, {
        fixes: removal.sameSchema ? fixIf(`Set apiVersion: ${target}`, edits.set(o.node, ['apiVersion'], target)) : [],
      });
    }
  },
};
