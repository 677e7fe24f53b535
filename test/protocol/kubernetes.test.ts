/**
 * Kubernetes in the editor over a real stdio connection: quick fixes that can change how a workload
 * runs are marked and never preferred, Fix All leaves them out; a Helm chart template is rendered
 * with helm (leaklens.helm.path) as saved, read with its actions masked while it has unsaved
 * changes, and rendered again when the save reaches the server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CodeActionRequest, DidChangeWatchedFilesNotification, FileChangeType, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { applyWorkspaceEdit, serverForSuite, uriOf } from '../helpers/lspClient';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');

describe('quick fixes that change behavior', () => {
  const server = serverForSuite({ settings: { scope: 'openFiles' } });

  test('are marked in the lightbulb, never preferred, and left out of Fix All', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'k8s', 'host-namespace', 'node-exporter.yaml'), 'utf8');
    const doc = await server.client.open(path.join(server.root, 'node-exporter.yaml'), text);
    const diagnostic = (await doc.diagnostics()).diagnostics.find((d) => d.code === 'k8s/host-namespace')!;
    const actions = (await server.client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: doc.uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const remove = actions.find((a) => a.title.startsWith('Remove hostNetwork'));
    assert.ok(remove, actions.map((a) => a.title).join('\n'));
    assert.match(remove.title, /^Remove hostNetwork \(changes behavior: node agents .* rely on the node's network namespace\)$/);
    assert.equal(remove.isPreferred, false);

    const [fixAll] = (await server.client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: doc.uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['source.fixAll'] },
    })) as CodeAction[];
    const fixed = applyWorkspaceEdit(doc.text, fixAll.edit!, doc.uri);
    const spec = parseAllDocuments(fixed)[0].toJS().spec.template.spec;
    assert.deepEqual([spec.hostNetwork, spec.hostPID], [true, true]);
    assert.ok(spec.containers[0].resources.limits.memory, 'the safe fixes were applied');
    await server.client.close(doc);
  });
});

describe('Helm chart templates', () => {
  let helm = '';
  before(() => {
    const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'build-helm.sh')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    helm = r.stdout.trim().split('\n').pop()!;
  });
  const server = serverForSuite({ settings: { scope: 'openFiles' } });
  const lines = (ds: Diagnostic[]) => ds.map((d) => `${d.range.start.line + 1}:${d.code}`).sort();

  test('rendered as saved, masked while edited, rendered again on save', async () => {
    const chart = path.join(server.root, 'chart');
    fs.cpSync(path.join(FIXTURES, 'helm', 'web'), chart, { recursive: true });
    await server.client.setSettings({ scope: 'openFiles', helm: { path: helm } });
    const file = path.join(chart, 'templates', 'deployment.yaml');
    const saved = fs.readFileSync(file, 'utf8');
    const doc = await server.client.open(file, saved);
    const rendered = lines((await doc.diagnostics()).diagnostics);
    assert.ok(rendered.includes('23:k8s/image-latest') && rendered.includes('27:k8s/privileged'), rendered.join('\n'));

    // Unsaved: helm would render what is on disk, so the buffer is read with its actions masked.
    const edited = saved.replace('      hostPID: true', '      hostIPC: true');
    await doc.replaceAll(edited);
    const masked = lines((await doc.diagnostics()).diagnostics);
    assert.deepEqual(masked, ['17:k8s/host-namespace', '19:k8s/run-as-root', '33:k8s/secret-in-env']);
    await server.client.waitFor(() => server.client.logs.some((l) => /values not applied \(unsaved changes/.test(l.message)), 'the masked-template log line');

    // Saved: the watcher reports the file; the template renders again from disk.
    fs.writeFileSync(file, edited);
    await server.client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf(file), type: FileChangeType.Changed }] });
    await server.client.waitFor(
      () => server.client.diagnostics.some((p) => p.uri === doc.uri && p.diagnostics.some((d) => d.code === 'k8s/image-latest') && p.diagnostics.some((d) => d.code === 'k8s/host-namespace' && String(d.message).includes('IPC'))),
      'rendered diagnostics after the save',
    );
    await server.client.close(doc);
  });
});
