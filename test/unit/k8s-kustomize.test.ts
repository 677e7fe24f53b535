/**
 * Kustomize (issue 17): a base's resources are linted as manifests; the patches an overlay lists
 * are fragments and are not linted as objects, each named in a notice; an overlay is named once.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { lintFiles } from '../../server/src/cli/lintFiles';
import { defaultConfig } from '../../server/src/engine/config';

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-kustomize-')));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: example.com/api:1.4.2
`;

const files: Record<string, string> = {
  'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n',
  'base/deployment.yaml': DEPLOYMENT,
  'overlays/prod/kustomization.yaml': [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - ../../base',
    '  - configmap.yaml',
    'patches:',
    '  - path: replicas.yaml',
    'patchesStrategicMerge:',
    '  - ../../patches/memory.yaml',
    '  - |-',
    '    apiVersion: apps/v1',
    '    kind: Deployment',
    'patchesJson6902:',
    '  - path: image.json.yaml',
    '    target: {kind: Deployment, name: api}',
    '',
  ].join('\n'),
  'overlays/prod/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n  LOG_LEVEL: info\n',
  'overlays/prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 5\n',
  'overlays/prod/image.json.yaml': '- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: example.com/api:1.5.0\n',
  'patches/memory.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: api',
    '          image: example.com/api:1.4.2',
    '          resources:',
    '            limits:',
    '              memory: 256Mi',
    '',
  ].join('\n'),
};
for (const [rel, text] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

test('patches are not linted as objects, each is named; the overlay is named once; the base is linted', async () => {
  const targets = Object.keys(files).map((rel) => path.join(root, rel));
  const outcome = await lintFiles(targets, { config: defaultConfig(), maxFileSize: 1e6, fixes: false, jobs: 1 });
  const rel = (f: string) => path.relative(root, f);

  const linted = new Set(outcome.findings.map((f) => rel(f.file)));
  assert.ok(linted.has('base/deployment.yaml'), 'the base deployment is linted');
  for (const patch of ['overlays/prod/replicas.yaml', 'overlays/prod/image.json.yaml', 'patches/memory.yaml']) {
    assert.ok(!linted.has(patch), `${patch} has no findings of its own`);
    const said = outcome.skipped.filter((n) => rel(n.file) === patch);
    assert.equal(said.length, 1, `${patch} is named as skipped`);
    assert.equal(said[0].kind, 'skipped');
    assert.match(said[0].message, /kustomize patch listed by .*overlays\/prod\/kustomization\.yaml/);
  }
  const overlay = outcome.skipped.filter((n) => /kustomize overlay/.test(n.message));
  assert.equal(overlay.length, 1, 'one notice for the overlay');
  assert.equal(rel(overlay[0].file), 'overlays/prod/kustomization.yaml');
  assert.match(overlay[0].message, /overlay of \.\.\/\.\.\/base/);
  assert.equal(overlay[0].kind, 'partial');
  // The base is no overlay; its own resources are no patches.
  assert.ok(!outcome.skipped.some((n) => rel(n.file).startsWith('base/')));
  assert.deepEqual(outcome.internalErrors, []);
});
