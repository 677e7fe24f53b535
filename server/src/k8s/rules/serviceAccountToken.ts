import { boolOf, pairOf, stringOf } from '../nodes';
import { podSpecsOf, WORKLOAD_KINDS } from '../podSpec';
import { riskyFixIf, type K8sRule } from '../rule';

export const serviceAccountToken: K8sRule = {
  id: 'k8s/service-account-token',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'API credentials mounted into a pod that does not use the API',
  defaultSeverity: 'info',
  fixable: true,
  docs: {
    description:
      'Unless `automountServiceAccountToken: false` is set, every pod gets a token for its service account mounted at /var/run/secrets/kubernetes.io/serviceaccount: whoever takes over the container can call the API server with it. A pod that runs under the `default` service account (no `serviceAccountName`) is taken not to talk to the API and is flagged; one with its own service account is not. An explicit `automountServiceAccountToken: true` is reported at its key. The fix sets it to false; Fix All never applies it, since a program that does call the API then loses its credentials.',
    bad: 'spec:\n  containers:\n    - name: web\n      image: nginx:1.27',
    good: 'spec:\n  automountServiceAccountToken: false\n  containers:\n    - name: web\n      image: nginx:1.27',
  },
  check({ objects, edits, report }) {
    for (const pod of podSpecsOf(objects)) {
      const account = stringOf(pairOf(pod.spec, 'serviceAccountName')?.value) ?? stringOf(pairOf(pod.spec, 'serviceAccount')?.value);
      if (account && account !== 'default') continue;
      const pair = pairOf(pod.spec, 'automountServiceAccountToken');
      const value = boolOf(pair?.value);
      if (value === false) continue;
      const at = value === true ? pair! : (pairOf(pod.template, 'spec') ?? pod.object.kindPair);
      report(at, 'pod mounts an API token for the default service account: set automountServiceAccountToken: false unless it calls the API', {
        fixes: riskyFixIf(
          'Set automountServiceAccountToken: false',
          edits.set(pod.spec, ['automountServiceAccountToken'], false),
          'a program that calls the Kubernetes API loses its credentials',
        ),
      });
    }
  },
};
