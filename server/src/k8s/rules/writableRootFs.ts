import { boolOf } from '../nodes';
import { allContainers, containerSecurityPair, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import { riskyFixIf, type K8sRule } from '../rule';

export const writableRootFs: K8sRule = {
  id: 'k8s/writable-root-fs',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Container root filesystem is writable',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'A writable root filesystem lets a process fill the container\'s writable layer with logs, caches and temp files that count against the node\'s disk and are lost on restart; an attacker can also drop binaries there. Set `readOnlyRootFilesystem: true` and mount an `emptyDir` (with a `sizeLimit`) where the program really writes. An explicit `readOnlyRootFilesystem: false` is reported at that key. Fix All never applies the fix: a program that writes outside its volumes then fails.',
    bad: 'containers:\n  - name: web\n    image: nginx:1.27',
    good: 'containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      readOnlyRootFilesystem: true',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      const pair = containerSecurityPair(c, 'readOnlyRootFilesystem');
      const value = boolOf(pair?.value);
      if (value === true) continue;
      report(value === false ? pair! : c.anchor, `${describeContainer(c)} has a writable root filesystem: set readOnlyRootFilesystem: true`, {
        fixes: riskyFixIf(
          'Set securityContext.readOnlyRootFilesystem: true',
          edits.set(c.node, ['securityContext', 'readOnlyRootFilesystem'], true),
          'a program that writes outside its mounted volumes then fails with "read-only file system"',
        ),
      });
    }
  },
};
