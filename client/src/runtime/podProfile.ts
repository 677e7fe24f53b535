/**
 * A pod's goroutine profile through the API server's pod proxy:
 *   GET /api/v1/namespaces/NS/pods/NAME:PORT/proxy/debug/pprof/goroutine?debug=2
 * — a `get` on `pods/proxy`, nothing else (no port-forward, no exec). The port is the pod's
 * `leaklens.dev/pprof-port` annotation, else a container port named pprof, debug or http-debug,
 * else the `leaklens.runtime.pprofPort` setting; each candidate is tried until one serves a
 * profile. Free of the vscode module: the CLI reads pods with it too.
 */
import { ApiError, type KubeApi } from '../cluster/api';
import { objectPath, PODS } from '../cluster/kinds';
import type { KubeObject } from '../cluster/kube';
import { CancelledError, PPROF_ENDPOINTS, readFirstEndpoint, type OpenStream, type ProfileRead, type ReadOptions } from '../../../server/src/goroutines/sources';

const PPROF_PORT_ANNOTATION = 'leaklens.dev/pprof-port';
const PPROF_PORT_NAMES: readonly string[] = ['pprof', 'debug', 'http-debug'];
const EXPOSE_PPROF_HELP =
  `Serve net/http/pprof on a port of its own (not on the public Service) and name it: a container port named "pprof", ` +
  `the pod annotation ${PPROF_PORT_ANNOTATION}: "6060", or the leaklens.runtime.pprofPort setting. See docs/runtime-leaks.md.`;

interface PortCandidate {
  port: number;
  /** Where the port came from, for messages: 'annotation leaklens.dev/pprof-port'. */
  source: string;
}

/** The pod's pprof ports, most specific first, without duplicates. */
function pprofPortCandidates(pod: KubeObject, settingPort?: number): PortCandidate[] {
  const out: PortCandidate[] = [];
  const add = (port: number, source: string) => {
    if (Number.isInteger(port) && port > 0 && port < 65536 && !out.some((c) => c.port === port)) out.push({ port, source });
  };
  const containers: { name?: string; ports?: { name?: string; containerPort?: number }[] }[] = pod.spec?.containers ?? [];
  const named = (name: string) => containers.flatMap((c) => c.ports ?? []).find((p) => p.name === name)?.containerPort;
  const annotation = pod.metadata?.annotations?.[PPROF_PORT_ANNOTATION]?.trim();
  if (annotation) add(/^\d+$/.test(annotation) ? Number(annotation) : (named(annotation) ?? NaN), `annotation ${PPROF_PORT_ANNOTATION}`);
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name && PPROF_PORT_NAMES.includes(p.name) && p.containerPort) add(p.containerPort, `port "${p.name}" of container ${c.name}`);
    }
  }
  if (settingPort) add(settingPort, 'setting leaklens.runtime.pprofPort');
  return out;
}

/** The pod names no pprof port, or none of its ports serves a profile. */
export class PprofUnavailableError extends Error {
  constructor(
    message: string,
    /** What each port answered. */
    readonly attempts: string[],
  ) {
    super(message);
    this.name = 'PprofUnavailableError';
  }
}

/** The user may not read through the pod proxy (RBAC: get on pods/proxy). */
export class ProxyForbiddenError extends Error {
  constructor(detail: string | undefined) {
    super(`Forbidden: reading a pod's profile needs "get" on "pods/proxy" in its namespace${detail ? ` (${detail})` : ''}`);
    this.name = 'ProxyForbiddenError';
  }
}

export interface PodProfileRead extends ProfileRead {
  port: number;
  portSource: string;
}

function proxyPath(namespace: string, pod: string, port: number): string {
  return `${objectPath(PODS, namespace, pod)}:${port}/proxy`;
}

function openThroughProxy(api: KubeApi, namespace: string, pod: string, port: number): OpenStream {
  const base = proxyPath(namespace, pod, port);
  return (path, query, onChunk) => api.streamBytes(base + path, query, onChunk);
}

/** A 404 from the pod's own server (its body is not a Kubernetes Status): the endpoint is missing. */
function isUpstreamNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404 && e.kubeStatus?.kind !== 'Status';
}

export async function readPodProfile(api: KubeApi, namespace: string, name: string, opts: ReadOptions & { settingPort?: number }): Promise<PodProfileRead> {
  const pod = await api.getJson<KubeObject>(objectPath(PODS, namespace, name));
  const candidates = pprofPortCandidates(pod, opts.settingPort);
  if (!candidates.length) throw new PprofUnavailableError(`Pod ${namespace}/${name} names no pprof port. ${EXPOSE_PPROF_HELP}`, []);
  const attempts: string[] = [];
  for (const c of candidates) {
    try {
      const read = await readFirstEndpoint(openThroughProxy(api, namespace, name, c.port), PPROF_ENDPOINTS, isUpstreamNotFound, opts);
      return { ...read, port: c.port, portSource: c.source };
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      if (e instanceof ApiError && e.status === 403) throw new ProxyForbiddenError(e.kubeStatus?.message);
      attempts.push(`port ${c.port} (${c.source}): ${describeProxyFailure(e)}`);
    }
  }
  throw new PprofUnavailableError(`No goroutine profile from pod ${namespace}/${name}: ${attempts.join('; ')}. ${EXPOSE_PPROF_HELP}`, attempts);
}

function describeProxyFailure(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 404) return 'no /debug/pprof/goroutine there (HTTP 404)';
    if (e.status === 400 && /address not allowed/.test(e.message)) return 'the pod has no IP yet (is it running?)';
    return `HTTP ${e.status}: ${e.message.trim().slice(0, 200)}`;
  }
  return (e as Error)?.message ?? String(e);
}
