import { mapAt, pairOf, stringOf } from '../nodes';
import { allContainers, describeContainer, effectiveSecurityPair, WORKLOAD_KINDS } from '../podSpec';
import { riskyFixIf, type K8sRule } from '../rule';

const CONFINED = new Set(['RuntimeDefault', 'Localhost']);

export const seccompProfile: K8sRule = {
  id: 'k8s/seccomp-profile',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Container runs without a seccomp profile',
  defaultSeverity: 'info',
  fixable: true,
  docs: {
    description:
      'Unless the kubelet runs with `--seccomp-default`, a container without `seccompProfile` runs Unconfined: every system call is open to it, including the ones container escapes use. Set `seccompProfile.type: RuntimeDefault` (or `Localhost` with a profile of your own) in the pod\'s or the container\'s securityContext; an explicit `Unconfined` is reported at its key. The fix sets RuntimeDefault on the pod; Fix All never applies it, since a program using a system call outside the profile then fails.',
    bad: 'spec:\n  containers:\n    - name: web\n      image: nginx:1.27',
    good: 'spec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n    - name: web\n      image: nginx:1.27',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      const profile = effectiveSecurityPair(c, 'seccompProfile');
      const typePair = pairOf(mapAt(c.node, 'securityContext', 'seccompProfile'), 'type') ?? pairOf(mapAt(c.pod.spec, 'securityContext', 'seccompProfile'), 'type');
      const type = stringOf(typePair?.value);
      if (type && CONFINED.has(type)) continue;
      const explicit = profile && typePair;
      report(explicit ? typePair : c.anchor, `${describeContainer(c)} runs ${type ? `with seccomp ${type}` : 'without a seccomp profile (Unconfined)'}: set seccompProfile.type: RuntimeDefault`, {
        fixes: explicit
          ? []
          : riskyFixIf(
              'Set the pod\'s securityContext.seccompProfile.type: RuntimeDefault',
              edits.set(c.pod.spec, ['securityContext', 'seccompProfile'], { type: 'RuntimeDefault' }),
              'a program using a system call outside the runtime\'s default profile then fails with EPERM',
            ),
      });
    }
  },
};
