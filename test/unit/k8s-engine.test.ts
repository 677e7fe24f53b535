/**
 * The Kubernetes engine around the rules: configuration, suppressions, cross-file indexes, live-object
 * linting, rule failures and hostile input.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { defaultConfig, mergeConfig } from '../../server/src/engine/config';
import { ruleById } from '../../server/src/lint/registry';
import { applyEdits } from '../../server/src/engine/text';
import { parseAllDocuments } from 'yaml';
import {
  analyzeManifests,
  analyzeManifestsWith,
  indexManifest,
  lintObject,
} from '../../server/src/k8s/analyzer';
import { analyzeManifestSet } from '../../server/src/k8s/manifestSet';
import type { K8sRule } from '../../server/src/k8s/rule';
import { k8sRules } from '../../server/src/k8s/rules';
import { FOREIGN_CHECKS, rulesSilencedBy, SUPPRESSION_ANNOTATIONS } from '../../server/src/k8s/suppressAnnotations';
import { fixAllManifest, lintManifest, manifestFiles } from '../helpers/k8sEngine';
import { seededRandom } from '../helpers/random';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'k8s');

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: bare
spec:
  containers:
    - name: app
      image: nginx
`;

const rulesOf = (findings: { rule: string }[]) => [...new Set(findings.map((f) => f.rule))].sort();

describe('configuration', () => {
  test('rules turned off are not run and severities are overridden', () => {
    const config = mergeConfig(defaultConfig(), { rules: { 'k8s/image-latest': 'off', 'k8s/run-as-root': 'error' } });
    const findings = lintManifest('pod.yaml', POD, [], config);
    assert.ok(!findings.some((f) => f.rule === 'k8s/image-latest'));
    assert.equal(findings.find((f) => f.rule === 'k8s/run-as-root')?.severity, 'error');
    assert.equal(findings.find((f) => f.rule === 'k8s/writable-root-fs')?.severity, 'warning');
  });

  test('kubernetes.enabled: false yields no findings for any target', () => {
    const config = mergeConfig(defaultConfig(), { sections: { kubernetes: { enabled: false } } });
    const result = analyzeManifests([{ path: 'pod.yaml', text: POD }], config, () => assert.fail('no rule should run'));
    assert.deepEqual([...result], [['pod.yaml', []]]);
  });

  test('every k8s rule is registered with docs and a k8s/ id', () => {
    for (const rule of k8sRules) {
      assert.equal(ruleById(rule.id), rule);
      assert.match(rule.id, /^k8s\/[a-z-]+$/);
      assert.ok(rule.docs.description && rule.docs.bad && rule.docs.good, `${rule.id} docs`);
    }
  });
});

describe('finding ranges (LSP: 0-based lines, UTF-16 columns)', () => {
  const text = `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      containers:
        - name: "caf\u00e9-\u{1F600}"
          image: busybox
          lifecycle:
            preStop:
              exec: {command: [sleep, "40"]}
`;
  const findings = lintManifest('ranges.yaml', text);
  const range = (rule: string) => {
    const r = findings.find((f) => f.rule === rule)!.range;
    return [r.start.line, r.start.character, r.end.line, r.end.character];
  };

  test('object rules span the kind pair, container rules the name pair', () => {
    assert.deepEqual(range('k8s/job-no-ttl'), [1, 0, 1, 9]);
    // `name: "café-😀"`: the quoted value is 9 UTF-16 units, the emoji counts twice.
    assert.deepEqual(range('k8s/run-as-root'), [7, 10, 7, 25]);
  });

  test('key-and-scalar rules span both, rules on a mapping span its key', () => {
    assert.deepEqual(range('k8s/image-latest'), [8, 10, 8, 24]);
    assert.deepEqual(range('k8s/grace-period-prestop'), [10, 12, 10, 19]);
  });
});

describe('suppression', () => {
  test('leaklens.dev/ignore on the pod template silences the listed rules for the whole object', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations:
        leaklens.dev/ignore: "k8s/image-latest,k8s/single-replica"
    spec:
      containers:
        - name: web
          image: nginx
`;
    const rules = rulesOf(lintManifest('d.yaml', text));
    assert.ok(!rules.includes('k8s/image-latest') && !rules.includes('k8s/single-replica'), rules.join());
    assert.ok(rules.includes('k8s/run-as-root'));
  });

  test('annotations of one object do not silence its neighbours', () => {
    const annotated = POD.replace('  name: bare\n', '  name: bare\n  annotations:\n    leaklens.dev/ignore: k8s/image-latest\n');
    const findings = lintManifest('two.yaml', `${annotated}---\n${POD}`);
    assert.deepEqual(findings.filter((f) => f.rule === 'k8s/image-latest').map((f) => f.range.start.line), [18]);
  });

  test('foreign annotations map through the one table', () => {
    assert.deepEqual([...rulesSilencedBy({ 'ignore-check.kube-linter.io/latest-tag': 'pinned by digest in CI' })], ['k8s/image-latest']);
    assert.deepEqual([...rulesSilencedBy({ 'polaris.fairwinds.com/runAsPrivileged-exempt': 'true' })], ['k8s/privileged']);
    assert.deepEqual([...rulesSilencedBy({ 'polaris.fairwinds.com/runAsPrivileged-exempt': 'false' })], []);
    assert.deepEqual([...rulesSilencedBy({ 'kube-score/ignore': 'pod-probes, container-image-tag' })].sort(), [
      'k8s/image-latest',
      'k8s/no-liveness-probe',
      'k8s/no-readiness-probe',
    ]);
    const polarisAll = rulesSilencedBy({ 'polaris.fairwinds.com/exempt': 'true' });
    assert.ok(polarisAll.has('k8s/host-namespace') && !polarisAll.has('k8s/job-no-ttl'));
  });

  test('the mapping table names only real rules and renders one annotation per check', () => {
    for (const c of FOREIGN_CHECKS) for (const r of c.rules) assert.ok(ruleById(r), `${c.tool}/${c.check} -> ${r}`);
    assert.equal(SUPPRESSION_ANNOTATIONS.length, FOREIGN_CHECKS.length);
    assert.ok(SUPPRESSION_ANNOTATIONS.some((a) => a.annotation === 'kube-score/ignore: "container-resources"'));
  });
});

describe('workspace', () => {
  const service = { path: 'svc.yaml', text: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n' };
  const deployment = {
    path: 'deploy.yaml',
    text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: []}\n',
  };
  const dangling = (workspace: NonNullable<Parameters<typeof analyzeManifests>[3]>['workspace']) =>
    analyzeManifests([service], defaultConfig(), assert.fail, { workspace }).get('svc.yaml')!.filter((f) => f.rule === 'k8s/dangling-service');

  test('a cached ManifestIndex stands in for the text of a workspace file', () => {
    assert.equal(dangling([]).length, 1);
    assert.equal(dangling([deployment]).length, 0);
    const index = indexManifest(deployment);
    assert.deepEqual(index.podTemplates, [{ namespace: undefined, labels: { app: 'web' } }]);
    assert.equal(dangling([index]).length, 0);
  });

  test("a target's own text wins over a stale workspace entry for the same path", () => {
    const stale = indexManifest({ path: 'svc.yaml', text: deployment.text });
    assert.equal(dangling([stale]).length, 1);
  });

  test('targets see each other', () => {
    const result = analyzeManifests([service, deployment], defaultConfig(), assert.fail);
    assert.ok(!result.get('svc.yaml')!.some((f) => f.rule === 'k8s/dangling-service'));
  });

  test("a chart's templates go through analyzeManifestSet (with a notice when helm is missing); a chart's other YAML is linted as it is", () => {
    const chart = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-chart-'));
    try {
      fs.mkdirSync(path.join(chart, 'templates'));
      fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 1.0.0\n');
      const inTemplates = path.join(chart, 'templates', 'pod.yaml');
      const beside = path.join(chart, 'extra', 'pod.yaml');
      const notices: string[] = [];
      const targets = [{ path: inTemplates, text: POD.replace('    - name: app\n', '    - name: app\n      securityContext: {privileged: true}\n') }, { path: beside, text: POD }];
      const result = analyzeManifestSet(targets, defaultConfig(), assert.fail, { helm: { binary: path.join(chart, 'no-helm') }, onNotice: (n) => notices.push(n.message) });
      assert.deepEqual(rulesOf(result.get(inTemplates)!), ['k8s/image-latest', 'k8s/privileged'], 'only what is written out in the template');
      assert.ok(result.get(beside)!.length > 3);
      assert.equal(notices.length, 1);
    } finally {
      fs.rmSync(chart, { recursive: true, force: true });
    }
  });
});

describe('lintObject (live objects from the API server)', () => {
  const live = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'prod', managedFields: [{ manager: 'kubectl' }], annotations: { 'kube-score/ignore': 'container-image-tag' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx', env: [{ name: 'API_TOKEN', value: 'abc' }] }] },
      },
    },
    status: { replicas: 1 },
  };

  test('runs the same rules and honours annotations and config', () => {
    const findings = lintObject(live, mergeConfig(defaultConfig(), { rules: { 'k8s/single-replica': 'warning' } }));
    const rules = rulesOf(findings);
    for (const r of ['k8s/secret-in-env', 'k8s/run-as-root', 'k8s/no-liveness-probe', 'k8s/single-replica']) assert.ok(rules.includes(r), r);
    assert.ok(!rules.includes('k8s/image-latest'), 'kube-score/ignore annotation honoured');
    assert.equal(findings.find((f) => f.rule === 'k8s/single-replica')?.severity, 'warning');
    assert.match(findings.find((f) => f.rule === 'k8s/secret-in-env')!.message, /API_TOKEN/);
  });

  test('skips cross-file rules and tolerates junk', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'x' } } };
    assert.deepEqual(lintObject(svc), []);
    for (const junk of [null, 42, 'kind: Pod', [], { kind: 'Pod' }, { apiVersion: 'v1', kind: 'Pod', spec: 'oops' }]) {
      assert.deepEqual(lintObject(junk), []);
    }
  });
});

describe('fix layout', () => {
  const fixOf = (text: string, rule: string, file = 'l.yaml') => {
    const f = lintManifest(file, text).find((x) => x.rule === rule)!;
    return applyEdits(text, f.fixes[0].edits);
  };

  test("inserted keys follow their own document's indentation and sequence style", () => {
    const four = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n    name: c\ndata:\n    a: b\n';
    const two = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: example.com/app:1.0.0\n    securityContext:\n      runAsNonRoot: true\n';
    const fixed = fixOf(`${four}---\n${two}`, 'k8s/capabilities-not-dropped');
    assert.ok(fixed.endsWith('      runAsNonRoot: true\n      capabilities:\n        drop:\n        - ALL\n'), fixed);
  });

  test('a JSON manifest stays JSON, pretty-printed members get their own line', () => {
    const json = '{\n  "apiVersion": "batch/v1",\n  "kind": "Job",\n  "metadata": {"name": "j"},\n  "spec": {\n    "template": {"spec": {"containers": []}}\n  }\n}\n';
    const fixed = fixOf(json, 'k8s/job-no-ttl', 'l.json');
    assert.equal(fixed, json.replace('{"containers": []}}', '{"containers": []}},\n    "ttlSecondsAfterFinished": 86400'));
    assert.equal(JSON.parse(fixed).spec.ttlSecondsAfterFinished, 86400);
  });
});

describe('Fix All never breaks a workload', () => {
  const fixAll = (file: string, text: string) => fixAllManifest(file, text);
  const read = (rel: string) => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
  const containerOf = (text: string, name: string) =>
    parseAllDocuments(text)[0].toJS().spec.template.spec[name === 'sysctl' ? 'initContainers' : 'containers'].find((c: { name: string }) => c.name === name);

  test('a node-exporter-like DaemonSet keeps hostNetwork and hostPID; the removals stay marked quick fixes', () => {
    const text = read('host-namespace/node-exporter.yaml');
    const hostFixes = lintManifest('ne.yaml', text).filter((f) => f.rule === 'k8s/host-namespace').flatMap((f) => f.fixes);
    assert.deepEqual(hostFixes.map((f) => f.title), ['Remove hostNetwork', 'Remove hostPID']);
    assert.ok(hostFixes.every((f) => f.changesBehavior), 'marked as changing behavior');
    const fixed = fixAll('ne.yaml', text);
    assert.notEqual(fixed, text, 'the safe fixes (requests, limits) were applied');
    const spec = parseAllDocuments(fixed)[0].toJS().spec.template.spec;
    assert.equal(spec.hostNetwork, true);
    assert.equal(spec.hostPID, true);
    const c = spec.containers[0];
    assert.deepEqual(c.resources, { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    assert.equal(c.securityContext.capabilities, undefined, 'capabilities left as they were');
  });

  test('a sysctl init container stays privileged and root', () => {
    const text = read('privileged/sysctl-init.yaml');
    const fixed = fixAll('sysctl.yaml', text);
    const init = containerOf(fixed, 'sysctl');
    assert.deepEqual(
      { privileged: init.securityContext.privileged, runAsUser: init.securityContext.runAsUser, runAsNonRoot: init.securityContext.runAsNonRoot, caps: init.securityContext.capabilities },
      { privileged: true, runAsUser: 0, runAsNonRoot: false, caps: undefined },
    );
    assert.equal(containerOf(fixed, 'gateway').securityContext.runAsNonRoot, undefined, 'runAsNonRoot is never set by Fix All');
  });
});

describe('fixes on CRLF files', () => {
  test('inserted lines use the file\'s CRLF line breaks and the result re-parses', () => {
    const crlf = fs.readFileSync(path.join(FIXTURES, 'no-resource-requests', 'positive.yaml'), 'utf8').replaceAll('\n', '\r\n');
    const findings = lintManifest('crlf.yaml', crlf);
    let fixes = 0;
    for (const f of findings) {
      for (const fix of f.fixes) {
        const fixed = applyEdits(crlf, fix.edits);
        assert.ok(!/[^\r]\n/.test(fixed), `${f.rule} "${fix.title}" inserts a bare LF`);
        assert.ok(lintManifest('crlf.yaml', fixed).filter((g) => g.rule === f.rule).length < findings.filter((g) => g.rule === f.rule).length);
        fixes++;
      }
    }
    assert.ok(fixes >= 4, `${fixes} fixes tried`);
  });
});

describe('rule failures', () => {
  test('a rule that throws is reported and the others still run', () => {
    const broken: K8sRule = { ...k8sRules[1], id: 'k8s/test-broken', check: () => { throw new Error('boom'); } };
    const errors: string[] = [];
    const result = analyzeManifestsWith([broken, ...k8sRules], [{ path: 'p.yaml', text: POD }], defaultConfig(), (rule, err) =>
      errors.push(`${rule}: ${(err as Error).message}`),
    );
    assert.deepEqual(errors, ['k8s/test-broken: boom']);
    assert.ok(result.get('p.yaml')!.some((f) => f.rule === 'k8s/image-latest'));
  });
});

describe('robustness: bad input never throws', () => {
  const fixtures = manifestFiles(FIXTURES).map((f) => fs.readFileSync(f, 'utf8'));
  const random = seededRandom(42);

  function lintQuietly(text: string, name = 'x.yaml') {
    const errors: unknown[] = [];
    const result = analyzeManifests([{ path: name, text }], defaultConfig(), (_rule, err) => errors.push(err));
    assert.deepEqual(errors, [], `a rule failed on:\n${text.slice(0, 500)}`);
    return result.get(name)!;
  }

  test('every fixture truncated at many points', () => {
    for (const text of fixtures) {
      for (let cut = 0; cut < text.length; cut += Math.max(1, Math.floor(text.length / 30))) lintQuietly(text.slice(0, cut));
    }
  });

  test('every fixture with random bytes inserted', () => {
    const junk = ['\0', '\t', ':', '- ', '{', ']', '"', "'", '&a ', '*a ', '<<: *a\n', '\n  ', '\uFFFD', '|\n', '? ', '%YAML 1.2\n'];
    for (const text of fixtures) {
      for (let i = 0; i < 15; i++) {
        let mutated = text;
        for (let j = 0; j < 3; j++) {
          const at = Math.floor(random() * mutated.length);
          mutated = mutated.slice(0, at) + junk[Math.floor(random() * junk.length)] + mutated.slice(at);
        }
        lintQuietly(mutated);
        lintQuietly(mutated, 'x.json');
      }
    }
  });

  test('binary junk, deep nesting, circular merges', () => {
    const bytes = Buffer.from(Array.from({ length: 50_000 }, () => Math.floor(random() * 256))).toString('latin1');
    lintQuietly(bytes);
    lintQuietly(`apiVersion: v1\nkind: Pod\nspec: ${'['.repeat(50_000)}\n`);
    lintQuietly(`apiVersion: v1\nkind: Pod\nspec: ${'{a: '.repeat(20_000)}\n`);
    lintQuietly('apiVersion: v1\nkind: Pod\nspec: &s\n  <<: *s\n  containers: [{name: a, <<: *s}]\n');
    lintQuietly('apiVersion: v1\nkind: List\nitems: &i\n  - *i\n');
  });

  test('a huge manifest file is linted whole', () => {
    const doc = fs.readFileSync(path.join(FIXTURES, 'no-liveness-probe', 'positive.yaml'), 'utf8');
    const huge = Array.from({ length: 400 }, () => doc).join('---\n');
    const findings = lintQuietly(huge);
    const perCopy = lintQuietly(doc).length;
    assert.equal(findings.length, perCopy * 400);
  });
});
