// Trace links: the service identity order and each provider's URL.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceIdentity, serviceNameFromResourceAttributes, traceLink, type TraceSettings, type TraceTarget } from '../../client/src/cluster/traces';

type Env = { name: string; value?: string }[];

function deployment(opts: { env?: Env; otherEnv?: Env; podAnnotations?: Record<string, string>; annotations?: Record<string, string>; podLabels?: Record<string, string>; labels?: Record<string, string> } = {}): TraceTarget {
  return {
    namespace: 'shop',
    workloadName: 'checkout-api',
    pod: 'checkout-api-5d8-abc',
    container: 'app',
    workload: {
      kind: 'Deployment',
      metadata: { name: 'checkout-api', namespace: 'shop', annotations: opts.annotations, labels: opts.labels },
      spec: {
        template: {
          metadata: { annotations: opts.podAnnotations, labels: opts.podLabels },
          spec: { containers: [{ name: 'istio-proxy', env: opts.otherEnv }, { name: 'app', env: opts.env }] },
        },
      },
    },
  };
}

const settings = (provider: TraceSettings['provider'], baseUrl = 'https://traces.example.com/', template = ''): TraceSettings => ({ provider, baseUrl, template, tempoDatasource: 'tempo-uid' });

describe('service identity, in order', () => {
  const all = {
    env: [{ name: 'OTEL_SERVICE_NAME', value: 'from-env' }, { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'service.name=from-attrs' }],
    podAnnotations: { 'resource.opentelemetry.io/service.name': 'from-annotation' },
    podLabels: { 'app.kubernetes.io/instance': 'from-instance', 'app.kubernetes.io/name': 'from-name' },
  };
  test('OTEL_SERVICE_NAME first', () => assert.equal(serviceIdentity(deployment(all)).service, 'from-env'));
  test('then service.name in OTEL_RESOURCE_ATTRIBUTES', () => {
    assert.equal(serviceIdentity(deployment({ ...all, env: [all.env[1]] })).service, 'from-attrs');
  });
  test('then the resource.opentelemetry.io/service.name annotation (pod template, then workload)', () => {
    assert.equal(serviceIdentity(deployment({ ...all, env: [] })).service, 'from-annotation');
    assert.equal(serviceIdentity(deployment({ annotations: { 'resource.opentelemetry.io/service.name': 'on-workload' } })).service, 'on-workload');
  });
  test('then app.kubernetes.io/instance, then app.kubernetes.io/name', () => {
    assert.equal(serviceIdentity(deployment({ podLabels: all.podLabels })).service, 'from-instance');
    assert.equal(serviceIdentity(deployment({ labels: { 'app.kubernetes.io/name': 'from-name' } })).service, 'from-name');
  });
  test("then the workload's name", () => {
    const id = serviceIdentity(deployment());
    assert.deepEqual(id, { service: 'checkout-api', source: 'workload name' });
  });
  test('the chosen container is asked first, then the others', () => {
    const t = deployment({ otherEnv: [{ name: 'OTEL_SERVICE_NAME', value: 'proxy' }], env: [{ name: 'OTEL_SERVICE_NAME', value: 'app' }] });
    assert.equal(serviceIdentity(t).service, 'app');
    assert.equal(serviceIdentity({ ...t, container: 'istio-proxy' }).service, 'proxy');
    assert.equal(serviceIdentity(deployment({ otherEnv: [{ name: 'OTEL_SERVICE_NAME', value: 'proxy' }] })).service, 'proxy');
  });
  test('env vars without a literal value (valueFrom) are skipped', () => {
    assert.equal(serviceIdentity(deployment({ env: [{ name: 'OTEL_SERVICE_NAME' }] })).service, 'checkout-api');
  });
  test('CronJobs: the job template', () => {
    const t: TraceTarget = {
      namespace: 'ops',
      workloadName: 'nightly',
      workload: { kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'OTEL_SERVICE_NAME', value: 'nightly-report' }] }] } } } } } },
    };
    assert.equal(serviceIdentity(t).service, 'nightly-report');
  });
  test('OTEL_RESOURCE_ATTRIBUTES parsing: other keys, spaces, percent-encoding', () => {
    assert.equal(serviceNameFromResourceAttributes('deployment.environment=prod, service.name = cart%20svc ,x=y'), 'cart svc');
    assert.equal(serviceNameFromResourceAttributes('service.namespace=shop'), undefined);
    assert.equal(serviceNameFromResourceAttributes('service.name=%E0%A4%A'), '%E0%A4%A');
  });
});

