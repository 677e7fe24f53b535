/**
 * leaklens/runtimeEvidence over a real stdio connection: the client hands over evidence from a
 * goroutine profile; the server publishes it as `leaklens-runtime` diagnostics beside the static
 * findings of the same files (open or not), merges it into a static finding on the same line
 * (relatedInformation, "leak confirmed in …"), keeps it across edits, clears it per source, and
 * survives malformed params.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CodeActionRequest, type CodeAction, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import type { RuntimeEvidenceItem, RuntimeEvidenceParams } from '../../server/src/lsp/runtimeEvidence';
import { LspClient, makeWorkspace, uriOf } from '../helpers/lspClient';

const BROKER = `package broker

import "context"

type Event struct{ Name string }

func Subscribe(ctx context.Context, events chan Event, handle func(Event)) {
	go func() {
		for {
			select {
			case ev := <-events:
				handle(ev)
			}
		}
	}()
}
`;
const GO_LINE = 7;
const RECEIVE_LINE = 10;
const QUIET = 'package broker\n\nfunc quiet() {}\n';

const line = (n: number) => ({ start: { line: n, character: 1 }, end: { line: n, character: 10 } });

describe('runtime evidence', () => {
  let root: string;
  let client: LspClient;
  let broker: string;
  let quiet: string;

  const evidence = (source: string, items: RuntimeEvidenceItem[], label = 'pod team-a/leaky'): Promise<void> =>
    client.connection.sendNotification('leaklens/runtimeEvidence', { source, label, items } satisfies RuntimeEvidenceParams);

  const item = (uri: string, n: number, over: Partial<RuntimeEvidenceItem> = {}): RuntimeEvidenceItem => ({
    uri,
    range: line(n),
    severity: 'warning',
    code: 'runtime/goroutines-leaking',
    message: `5 goroutines blocked here on chan receive (+300/min) in pod team-a/leaky — growing: a leak`,
    summary: '5 goroutines blocked on chan receive (+300/min)',
    confirmsLeak: true,
    related: [],
    ...over,
  });

  const runtime = (p: PublishDiagnosticsParams | undefined) => (p?.diagnostics ?? []).filter((d) => d.source === 'leaklens-runtime');
  const staticOn = (p: PublishDiagnosticsParams | undefined, n: number) => p?.diagnostics.find((d) => d.source === 'leaklens' && d.range.start.line === n);

  before(async () => {
    root = makeWorkspace({ 'go.mod': 'module example.com/svc\n\ngo 1.22\n', 'broker/broker.go': BROKER, 'broker/quiet.go': QUIET });
    broker = uriOf(path.join(root, 'broker/broker.go'));
    quiet = uriOf(path.join(root, 'broker/quiet.go'));
    client = await LspClient.start({ root, settings: { scope: 'workspace' } });
    await client.waitForDiagnostics(broker, (p) => !!staticOn(p, GO_LINE), 'the static finding on the go statement');
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('evidence is published beside the static findings of a file that is not open, and merged into the finding on its line', async () => {
    const plain = staticOn(client.latestDiagnostics(broker), GO_LINE)!;
    assert.equal(plain.code, 'go/goroutine-no-exit');
    await evidence('pod:admin/team-a/leaky', [
      item(broker, GO_LINE, { message: 'Started here: 5 goroutines blocked on chan receive (+300/min) in pod team-a/leaky', related: [{ uri: broker, range: line(RECEIVE_LINE), message: 'blocked here' }] }),
      item(broker, RECEIVE_LINE),
      item(quiet, 2, { severity: 'info', code: 'runtime/goroutines-blocked', confirmsLeak: false, summary: '2 goroutines blocked on select (up to 3 min)', message: '2 goroutines blocked here' }),
    ]);
    const p = await client.waitForDiagnostics(broker, (d) => runtime(d).length === 2, 'runtime diagnostics on broker.go');
    assert.equal(p.version, undefined);
    const [created, blocked] = runtime(p).sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual([created.range.start.line, blocked.range.start.line], [GO_LINE, RECEIVE_LINE]);
    assert.equal(blocked.code, 'runtime/goroutines-leaking');
    assert.equal(blocked.severity, 2);
    assert.match(String(blocked.codeDescription?.href), /runtime-leaks\.md$/);
    assert.equal(created.relatedInformation?.[0].location.range.start.line, RECEIVE_LINE);

    const merged = staticOn(p, GO_LINE)!;
    assert.equal(merged.message, `${plain.message} — leak confirmed in pod team-a/leaky: 5 goroutines blocked on chan receive (+300/min)`);
    const related = merged.relatedInformation!.at(-1)!;
    assert.equal(related.location.uri, broker);
    assert.equal(related.location.range.start.line, GO_LINE);
    assert.match(related.message, /^Started here: 5 goroutines/);

    // A file without static findings gets the runtime diagnostics alone; evidence is not a finding.
    const q = await client.waitForDiagnostics(quiet, (d) => runtime(d).length === 1);
    assert.equal(q.diagnostics.length, 1);
    assert.equal(q.diagnostics[0].severity, 3);
  });

  test('an opened and edited document keeps the evidence; code actions name the diagnostic as published', async () => {
    const doc = await client.open(path.join(root, 'broker/broker.go'), BROKER);
    const opened = await client.waitForDiagnostics(broker, (p) => p.version === doc.version && runtime(p).length === 2);
    const merged = staticOn(opened, GO_LINE)!;
    assert.match(String(merged.message), /leak confirmed in pod team-a\/leaky/);
    // The cursor on the go statement (the statement's range also covers the select, which
    // go/select-no-cancel flags).
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: broker },
      range: { start: merged.range.start, end: merged.range.start },
      context: { diagnostics: [merged] },
    })) as CodeAction[];
    const suppress = actions.find((a) => a.title.startsWith('Suppress go/goroutine-no-exit'));
    assert.ok(suppress, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.deepEqual(suppress.diagnostics?.[0].message, merged.message);

    const version = await doc.edit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '// edited\n');
    const edited = await client.waitForDiagnostics(broker, (p) => p.version === version);
    assert.equal(runtime(edited).length, 2, 'evidence stays until its source clears it');
    await client.close(doc);
    // Closed, the file is reported from disk again (the edit was never saved), evidence included.
    await client.waitForDiagnostics(broker, (p) => p.version === undefined && !!staticOn(p, GO_LINE) && runtime(p).length === 2, 'broker.go from disk');
  });

  test('clearing a source removes its diagnostics and restores the static message; other sources stay', async () => {
    await evidence('url:http://127.0.0.1:6060', [item(broker, RECEIVE_LINE, { message: 'from the local process' })], 'http://127.0.0.1:6060');
    await client.waitForDiagnostics(broker, (p) => runtime(p).length === 3);
    await evidence('pod:admin/team-a/leaky', []);
    const p = await client.waitForDiagnostics(broker, (d) => runtime(d).length === 1, 'only the local process evidence');
    assert.equal(runtime(p)[0].message, 'from the local process');
    assert.doesNotMatch(String(staticOn(p, GO_LINE)!.message), /confirmed/);
    await client.waitForDiagnostics(quiet, (d) => d.diagnostics.length === 0, 'quiet.go cleared');
    await evidence('url:http://127.0.0.1:6060', []);
    await client.waitForDiagnostics(broker, (d) => runtime(d).length === 0 && !!staticOn(d, GO_LINE));
  });

  test('malformed params are ignored, logged, and the server goes on', async () => {
    await client.connection.sendNotification('leaklens/runtimeEvidence', { items: 'nope' });
    await client.connection.sendNotification('leaklens/runtimeEvidence', {
      source: 's',
      label: 'l',
      items: [{ uri: broker, range: { start: { line: -1 } } }, null, item(quiet, 1, { severity: 'fatal' as never })],
    });
    await client.waitFor(() => client.logs.find((l) => /runtimeEvidence: ignored malformed params/.test(l.message)), 'the warning');
    // Every item of the second notification was malformed: nothing is published for them.
    const before = client.diagnostics.length;
    await evidence('s', [item(quiet, 1)]);
    await client.waitForDiagnostics(quiet, (p) => runtime(p).length === 1);
    assert.ok(client.diagnostics.length > before);
    const d: Diagnostic = runtime(client.latestDiagnostics(quiet))[0];
    assert.equal(d.range.start.line, 1);
  });
});
