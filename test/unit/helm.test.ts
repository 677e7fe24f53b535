/**
 * Helm charts are linted, never skipped in silence: with helm (built from the Go module proxy by
 * scripts/build-helm.sh) a chart written for these tests is rendered and each finding lands on the
 * template line of its key; without helm the templates are read with their actions masked, only
 * values written out in them are checked, and one message per chart says so. Expectations are the
 * templates' own comments: `# want: rule, …` with helm, `want-masked: rule, …` without.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/engine/config';
import type { Finding, Notice } from '../../server/src/engine/types';
import { ManifestFile } from '../../server/src/k8s/manifestFile';
import { analyzeManifestSet } from '../../server/src/k8s/manifestSet';

const ROOT = path.join(__dirname, '..', '..');
const CHART = path.join(ROOT, 'test', 'fixtures', 'helm', 'web');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const TEMPLATES = ['deployment.yaml', 'service.yaml', 'virtualservice.yaml'].map((f) => path.join(CHART, 'templates', f));

/** `line:rule` keys a template's comments expect, with helm (`want:`) or without (`want-masked:`). */
function expected(marker: 'want' | 'want-masked'): string[] {
  const keys: string[] = [];
  for (const file of TEMPLATES) {
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const m = new RegExp(`(?:^|\\s)${marker}:\\s*([^#]*?)(?:\\s+want(?:-masked)?:|$)`).exec(line.slice(line.indexOf('#') + 1));
        if (line.includes('#') && m) for (const r of m[1].split(',').map((x) => x.trim()).filter(Boolean)) keys.push(`${path.basename(file)}:${i + 1}:${r}`);
      });
  }
  return keys.sort();
}

function keysOf(result: Map<string, Finding[]>): string[] {
  return [...result].flatMap(([file, fs]) => fs.map((f) => `${path.basename(file)}:${f.range.start.line + 1}:${f.rule}`)).sort();
}

const targets = () => TEMPLATES.map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));

let helm = '';
before(() => {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'build-helm.sh')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `scripts/build-helm.sh failed:\n${r.stderr}`);
  helm = r.stdout.trim().split('\n').pop()!;
});

describe('with helm', () => {
  test('findings land on the template line of their key, or of the nearest key the template has', () => {
    const notices: Notice[] = [];
    const result = analyzeManifestSet(targets(), defaultConfig(), assert.fail, { helm: { binary: helm }, onNotice: (n) => notices.push(n) });
    assert.deepEqual(notices, []);
    assert.deepEqual(keysOf(result), expected('want'));
    assert.ok([...result.values()].flat().every((f) => f.fixes.length === 0), 'fixes computed on rendered text are not offered on templates');
  });

  test('--values files apply after values.yaml (a pinned tag and no privileged container)', () => {
    const result = analyzeManifestSet(targets(), defaultConfig(), assert.fail, { helm: { binary: helm, values: [path.join(CHART, 'ci', 'pinned-values.yaml')] } });
    const keys = keysOf(result);
    assert.ok(!keys.some((k) => k.endsWith('k8s/image-latest') || k.endsWith('k8s/privileged')), keys.join('\n'));
    assert.ok(keys.includes('deployment.yaml:19:k8s/run-as-root'));
  });

  test('the CLI renders the chart given as a directory; --helm and --values are honoured', () => {
    const r = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', '--helm', helm, CHART], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { findings: { file: string; line: number; rule: string }[]; skipped: unknown[] };
    assert.deepEqual(out.skipped, []);
    assert.deepEqual(out.findings.map((f) => `${path.basename(f.file)}:${f.line}:${f.rule}`).sort(), expected('want'));
  });
});

