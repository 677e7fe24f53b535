import { asSeq, mapAt, pairOf, stringOf, type YamlNode } from '../nodes';
import { allContainers, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import type { K8sRule } from '../rule';

/** Capabilities that give a container control of the node or its network. */
const DANGEROUS: Record<string, string> = {
  ALL: 'every capability',
  SYS_ADMIN: 'mounts, namespaces and most of what root can do on the node',
  NET_ADMIN: 'the node\'s routing, firewall and interfaces',
  SYS_MODULE: 'loading kernel modules',
  SYS_PTRACE: 'tracing and reading other processes',
  BPF: 'loading eBPF programs into the kernel',
};

export const dangerousCapabilities: K8sRule = {
  id: 'k8s/dangerous-capabilities',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Container adds a dangerous Linux capability',
  defaultSeverity: 'warning',
  fixable: false,
  docs: {
    description:
      '`capabilities.add` with ALL, SYS_ADMIN, NET_ADMIN, SYS_MODULE, SYS_PTRACE or BPF hands the container most of root\'s power over the node: a compromise of the container is a compromise of the node. Only node agents need them; everything else should add at most narrow capabilities such as NET_BIND_SERVICE. Each capability is reported at its item. No fix is offered: removing it breaks the agent that needs it.',
    bad: 'securityContext:\n  capabilities:\n    add: ["SYS_ADMIN"]',
    good: 'securityContext:\n  capabilities:\n    drop: ["ALL"]\n    add: ["NET_BIND_SERVICE"]',
  },
  check({ objects, report }) {
    for (const c of allContainers(objects)) {
      for (const item of asSeq(pairOf(mapAt(c.node, 'securityContext', 'capabilities'), 'add')?.value)?.items ?? []) {
        const cap = stringOf(item)?.toUpperCase().replace(/^CAP_/, '');
        if (!cap || !DANGEROUS[cap]) continue;
        report(item as YamlNode, `${describeContainer(c)} adds ${cap}: ${DANGEROUS[cap]}`);
      }
    }
  },
};
