/**
 * Links from a workload or pod to its traces. The service name is found the way OpenTelemetry
 * SDKs and the OTel operator name services: OTEL_SERVICE_NAME, then `service.name` in
 * OTEL_RESOURCE_ATTRIBUTES, then the `resource.opentelemetry.io/service.name` annotation, then the
 * app.kubernetes.io/instance and app.kubernetes.io/name labels, then the workload's name. A
 * `leaklens.dev/trace-url` annotation on the workload overrides all of it.
 */
import type { KubeObject } from './kube';

export type TraceProvider = 'none' | 'jaeger' | 'tempo' | 'zipkin' | 'kiali' | 'custom';

export interface TraceSettings {
  provider: TraceProvider;
  baseUrl: string;
  /** For `custom`: {service} {namespace} {workload} {pod} {container} {from} {to}. */
  template: string;
  /** Grafana's Tempo data source uid (for `tempo`). */
  tempoDatasource: string;
}

export interface TraceTarget {
  namespace: string;
  /** The workload (for a standalone pod: the pod). */
  workload: KubeObject;
  workloadName: string;
  pod?: string;
  container?: string;
}

export interface ServiceIdentity {
  service: string;
  /** Where the name came from, for the tooltip. */
  source: string;
}

const TRACE_URL_ANNOTATION = 'leaklens.dev/trace-url';
const SERVICE_NAME_ANNOTATION = 'resource.opentelemetry.io/service.name';
const LOOKBACK_MS = 60 * 60 * 1000;

interface EnvVar {
  name?: string;
  value?: string;
}
interface Container {
  name?: string;
  env?: EnvVar[];
}

/** The pod spec and metadata of a workload (CronJobs nest theirs one level deeper), or of a pod itself. */
function podTemplate(obj: KubeObject): { metadata?: KubeObject['metadata']; spec?: { containers?: Container[] } } {
  if (obj.kind === 'Pod') return { metadata: obj.metadata, spec: obj.spec };
  if (obj.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template ?? {};
  return obj.spec?.template ?? {};
}

/** `service.name=checkout,deployment.environment=prod` → "checkout" (values are percent-encoded per the spec). */
export function serviceNameFromResourceAttributes(attrs: string): string | undefined {
  for (const pair of attrs.split(',')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== 'service.name') continue;
    const raw = pair.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw) || undefined;
    } catch {
      return raw || undefined;
    }
  }
  return undefined;
}

export function serviceIdentity(target: TraceTarget): ServiceIdentity {
  const tpl = podTemplate(target.workload);
  const containers = tpl.spec?.containers ?? [];
  // The chosen container first, then the others in order.
  const ordered = [...containers.filter((c) => c.name === target.container), ...containers.filter((c) => c.name !== target.container)];
  const envOf = (name: string) => {
    for (const c of ordered) {
      const v = c.env?.find((e) => e.name === name)?.value;
      if (v) return { value: v, container: c.name };
    }
    return undefined;
  };
  const otelName = envOf('OTEL_SERVICE_NAME');
  if (otelName) return { service: otelName.value, source: `OTEL_SERVICE_NAME of container ${otelName.container}` };
  for (const c of ordered) {
    const attrs = c.env?.find((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES')?.value;
    const svc = attrs && serviceNameFromResourceAttributes(attrs);
    if (svc) return { service: svc, source: `service.name in OTEL_RESOURCE_ATTRIBUTES of container ${c.name}` };
  }
  const metas = [tpl.metadata, target.workload.metadata];
  for (const m of metas) {
    const v = m?.annotations?.[SERVICE_NAME_ANNOTATION];
    if (v) return { service: v, source: `annotation ${SERVICE_NAME_ANNOTATION}` };
  }
  for (const label of ['app.kubernetes.io/instance', 'app.kubernetes.io/name']) {
    for (const m of metas) {
      const v = m?.labels?.[label];
      if (v) return { service: v, source: `label ${label}` };
    }
  }
  return { service: target.workloadName, source: 'workload name' };
}

export type TraceLink = { ok: true; url: string; service: ServiceIdentity | undefined } | { ok: false; reason: string };

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? encodeURIComponent(values[key]) : whole));
}

function join(base: string, rest: string): string {
  return base.replace(/\/+$/, '') + rest;
}

/** Where "Open Traces" goes; `now` is injectable for tests. */
export function traceLink(target: TraceTarget, settings: TraceSettings, now = Date.now()): TraceLink {
  const identity = serviceIdentity(target);
  const values: Record<string, string> = {
    service: identity.service,
    namespace: target.namespace,
    workload: target.workloadName,
    pod: target.pod ?? '',
    container: target.container ?? '',
    from: String(now - LOOKBACK_MS),
    to: String(now),
  };
  const override = target.workload.metadata?.annotations?.[TRACE_URL_ANNOTATION];
  if (override?.trim()) return { ok: true, url: fill(override.trim(), values), service: undefined };

  const base = settings.baseUrl.trim();
  if (settings.provider === 'none') {
    return { ok: false, reason: 'No trace provider is configured: set leaklens.traces.provider (jaeger, tempo, zipkin, kiali or custom) and leaklens.traces.baseUrl.' };
  }
  if (settings.provider === 'custom') {
    if (!settings.template.trim()) return { ok: false, reason: 'leaklens.traces.provider is "custom" but leaklens.traces.template is empty.' };
    const url = fill(settings.template.trim(), values);
    return { ok: true, url: /^[a-z][\w+.-]*:/i.test(url) || !base ? url : join(base, url.startsWith('/') ? url : `/${url}`), service: identity };
  }
  if (!base) return { ok: false, reason: `leaklens.traces.provider is "${settings.provider}": set leaklens.traces.baseUrl to its address.` };
  const enc = encodeURIComponent;
  switch (settings.provider) {
    case 'jaeger':
      return { ok: true, url: join(base, `/search?service=${enc(identity.service)}&lookback=1h`), service: identity };
    case 'zipkin':
      return { ok: true, url: join(base, `/zipkin/?serviceName=${enc(identity.service)}`), service: identity };
    case 'kiali':
      return { ok: true, url: join(base, `/console/namespaces/${enc(target.namespace)}/workloads/${enc(target.workloadName)}?tab=traces`), service: identity };
    case 'tempo': {
      const traceql = `{resource.service.name=${JSON.stringify(identity.service)} && resource.k8s.namespace.name=${JSON.stringify(target.namespace)}}`;
      const panes = {
        traces: {
          datasource: settings.tempoDatasource,
          queries: [{ refId: 'A', datasource: { type: 'tempo', uid: settings.tempoDatasource }, queryType: 'traceql', query: traceql }],
          range: { from: 'now-1h', to: 'now' },
        },
      };
      return { ok: true, url: join(base, `/explore?schemaVersion=1&orgId=1&panes=${enc(JSON.stringify(panes))}`), service: identity };
    }
  }
}
