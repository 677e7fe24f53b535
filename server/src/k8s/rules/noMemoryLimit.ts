import { allContainers, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import { doubleQuantity, resourceValue } from '../resources';
import { fixIf, type K8sRule } from '../rule';

const DEFAULT_LIMIT = '256Mi';

export const noMemoryLimit: K8sRule = {
  id: 'k8s/no-memory-limit',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Container without a memory limit',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'A container without a memory limit can grow until the node runs out of memory: a leak then takes down its neighbours (the kernel OOM killer picks a victim on the node) instead of restarting only the leaking container. The fix sets `limits.memory` to twice the memory request, or 256Mi when there is none.',
    bad: 'containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      requests:\n        memory: 128Mi',
    good: 'containers:\n  - name: web\n    image: nginx:1.27\n    resources:\n      requests:\n        memory: 128Mi\n      limits:\n        memory: 256Mi',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      if (resourceValue(c, 'limits', 'memory') !== undefined) continue;
      const request = resourceValue(c, 'requests', 'memory');
      const limit = (request && doubleQuantity(request)) ?? DEFAULT_LIMIT;
      report(c.anchor, `${describeContainer(c)} has no memory limit: a leak can exhaust the node's memory`, {
        fixes: fixIf(`Add resources.limits.memory: ${limit}`, edits.set(c.node, ['resources', 'limits'], { memory: limit })),
      });
    }
  },
};
