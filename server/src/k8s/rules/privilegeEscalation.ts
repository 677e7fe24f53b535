import { boolOf } from '../nodes';
import { allContainers, containerSecurityPair, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import { fixIf, type K8sRule } from '../rule';

export const privilegeEscalation: K8sRule = {
  id: 'k8s/privilege-escalation',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Container allows privilege escalation',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'Unless `allowPrivilegeEscalation: false` is set, a process in the container can gain more privileges than its parent (setuid binaries, file capabilities). The fix sets it to false; none is offered for a privileged container, where Kubernetes rejects that combination.',
    bad: 'containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      allowPrivilegeEscalation: true',
    good: 'containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      allowPrivilegeEscalation: false',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      const pair = containerSecurityPair(c, 'allowPrivilegeEscalation');
      const value = boolOf(pair?.value);
      if (value === false) continue;
      const privileged = boolOf(containerSecurityPair(c, 'privileged')?.value) === true;
      report(
        value === true && pair ? pair : c.anchor,
        `${describeContainer(c)} allows privilege escalation${privileged ? ' (it is privileged: drop privileged first)' : ': set allowPrivilegeEscalation: false'}`,
        {
          fixes: privileged
            ? []
            : fixIf('Set securityContext.allowPrivilegeEscalation: false', edits.set(c.node, ['securityContext', 'allowPrivilegeEscalation'], false)),
        },
      );
    }
  },
};
