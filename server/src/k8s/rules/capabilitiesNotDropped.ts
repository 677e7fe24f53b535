import { asSeq, mapAt, pairOf, stringOf } from '../nodes';
import { allContainers, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import { riskyFixIf, type K8sRule } from '../rule';

export const capabilitiesNotDropped: K8sRule = {
  id: 'k8s/capabilities-not-dropped',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Container keeps the default Linux capabilities',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'Container runtimes grant a default set of Linux capabilities (NET_RAW, CHOWN, SETUID, ...) that almost no service needs. Drop them all with `capabilities.drop: ["ALL"]` and add back only what the program uses. A `drop` list without ALL is reported at its key. Fix All never applies the fix: a program that binds a port below 1024, changes file owners or switches user needs some of them.',
    bad: 'containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      capabilities:\n        drop: ["NET_RAW"]',
    good: 'containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n      capabilities:\n        drop: ["ALL"]',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      const dropPair = pairOf(mapAt(c.node, 'securityContext', 'capabilities'), 'drop');
      if (asSeq(dropPair?.value)?.items.some((i) => stringOf(i)?.toUpperCase() === 'ALL')) continue;
      report(dropPair ?? c.anchor, `${describeContainer(c)} does not drop ALL capabilities`, {
        fixes: riskyFixIf(
          'Add ALL to securityContext.capabilities.drop',
          edits.addToSeq(c.node, ['securityContext', 'capabilities', 'drop'], 'ALL'),
          'a program that binds a port below 1024, changes file owners or switches user needs some default capabilities',
        ),
      });
    }
  },
};
