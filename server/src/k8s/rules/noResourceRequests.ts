import { allContainers, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import { resourceValue } from '../resources';
import { fixIf, type K8sRule } from '../rule';

const DEFAULT_REQUESTS = { cpu: '100m', memory: '128Mi' } as const;

export const noResourceRequests: K8sRule = {
  id: 'k8s/no-resource-requests',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Container without CPU or memory requests',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'Without requests the scheduler packs pods onto nodes as if they used nothing; under pressure they are the first evicted, and a slow leak shows up as node-wide memory pressure instead of one pod\'s problem. A limit set without a request counts as the request (Kubernetes copies it). The fix inserts `cpu: 100m` and `memory: 128Mi`: adjust them to what the container really uses.',
    bad: 'containers:\n  - name: web\n    image: nginx:1.27',
    good: 'containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      requests:\n        cpu: 100m\n        memory: 128Mi',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      const missing = (['cpu', 'memory'] as const).filter(
        (r) => resourceValue(c, 'requests', r) === undefined && resourceValue(c, 'limits', r) === undefined,
      );
      if (missing.length === 0) continue;
      const requests = Object.fromEntries(missing.map((r) => [r, DEFAULT_REQUESTS[r]]));
      report(c.anchor, `${describeContainer(c)} has no ${missing.join(' or ')} request: the scheduler cannot reserve room for it`, {
        fixes: fixIf(`Add resources.requests (${missing.map((r) => `${r} ${DEFAULT_REQUESTS[r]}`).join(', ')})`, edits.set(c.node, ['resources', 'requests'], requests)),
      });
    }
  },
};
