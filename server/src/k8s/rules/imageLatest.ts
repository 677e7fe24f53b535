import { pairOf, stringOf } from '../nodes';
import { allContainers, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import type { K8sRule } from '../rule';

/** The tag of an image reference, or undefined (a `:` before the last `/` belongs to a registry port). */
function tagOf(image: string): string | undefined {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : undefined;
}

export const imageLatest: K8sRule = {
  id: 'k8s/image-latest',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Image without a pinned tag',
  defaultSeverity: 'warning',
  fixable: false,
  docs: {
    description:
      'An image without a tag means `:latest`, which changes under you: two replicas of the same Deployment can run different code, a rollback redeploys the new version, and a fix you tested is not the one that runs. Pin a version tag or a digest.',
    bad: 'containers:\n  - name: web\n    image: nginx',
    good: 'containers:\n  - name: web\n    image: nginx:1.27.3',
  },
  check({ objects, report }) {
    for (const c of allContainers(objects)) {
      const pair = pairOf(c.node, 'image');
      const image = stringOf(pair?.value);
      if (!pair || !image || image.includes('@')) continue;
      const tag = tagOf(image);
      if (tag && tag !== 'latest') continue;
      report(pair, `${describeContainer(c)} uses ${tag ? 'the :latest tag' : 'an image without a tag (:latest)'}: pin a version or a digest`);
    }
  },
};
