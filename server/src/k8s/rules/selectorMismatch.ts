import { describeSelector, equalitySelectorOf, isEmptySelector, labelSelectorOf, selectorMatches } from '../labels';
import { mapAt, pairOf } from '../nodes';
import { labelsOf } from '../objects';
import { podSpecsOf, WORKLOAD_KINDS } from '../podSpec';
import type { K8sRule } from '../rule';

/** Kinds whose `spec.selector` must select their own template; ReplicationController uses a plain label map. */
const SELECTING_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Rollout', 'Job', 'ReplicationController']);

export const selectorMismatch: K8sRule = {
  id: 'k8s/selector-mismatch',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Workload selector does not match its pod template',
  defaultSeverity: 'error',
  fixable: false,
  docs: {
    description:
      'A workload manages the pods its selector matches. When the selector does not match its own template\'s labels the API server rejects the object (apps/v1), or, for older APIs, the controller keeps creating pods it never counts as its own: they accumulate without bound.',
    bad: 'spec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: frontend',
    good: 'spec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web',
  },
  check({ objects, report }) {
    for (const pod of podSpecsOf(objects)) {
      const o = pod.object;
      if (!SELECTING_KINDS.has(o.kind)) continue;
      const pair = pairOf(mapAt(o.node, 'spec'), 'selector');
      const map = mapAt(o.node, 'spec', 'selector');
      const selector = o.kind === 'ReplicationController' ? equalitySelectorOf(map) : labelSelectorOf(map);
      if (!pair || isEmptySelector(selector)) continue;
      const labels = labelsOf(pod.metadata);
      if (selectorMatches(selector, labels)) continue;
      const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
      report(pair, `selector ${describeSelector(selector)} does not match the pod template's labels (${shown})`);
    }
  },
};
