/**
 * A pod network of our own, for reaching a real process through the API server's pod proxy
 * (which refuses loopback pod IPs): a network namespace with a veth pair, a private /30 of a
 * random 10.x.y.0 block, the host end in this namespace and the "pod" end inside. Traffic never
 * leaves the machine. Names are unique per run so parallel runs do not collide; everything is
 * removed by destroy() and, failing that, when this process exits.
 * Needs root (ip netns, ip link). Facts: /work/shared/notes/cluster-and-corpora.md.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';

export interface PodNetwork {
  /** The network namespace's name. */
  netns: string;
  /** The pod's address (inside the namespace) and the host's end of the pair. */
  podIP: string;
  hostIP: string;
  /** Runs a program inside the namespace: prefix its argv with this. */
  exec: string[];
  destroy(): void;
}

function ip(args: string[], allowFailure = false): string {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`ip ${args.join(' ')}: ${r.error.message} (the iproute2 package provides ip)`);
  if (r.status !== 0 && !allowFailure) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Why a pod network cannot be made here, or undefined when it can (root, and ip netns works). */
export function podNetworkUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for ip netns';
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `ip netns is not usable: ${r.error?.message ?? r.stderr.trim()}`;
  return undefined;
}

/** A 10.x.y.z/30 not used by any address on this host yet. */
function freeSubnet(): [string, string] {
  const used = ip(['-4', '-o', 'addr', 'show']);
  for (let attempt = 0; attempt < 50; attempt++) {
    const [a, b, c] = crypto.randomBytes(3);
    const base = `10.${100 + (a % 100)}.${b}.${c & 0xfc}`;
    const prefix = base.slice(0, base.lastIndexOf('.') + 1);
    if (!used.includes(` ${prefix}`)) {
      const last = c & 0xfc;
      return [`${prefix}${last + 1}`, `${prefix}${last + 2}`];
    }
  }
  throw new Error('no free 10.x.y.0/30 found');
}

export function createPodNetwork(): PodNetwork {
  const id = crypto.randomBytes(4).toString('hex');
  const netns = `leaklens-${process.pid}-${id}`;
  // Interface names have at most 15 characters.
  const hostIf = `llh${id}`;
  const podIf = `llp${id}`;
  const [hostIP, podIP] = freeSubnet();
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    process.removeListener('exit', destroy);
    // Deleting one end of a veth pair deletes both; deleting the namespace kills nothing by itself,
    // so callers stop their processes first.
    ip(['link', 'del', hostIf], true);
    ip(['netns', 'del', netns], true);
  };
  process.on('exit', destroy);
  try {
    ip(['netns', 'add', netns]);
    ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', podIf]);
    ip(['link', 'set', podIf, 'netns', netns]);
    ip(['addr', 'add', `${hostIP}/30`, 'dev', hostIf]);
    ip(['link', 'set', hostIf, 'up']);
    ip(['-n', netns, 'addr', 'add', `${podIP}/30`, 'dev', podIf]);
    ip(['-n', netns, 'link', 'set', podIf, 'up']);
    ip(['-n', netns, 'link', 'set', 'lo', 'up']);
  } catch (e) {
    destroy();
    throw e;
  }
  return { netns, podIP, hostIP, exec: ['ip', 'netns', 'exec', netns], destroy };
}

/** True while the namespace exists (for the clean-up test). */
export function netnsExists(name: string): boolean {
  return ip(['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === name);
}

export function linkExists(name: string): boolean {
  return spawnSync('ip', ['link', 'show', name], { encoding: 'utf8' }).status === 0;
}
