/**
 * The workspace scan over a real stdio connection: findings for files that are not open, reported
 * with work-done progress; vendored and test-data directories skipped; cross-file Kubernetes rules
 * seeing the workspace's manifests (open ones by their editor text); watched file changes;
 * leaklens/lintWorkspace; leaklens/findingCount.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileChangeType } from 'vscode-languageserver-protocol/node';
import { defaultConfig } from '../../server/src/engine/config';
import { LineIndex } from '../../server/src/engine/text';
import { initEngine, lintGo } from '../helpers/goEngine';
import { LspClient, makeWorkspace, uriOf, writeFile } from '../helpers/lspClient';
import { DEPLOYMENT_YAML, SERVICE_GO, SERVICE_YAML } from './fixtures';

const ORPHAN_SERVICE = SERVICE_YAML.replace('name: web', 'name: orphan').replace('app: web', 'app: nothing-has-this');

describe('workspace scan', () => {
  let root: string;
  let client: LspClient;
  const rulesOf = (file: string) => (client.latestDiagnostics(uriOf(path.join(root, file)))?.diagnostics ?? []).map((d) => String(d.code));

  before(async () => {
    await initEngine();
    root = makeWorkspace({
      'go.mod': 'module example.com/svc\n\ngo 1.22\n',
      'service.go': SERVICE_GO,
      'internal/store/store.go': SERVICE_GO.replace('package service', 'package store'),
      'vendor/example.com/dep/dep.go': SERVICE_GO,
      'testdata/bad.go': SERVICE_GO,
      'node_modules/x/y.go': SERVICE_GO,
      'deploy/web.yaml': DEPLOYMENT_YAML,
      'deploy/web-svc.yaml': SERVICE_YAML,
      'deploy/orphan-svc.yaml': ORPHAN_SERVICE,
    });
    client = await LspClient.start({ root, settings: { scope: 'workspace', rules: { 'go/context-in-struct': 'hint' } } });
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the startup scan reports files that are not open, with work-done progress', async () => {
    const end = await client.waitFor(() => client.progress.find((p) => p.value.kind === 'end'), 'scan progress end');
    const events = client.progress.filter((p) => p.token === end.token).map((p) => p.value.kind);
    assert.equal(events[0], 'begin');
    assert.ok(events.includes('report'));
    assert.equal(events.at(-1), 'end');

    const published = await client.waitForDiagnostics(uriOf(path.join(root, 'service.go')), (p) => p.diagnostics.length > 0);
    assert.equal(published.version, undefined, 'files not open carry no version');
    const expected = lintGo(path.join(root, 'service.go'), SERVICE_GO, { ...defaultConfig(), rules: { 'go/context-in-struct': 'hint' } }).map((f) => `${f.rule}@${f.range.start.line}`).sort();
    assert.deepEqual(published.diagnostics.map((d) => `${d.code}@${d.range.start.line}`).sort(), expected);
    assert.ok(rulesOf('internal/store/store.go').length > 0, 'nested package scanned');
    for (const skipped of ['vendor/example.com/dep/dep.go', 'testdata/bad.go', 'node_modules/x/y.go']) {
      assert.equal(client.latestDiagnostics(uriOf(path.join(root, skipped))), undefined, `${skipped} is skipped`);
    }
  });

  test('k8s/dangling-service sees the other manifests of the workspace', async () => {
    await client.waitFor(() => rulesOf('deploy/orphan-svc.yaml').includes('k8s/dangling-service'), 'orphan service flagged');
    assert.ok(!rulesOf('deploy/web-svc.yaml').includes('k8s/dangling-service'), 'the web Deployment selects the web Service');
    assert.ok(rulesOf('deploy/web.yaml').includes('k8s/image-latest'));
  });

  test('editing an open Deployment re-checks the Services in files that are not open', async () => {
    const file = path.join(root, 'deploy/web.yaml');
    const doc = await client.open(file, DEPLOYMENT_YAML);
    await doc.diagnostics();
    const labels = DEPLOYMENT_YAML.lastIndexOf('app: web');
    const index = new LineIndex(DEPLOYMENT_YAML);
    await doc.edit({ start: index.positionAt(labels), end: index.positionAt(labels + 'app: web'.length) }, 'app: api');
    await client.waitFor(() => rulesOf('deploy/web-svc.yaml').includes('k8s/dangling-service'), 'web service now dangling');
    await doc.edit({ start: index.positionAt(labels), end: index.positionAt(labels + 'app: api'.length) }, 'app: web');
    await client.waitFor(() => !rulesOf('deploy/web-svc.yaml').includes('k8s/dangling-service'), 'web service selected again');
    await client.close(doc);
  });

  test('watched file changes: created files are reported, deleted ones cleared', async () => {
    const created = writeFile(root, 'jobs/worker.go', SERVICE_GO.replace('package service', 'package jobs'));
    await client.filesChanged([{ uri: uriOf(created), type: FileChangeType.Created }]);
    await client.waitFor(() => rulesOf('jobs/worker.go').length > 0, 'new file reported');

    fs.rmSync(path.join(root, 'internal/store/store.go'));
    await client.filesChanged([{ uri: uriOf(path.join(root, 'internal/store/store.go')), type: FileChangeType.Deleted }]);
    await client.waitFor(() => rulesOf('internal/store/store.go').length === 0, 'deleted file cleared');
  });

  test('leaklens/findingCount follows the published diagnostics, per severity as the Problems view counts them', async () => {
    const expected = () => {
      const latest = new Map<string, number[]>();
      for (const p of client.diagnostics) latest.set(p.uri, p.diagnostics.map((d) => d.severity ?? 1));
      const all = [...latest.values()];
      const of = (severity: number) => all.flat().filter((s) => s === severity).length;
      return { total: all.flat().length, files: all.filter((c) => c.length > 0).length, bySeverity: { error: of(1), warning: of(2), info: of(3), hint: of(4) } };
    };
    await client.waitFor(() => {
      const last = client.notificationsOf('leaklens/findingCount').at(-1);
      return last && JSON.stringify(last) === JSON.stringify(expected());
    }, 'finding count matching the diagnostics');
    const { bySeverity } = expected();
    assert.ok(bySeverity.warning > 0 && bySeverity.hint > 0, JSON.stringify(bySeverity));
  });

  test('scope "openFiles" clears files that are not open; leaklens/lintWorkspace reports them on demand', async () => {
    await client.setSettings({ scope: 'openFiles' });
    await client.waitFor(() => rulesOf('service.go').length === 0 && rulesOf('deploy/orphan-svc.yaml').length === 0, 'workspace findings cleared');
    const progressBefore = client.progress.length;
    await client.connection.sendRequest('leaklens/lintWorkspace');
    // The request resolves once the scan is done: its findings are already published.
    assert.ok(rulesOf('service.go').length > 0);
    assert.ok(rulesOf('deploy/orphan-svc.yaml').includes('k8s/dangling-service'));
    assert.ok(client.progress.slice(progressBefore).some((p) => p.value.kind === 'end'));
  });
});