describe('providers', () => {
  const t = deployment({ env: [{ name: 'OTEL_SERVICE_NAME', value: 'checkout & co' }] });
  test('jaeger', () => {
    assert.deepEqual(link(t, settings('jaeger')), 'https://traces.example.com/search?service=checkout%20%26%20co&lookback=1h');
  });
  test('zipkin', () => {
    assert.equal(link(t, settings('zipkin', 'http://zipkin:9411')), 'http://zipkin:9411/zipkin/?serviceName=checkout%20%26%20co');
  });
  test('kiali', () => {
    assert.equal(link(t, settings('kiali', 'https://kiali.example.com')), 'https://kiali.example.com/console/namespaces/shop/workloads/checkout-api?tab=traces');
  });
  test('tempo: Grafana Explore with TraceQL on service and namespace', () => {
    const url = new URL(link(t, settings('tempo', 'https://grafana.example.com')));
    assert.equal(url.pathname, '/explore');
    const panes = JSON.parse(url.searchParams.get('panes')!);
    const pane = Object.values(panes)[0] as { datasource: string; queries: { query: string; queryType: string; datasource: { uid: string } }[]; range: { from: string } };
    assert.equal(pane.queries[0].query, '{resource.service.name="checkout & co" && resource.k8s.namespace.name="shop"}');
    assert.equal(pane.queries[0].queryType, 'traceql');
    assert.equal(pane.queries[0].datasource.uid, 'tempo-uid');
    assert.equal(pane.range.from, 'now-1h');
  });
  test('custom: every placeholder, URL-encoded; relative templates join the base URL', () => {
    const now = 1_700_000_000_000;
    const s = settings('custom', 'https://o11y.example.com', '/t?s={service}&ns={namespace}&w={workload}&p={pod}&c={container}&from={from}&to={to}&keep={unknown}');
    const r = traceLink(t, s, now);
    assert.ok(r.ok);
    assert.equal(r.url, `https://o11y.example.com/t?s=checkout%20%26%20co&ns=shop&w=checkout-api&p=checkout-api-5d8-abc&c=app&from=${now - 3_600_000}&to=${now}&keep={unknown}`);
    const abs = traceLink(t, settings('custom', '', 'https://x.example/{service}'), now);
    assert.ok(abs.ok && abs.url === 'https://x.example/checkout%20%26%20co');
  });
  test('the leaklens.dev/trace-url annotation overrides everything', () => {
    const annotated = deployment({ annotations: { 'leaklens.dev/trace-url': 'https://dash.example.com/d/{workload}' }, env: [{ name: 'OTEL_SERVICE_NAME', value: 'x' }] });
    assert.equal(link(annotated, settings('jaeger')), 'https://dash.example.com/d/checkout-api');
    assert.equal(link(annotated, settings('none', '')), 'https://dash.example.com/d/checkout-api');
  });
  test('no provider, or one without a base URL: the reason says which setting to set', () => {
    const none = traceLink(t, settings('none', ''));
    assert.ok(!none.ok && /leaklens\.traces\.provider/.test(none.reason));
    const noBase = traceLink(t, settings('jaeger', '  '));
    assert.ok(!noBase.ok && /leaklens\.traces\.baseUrl/.test(noBase.reason));
    const noTemplate = traceLink(t, settings('custom'));
    assert.ok(!noTemplate.ok && /leaklens\.traces\.template/.test(noTemplate.reason));
  });
});

function link(t: TraceTarget, s: TraceSettings): string {
  const r = traceLink(t, s);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.url;
}
