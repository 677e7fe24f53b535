import { boolOf } from '../nodes';
import { allContainers, containerSecurityPair, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import { riskyFixIf, type K8sRule } from '../rule';

export const privileged: K8sRule = {
  id: 'k8s/privileged',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Privileged container',
  defaultSeverity: 'error',
  fixable: true,
  docs: {
    description:
      'A privileged container has every capability and access to all host devices: it is root on the node. Only node agents (CNI, storage drivers) need it; everything else should run unprivileged. Fix All never applies the fix: the node agents that need it would break.',
    bad: 'containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      privileged: true',
    good: 'containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      privileged: false',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      const pair = containerSecurityPair(c, 'privileged');
      if (!pair || boolOf(pair.value) !== true) continue;
      report(pair, `${describeContainer(c)} is privileged: it has full access to the node`, {
        fixes: riskyFixIf(
          'Set privileged: false',
          edits.set(c.node, ['securityContext', 'privileged'], false),
          'node agents (sysctl tuning, CNI, storage and device plugins) lose the kernel and device access they need',
        ),
      });
    }
  },
};
