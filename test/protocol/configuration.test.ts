/**
 * Configuration over a real stdio connection: `leaklens.*` settings pulled with
 * workspace/configuration and re-applied on change, `.leaklens.yaml` watched, settings overriding
 * the file only where set, invalid configuration reported (message + diagnostic) without stopping
 * anything else.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DiagnosticSeverity, FileChangeType, MessageType } from 'vscode-languageserver-protocol/node';
import { type ClientDocument, LspClient, makeWorkspace, serverForSuite, uriOf, writeFile } from '../helpers/lspClient';
import { SERVICE_GO } from './fixtures';

describe('configuration', () => {
  let root: string;
  let client: LspClient;
  let doc: ClientDocument;
  let configFile: string;

  const severityOf = (rule: string) => client.latestDiagnostics(doc.uri)?.diagnostics.find((d) => d.code === rule)?.severity;

  /** Writes .leaklens.yaml (or deletes it with null) and tells the server, as a file watcher would. */
  async function setConfigFile(text: string | null): Promise<void> {
    const existed = fs.existsSync(configFile);
    if (text === null) fs.rmSync(configFile, { force: true });
    else fs.writeFileSync(configFile, text);
    const type = text === null ? FileChangeType.Deleted : existed ? FileChangeType.Changed : FileChangeType.Created;
    await client.filesChanged([{ uri: uriOf(configFile), type }]);
  }

  before(async () => {
    root = makeWorkspace({ 'go.mod': 'module example.com/svc\n\ngo 1.22\n' });
    configFile = path.join(root, '.leaklens.yaml');
    client = await LspClient.start({ root, settings: { scope: 'openFiles' } });
    doc = await client.open(path.join(root, 'service.go'), SERVICE_GO);
    await doc.diagnostics();
  });

  beforeEach(async () => {
    await setConfigFile(null);
    await client.setSettings({ scope: 'openFiles' });
    await client.waitFor(() => severityOf('go/time-after-in-loop') === DiagnosticSeverity.Warning && severityOf('go/http-default-client') === DiagnosticSeverity.Warning, 'defaults');
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the server registers for configuration changes and watched files', () => {
    assert.ok(client.registrations.includes('workspace/didChangeConfiguration'));
    assert.ok(client.registrations.includes('workspace/didChangeWatchedFiles'));
  });

  test('turning a rule off and changing a severity in the settings re-analyzes open documents', async () => {
    await client.setSettings({ scope: 'openFiles', rules: { 'go/time-after-in-loop': 'off', 'go/http-default-client': 'error' } });
    await client.waitFor(() => !severityOf('go/time-after-in-loop') && severityOf('go/http-default-client') === DiagnosticSeverity.Error, 'rule off, severity error');
    assert.equal(client.latestDiagnostics(doc.uri)?.version, doc.version, 'published for the current version');
  });

  test('.leaklens.yaml is watched; settings override it only where they are set', async () => {
    await setConfigFile('rules:\n  go/time-after-in-loop: "off"\n  go/http-default-client: error\n');
    await client.waitFor(() => !severityOf('go/time-after-in-loop') && severityOf('go/http-default-client') === DiagnosticSeverity.Error, 'file applied');

    // The setting names only time-after-in-loop: it wins there; the file still decides http-default-client.
    await client.setSettings({ scope: 'openFiles', rules: { 'go/time-after-in-loop': 'warning' }, go: { version: null, enable: null } });
    await client.waitFor(() => severityOf('go/time-after-in-loop') === DiagnosticSeverity.Warning && severityOf('go/http-default-client') === DiagnosticSeverity.Error, 'setting over file');

    await setConfigFile(null);
    await client.waitFor(() => severityOf('go/http-default-client') === DiagnosticSeverity.Warning, 'file removed');
  });

  test('an invalid .leaklens.yaml is reported once, naming file and key, with a diagnostic on its line; valid entries still apply', async () => {
    const messagesBefore = client.messages.length;
    await setConfigFile('rules:\n  go/time-after-in-loop: "off"\n  go/no-such-rule: error\n  go/http-default-client: loud\n');
    await client.waitFor(() => !severityOf('go/time-after-in-loop'), 'the valid entry applied');
    const errors = await client.waitFor(() => {
      const shown = client.messages.slice(messagesBefore).filter((m) => m.type === MessageType.Error);
      return shown.length ? shown : undefined;
    }, 'an error message');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /\.leaklens\.yaml/);
    assert.match(errors[0].message, /rules\.go\/no-such-rule/);
    const onFile = await client.waitForDiagnostics(uriOf(configFile), (p) => p.diagnostics.length === 2, 'config diagnostics');
    assert.deepEqual(onFile.diagnostics.map((d) => [d.range.start.line, d.severity]), [[2, DiagnosticSeverity.Error], [3, DiagnosticSeverity.Error]]);
    assert.match(String(onFile.diagnostics[1].message), /go\/http-default-client/);

    // The same file again (e.g. saved unchanged) does not repeat the message; fixing it clears the diagnostics.
    await setConfigFile('rules:\n  go/time-after-in-loop: "off"\n  go/no-such-rule: error\n  go/http-default-client: loud\n');
    await setConfigFile('rules:\n  go/time-after-in-loop: "off"\n');
    await client.waitForDiagnostics(uriOf(configFile), (p) => p.diagnostics.length === 0, 'config diagnostics cleared');
    assert.equal(client.messages.slice(messagesBefore).filter((m) => m.type === MessageType.Error).length, 1);
    // And documents kept being served throughout.
    await doc.edit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '// edited\n');
    assert.ok((await doc.diagnostics()).diagnostics.length > 0);
  });

  test('invalid settings are reported by key and ignored', async () => {
    const messagesBefore = client.messages.length;
    await client.setSettings({ scope: 'openFiles', rules: { 'go/http-default-client': 'loud', 'go/time-after-in-loop': 'off' }, maxFileSize: 'big' });
    await client.waitFor(() => !severityOf('go/time-after-in-loop'), 'the valid setting applied');
    const shown = await client.waitFor(() => client.messages.slice(messagesBefore).find((m) => m.type === MessageType.Error), 'error message');
    assert.match(shown.message, /leaklens\.rules\.go\/http-default-client/);
    assert.equal(severityOf('go/http-default-client'), DiagnosticSeverity.Warning);
  });

  test('exclude globs and go.enable switch analysis off for matching documents', async () => {
    const generated = await client.open(path.join(root, 'gen', 'models.go'), SERVICE_GO);
    assert.ok((await generated.diagnostics()).diagnostics.length > 0);
    await client.setSettings({ scope: 'openFiles', exclude: ['gen/**'] });
    await client.waitForDiagnostics(generated.uri, (p) => p.diagnostics.length === 0, 'excluded file cleared');
    assert.ok((client.latestDiagnostics(doc.uri)?.diagnostics.length ?? 0) > 0, 'other files unaffected');

    await client.setSettings({ scope: 'openFiles', go: { enable: false } });
    await client.waitForDiagnostics(doc.uri, (p) => p.diagnostics.length === 0, 'Go disabled');
    await client.close(generated);
  });

  test('go.version from the settings reaches the rules (Go >= 1.23 collects unstopped timers: no finding)', async () => {
    const timer = 'package service\n\nimport "time"\n\nfunc poll() {\n\tt := time.NewTicker(time.Second)\n\t<-t.C\n}\n';
    const ticker = await client.open(writeFile(root, 'ticker.go', timer), timer);
    const ruleSeverity = () => client.latestDiagnostics(ticker.uri)?.diagnostics.find((d) => d.code === 'go/ticker-not-stopped')?.severity;
    await client.waitFor(() => ruleSeverity() === DiagnosticSeverity.Warning, 'ticker finding under go 1.22 (go.mod)');
    await client.setSettings({ scope: 'openFiles', go: { version: '1.24' } });
    await client.waitFor(() => ruleSeverity() === undefined, 'no finding under 1.24');
    await client.close(ticker);
  });
});

describe('configuration for clients without workspace/configuration', () => {
  const server = serverForSuite({ capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } }, initializationOptions: { leaklens: { scope: 'openFiles', rules: { 'go/time-after-in-loop': 'off' } } } });

  test('settings come from initializationOptions, then from didChangeConfiguration', async () => {
    const doc = await server.client.open(path.join(server.root, 'service.go'), SERVICE_GO);
    const first = await doc.diagnostics();
    assert.ok(first.diagnostics.length > 0);
    assert.ok(!first.diagnostics.some((d) => d.code === 'go/time-after-in-loop'));
    assert.deepEqual(server.client.registrations, [], 'nothing registered without dynamic registration support');
    await server.client.setSettings({ scope: 'openFiles', rules: { 'go/http-default-client': 'off' } });
    await server.client.waitForDiagnostics(
      doc.uri,
      (p) => p.diagnostics.some((d) => d.code === 'go/time-after-in-loop') && !p.diagnostics.some((d) => d.code === 'go/http-default-client'),
      'pushed settings applied',
    );
  });
});
