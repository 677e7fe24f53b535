import { boolOf } from '../nodes';
import { allContainers, containerSecurityPair, describeContainer } from '../podSpec';
import { fixIf, type K8sRule } from '../rule';

export const privileged: K8sRule = {
  id: 'k8s/privileged',
  language: 'k8s',
  title: 'Privileged container',
  defaultSeverity: 'error',
  fixable: true,
  docs: {
    description:
      'A privileged container has every capability and access to all host devices: it is root on the node. Only node agents (CNI, storage drivers) need it; everything else should run unprivileged.',
    bad: 'containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      privileged: true',
    good: 'containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      privileged: false',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      const pair = containerSecurityPair(c, 'privileged');
      if (!pair || boolOf(pair.value) !== true) continue;
      report(pair, `${describeContainer(c)} is privileged: it has full access to the node`, {
        fixes: fixIf('Set privileged: false', edits.set(c.node, ['securityContext', 'privileged'], false)),
      });
    }
  },
};