describe('packaged subcharts', () => {
  test('templates rendered from charts/*.tgz have no file to report on: the chart gets a notice', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-subchart-'));
    try {
      const chart = path.join(tmp, 'web');
      fs.cpSync(CHART, chart, { recursive: true });
      const sub = path.join(tmp, 'cache');
      fs.mkdirSync(path.join(sub, 'templates'), { recursive: true });
      fs.writeFileSync(path.join(sub, 'Chart.yaml'), 'apiVersion: v2\nname: cache\nversion: 0.1.0\n');
      fs.writeFileSync(path.join(sub, 'templates', 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\nspec:\n  containers:\n    - name: cache\n      image: example.com/cache\n');
      const r = spawnSync(helm, ['package', sub, '--destination', path.join(chart, 'charts')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const notices: Notice[] = [];
      const files = TEMPLATES.map((t) => path.join(chart, 'templates', path.basename(t)));
      analyzeManifestSet(files.map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') })), defaultConfig(), assert.fail, { helm: { binary: helm }, onNotice: (n) => notices.push(n) });
      assert.deepEqual(notices.map((n) => [n.file, n.kind]), [[chart, 'partial']]);
      assert.match(notices[0].message, /1 rendered template\(s\) of packaged subcharts \(charts\/cache\/templates\/pod\.yaml\)/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('without helm', () => {
  test('templates are read with their actions masked, only written-out values are checked, and the chart gets one notice', () => {
    const notices: Notice[] = [];
    const result = analyzeManifestSet(targets(), defaultConfig(), assert.fail, { helm: { binary: '/nonexistent/helm' }, onNotice: (n) => notices.push(n) });
    assert.deepEqual(keysOf(result), expected('want-masked'));
    assert.equal(notices.length, 1);
    assert.equal(notices[0].kind, 'partial');
    assert.match(notices[0].message, /values not applied \(helm not found at \/nonexistent\/helm\).*install helm.*--helm PATH.*leaklens\.helm\.path/);
  });

  test('the CLI says so in every format, and the exit code still follows the findings', () => {
    const run = (format: string) => spawnSync(process.execPath, [CLI, 'lint', '--format', format, '--helm', '/nonexistent/helm', CHART], { encoding: 'utf8' });
    const text = run('text');
    assert.equal(text.status, 1);
    assert.ok(text.stderr.includes(`${CHART}: values not applied`), text.stderr);
    const json = JSON.parse(run('json').stdout) as { skipped: { file: string; kind: string; reason: string }[] };
    assert.deepEqual(json.skipped.map((s) => [s.file, s.kind]), [[CHART, 'partial']]);
    const sarif = JSON.parse(run('sarif').stdout);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
    assert.equal(notes.length, 1);
    assert.match(notes[0].message.text, /values not applied/);
    assert.match(run('github').stdout, /^::warning file=.*helm\/web,title=LeakLens%3A not fully linted::values not applied/m);
  });
});

describe('templates outside charts and {{ in plain YAML', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-helm-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('{{ is a template action outside quoted and block scalars only', () => {
    const cases: [string, boolean][] = [
      ['a: "{{ x }}"\n', false],
      ["a: '{{ x }}'\n", false],
      ['a: |\n  {{ x }}\n  more\nb: 1\n', false],
      ['a: >-\n  {"k": "{{ x }}"}\nb: {{ y }}\n', true],
      ['a: {{ x }}\n', true],
      ['a: foo-{{ x }}\n', true],
      ['{{- if .Values.x }}\na: 1\n{{- end }}\n', true],
    ];
    for (const [text, template] of cases) assert.equal(new ManifestFile('t.yaml', text).isGoTemplate, template, text);
  });

  test('a Go template outside any chart is skipped with a word', () => {
    const notices: Notice[] = [];
    const file = path.join(tmp, 'deploy.yaml');
    const result = analyzeManifestSet([{ path: file, text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Name }}\n' }], defaultConfig(), assert.fail, {
      onNotice: (n) => notices.push(n),
    });
    assert.deepEqual(result.get(file), []);
    assert.deepEqual(notices.map((n) => [n.file, n.kind]), [[file, 'skipped']]);
    assert.match(notices[0].message, /Go template outside a Helm chart/);
  });

  test('{{ inside a block scalar (a dashboard in a ConfigMap, small or large) is ordinary YAML: the Deployment beside it is linted', () => {
    const panel = '    {"title": "{{ $service }} latency", "expr": "histogram_quantile(0.99, sum by (le) (rate({{ job }}[5m])))"}\n';
    // Over 2 KB: parsed only for its header (no rule reads a ConfigMap's data), still not a template.
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: dashboards}
data:
  web.json: |
${panel.repeat(30)}---
apiVersion: v1
kind: ConfigMap
metadata: {name: small}
data:
  one.json: |
${panel}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: web
          image: "example.com/web:{{not-a-template}}"
`;
    const notices: Notice[] = [];
    const file = path.join(tmp, 'with-dashboard.yaml');
    const found = analyzeManifestSet([{ path: file, text }], defaultConfig(), assert.fail, { onNotice: (n) => notices.push(n) }).get(file)!;
    assert.deepEqual(notices, []);
    assert.ok(found.some((f) => f.rule === 'k8s/single-replica' && text.split('\n')[f.range.start.line] === '  replicas: 1'));
    assert.ok(found.some((f) => f.rule === 'k8s/no-memory-limit'));
  });
});
