import { boolOf, numberOf } from '../nodes';
import { allContainers, describeContainer, effectiveSecurityPair, WORKLOAD_KINDS } from '../podSpec';
import { riskyFixIf, type K8sRule } from '../rule';

export const runAsRoot: K8sRule = {
  id: 'k8s/run-as-root',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Container may run as root',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'Unless `runAsNonRoot: true` (on the container, or on the pod and not overridden) or a `runAsUser` above 0 is set, the container runs as whatever user its image says, usually root. A compromised or misbehaving process then owns the container\'s filesystem and any host path it mounts. An explicit `runAsUser: 0` or `runAsNonRoot: false` is reported at that key. The fix sets `runAsNonRoot: true` in the container\'s securityContext; it is never applied by Fix All (an image that runs as root is then refused at start), and none is offered when the container explicitly runs as UID 0.',
    bad: 'containers:\n  - name: web\n    image: nginx:1.27',
    good: 'containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      runAsNonRoot: true',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      const userPair = effectiveSecurityPair(c, 'runAsUser');
      const nonRootPair = effectiveSecurityPair(c, 'runAsNonRoot');
      const user = numberOf(userPair?.value);
      const nonRoot = boolOf(nonRootPair?.value);
      if (nonRoot === true || (user !== undefined && user > 0)) continue;
      if (user === 0) {
        report(userPair!, `${describeContainer(c)} runs as root (runAsUser: 0)`);
        continue;
      }
      report(
        nonRoot === false ? nonRootPair! : c.anchor,
        `${describeContainer(c)} ${nonRoot === false ? 'allows root (runAsNonRoot: false)' : 'may run as root'}: set runAsNonRoot: true or a runAsUser above 0`,
        {
          fixes: riskyFixIf(
            'Set securityContext.runAsNonRoot: true',
            edits.set(c.node, ['securityContext', 'runAsNonRoot'], true),
            'an image whose user is root is then refused at start (CreateContainerConfigError)',
          ),
        },
      );
    }
  },
};
