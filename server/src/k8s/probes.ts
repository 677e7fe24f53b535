/** Container ports and probes, shared by the probe rules. */
import type { Fix } from '../engine/types';
import { asSeq, mapAt, mapsIn, pairOf, scalarValue, stringOf, numberOf, type Pair } from './nodes';
import type { ContainerRef } from './podSpec';
import type { YamlEditor } from './yamlEdits';

const PROBE_KEYS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
export type ProbeKey = (typeof PROBE_KEYS)[number];
const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

export interface ContainerPort {
  name?: string;
  number?: number;
}

export function containerPorts(c: ContainerRef): ContainerPort[] {
  return mapsIn(asSeq(pairOf(c.node, 'ports')?.value)).map((p) => ({
    name: stringOf(pairOf(p, 'name')?.value),
    number: numberOf(pairOf(p, 'containerPort')?.value),
  }));
}

/** The `port:` pairs of a container's probes, with the probe they belong to. */
export function probePorts(c: ContainerRef): { probe: ProbeKey; pair: Pair; port: string | number }[] {
  const out: { probe: ProbeKey; pair: Pair; port: string | number }[] = [];
  for (const probe of PROBE_KEYS) {
    for (const handler of PROBE_HANDLERS) {
      const pair = pairOf(mapAt(c.node, probe, handler), 'port');
      const v = scalarValue(pair?.value);
      if (!pair || (typeof v !== 'string' && typeof v !== 'number')) continue;
      // IntOrString: a string of digits is a number to Kubernetes.
      out.push({ probe, pair, port: typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v });
    }
  }
  return out;
}

/** The port a probe fix checks: the container's first port with a name or number. */
function firstPort(c: ContainerRef): ContainerPort | undefined {
  return containerPorts(c).find((p) => p.name !== undefined || p.number !== undefined);
}

/**
 * Fixes adding a probe on the container's first port: a tcpSocket check (safe for any server) and,
 * for ports named like HTTP, an httpGet alternative. None when the container declares no port.
 */
export function probeFixes(edits: YamlEditor, c: ContainerRef, probe: ProbeKey): Fix[] {
  const first = firstPort(c);
  if (!first) return [];
  const port = first.name ?? first.number!;
  const fixes: Fix[] = [];
  const tcp = edits.set(c.node, [probe], { tcpSocket: { port } });
  if (tcp) fixes.push({ title: `Add a tcpSocket ${probe} on port ${port}`, edits: tcp, preferred: true });
  if (first.name && /^https?(-|$)/.test(first.name)) {
    const httpGet: Record<string, string | number> = { path: '/healthz', port };
    if (first.name.startsWith('https')) httpGet.scheme = 'HTTPS';
    const http = edits.set(c.node, [probe], { httpGet });
    if (http) fixes.push({ title: `Add an httpGet ${probe} on ${first.name} /healthz`, edits: http });
  }
  return fixes;
}

/**
 * The message part telling why no fix is offered. Asks the container, not the fixes: output that
 * shows no fixes (text, SARIF) builds none, and the message must read the same there.
 */
export function probeFixHint(c: ContainerRef): string {
  return firstPort(c) ? '' : ' (no quick fix: the container declares no port to probe)';
}
