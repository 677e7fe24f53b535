import { describeSelector, equalitySelectorOf, isEmptySelector } from '../labels';
import { mapAt, pairOf, stringOf } from '../nodes';
import { isKind, WORKLOAD_KINDS } from '../podSpec';
import type { K8sRule } from '../rule';

export const danglingService: K8sRule = {
  id: 'k8s/dangling-service',
  language: 'k8s',
  kinds: ['Service', ...WORKLOAD_KINDS],
  title: 'Service selects no pods',
  defaultSeverity: 'warning',
  fixable: false,
  crossFile: { kinds: ['Service'] },
  docs: {
    description:
      'A Service whose selector matches no pod template has no endpoints: clients connect and hang or get refused, usually after a label was renamed on one side only. LeakLens compares the selector with the pod templates of all manifests checked together (the workspace in the editor, the given paths on the command line). Namespaces are compared when both sides set one. Services without a selector (manual Endpoints) and ExternalName Services are not checked.',
    bad: 'kind: Service\nspec:\n  selector:\n    app: web-frontend   # pods are labelled app: frontend',
    good: 'kind: Service\nspec:\n  selector:\n    app: frontend',
  },
  check({ objects, workspace, report }) {
    for (const o of objects) {
      if (!isKind(o, 'Service', [''])) continue;
      const spec = mapAt(o.node, 'spec');
      const pair = pairOf(spec, 'selector');
      const selector = equalitySelectorOf(mapAt(spec, 'selector'));
      if (!pair || isEmptySelector(selector) || stringOf(pairOf(spec, 'type')?.value) === 'ExternalName') continue;
      if (!workspace().anySelected(selector, o.namespace)) report(pair, `Service selector ${describeSelector(selector)} matches no pod template among the manifests checked`);
    }
  },
};
