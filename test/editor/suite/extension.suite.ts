/**
 * LeakLens inside a real VS Code, through the `vscode` API only: diagnostics, quick fixes, fix-all
 * (command and on save), snippets, settings, commands, the finding count, and crash recovery.
 * The workspace is a scratch copy of test/editor/workspace, so files may be edited and saved.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { LeakLensApi } from '../../../client/src/extension';
import { FIX_ALL_KIND, type FindingCount } from '../../../client/src/protocol';
import { expandSnippet, indentSnippet, loadSnippets } from '../../helpers/snippets';
import { EXTENSION_ID, activateLeakLens, findings, lineOf, open, ruleOf, waitFor, waitForFindings, workspaceFile } from './helpers';

let api: LeakLensApi;

/** Quick fixes at a range. The command's results carry no diagnostics; LeakLens is the only Go provider here. */
function quickFixes(uri: vscode.Uri, range: vscode.Range): Thenable<vscode.CodeAction[]> {
  return vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
    100, // resolve lazily computed edits
  );
}

async function apply(action: vscode.CodeAction): Promise<void> {
  if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), `could not apply "${action.title}"`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** The language server's process: a child of this extension host running dist/server.js (Linux /proc). */
function serverPid(): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === process.pid && cmdline.includes('dist/server.js')) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

function workspaceTotals(): Required<FindingCount> {
  let total = 0;
  let files = 0;
  const bySeverity = { error: 0, warning: 0, info: 0, hint: 0 };
  const names = { [vscode.DiagnosticSeverity.Error]: 'error', [vscode.DiagnosticSeverity.Warning]: 'warning', [vscode.DiagnosticSeverity.Information]: 'info', [vscode.DiagnosticSeverity.Hint]: 'hint' } as const;
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    const ours = diagnostics.filter((d) => d.source === 'leaklens');
    total += ours.length;
    if (ours.length > 0) files++;
    for (const d of ours) bySeverity[names[d.severity]]++;
  }
  return { total, files, bySeverity };
}

describe('LeakLens in VS Code', () => {
  before(async () => {
    assert.equal(vscode.workspace.isTrusted, true);
    api = await activateLeakLens();
  });

  it('starts the language server', () => {
    assert.equal(api.client.state, State.Running);
    assert.ok(serverPid(), 'no dist/server.js child process');
  });

  it('reports Go findings with the rule, severity, position and documentation link', async () => {
    const { document } = await open('session.go');
    const [d] = await waitForFindings(document.uri, 'go/context-in-struct');
    assert.equal(d.range.start.line, lineOf(document, 'ctx  context.Context'));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Hint);
    assert.ok(typeof d.code === 'object' && d.code.target.toString().endsWith('docs/rules.md#gocontext-in-struct'), String(d.code));
  });

  it('reports Kubernetes findings in a manifest at the container', async () => {
    const { document } = await open('deploy/web.yaml');
    const [requests] = await waitForFindings(document.uri, 'k8s/no-resource-requests');
    assert.equal(requests.range.start.line, lineOf(document, '- name: web'));
    assert.equal(findings(document.uri, 'k8s/no-liveness-probe').length, 1);
  });

  it('reports findings of files that are not open, and the status bar count matches them', async () => {
    const payments = workspaceFile('payments.go');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === payments.toString()));
    await waitForFindings(payments, 'go/lost-cancel', 2);
    const count = await waitFor('the status bar count to match the Problems view', () => {
      const [reported, shown] = [api.findingCount(), workspaceTotals()];
      return JSON.stringify(reported) === JSON.stringify(shown) && reported;
    });
    assert.ok(count.files >= 5, `findings in ${count.files} files`);
  });

  it('Lint Workspace reports the workspace count', async () => {
    const count = await vscode.commands.executeCommand<FindingCount>('leaklens.lintWorkspace');
    assert.ok(count && count.total >= 7 && count.files >= 5, JSON.stringify(count));
  });

  it('applies the preferred quick fix from executeCodeActionProvider', async () => {
    const { document } = await open('catalog.go');
    const [d] = await waitForFindings(document.uri, 'go/lost-cancel');
    const before = document.getText();
    const fixes = await quickFixes(document.uri, d.range);
    const preferred = fixes.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, `preferred fixes: ${fixes.map((a) => `${a.title}${a.isPreferred ? ' *' : ''}`).join(', ')}`);
    assert.ok(fixes.some((a) => /suppress/i.test(a.title)), 'no suppress action');
    await apply(preferred[0]);
    const after = document.getText();
    assert.match(after, /\tc, cancel := context\.WithTimeout\(ctx, LookupTimeout\)\n\tdefer cancel\(\)\n/);
    // Minimal edit: every other line of the file is still there.
    for (const line of before.split('\n').filter((l) => !l.includes('c, _ :='))) {
      assert.ok(after.includes(line), `lost line "${line}"`);
    }
    await waitForFindings(document.uri, 'go/lost-cancel', 0);
  });

  it('suppresses a finding on its line with the suppress quick fix', async () => {
    const { document } = await open('session.go');
    const [d] = await waitForFindings(document.uri, 'go/context-in-struct');
    const suppress = (await quickFixes(document.uri, d.range)).find((a) =>
      /suppress/i.test(a.title),
    );
    assert.ok(suppress, 'no suppress action');
    await apply(suppress);
    assert.match(document.getText(), /leaklens:ignore go\/context-in-struct/);
    await waitForFindings(document.uri, 'go/context-in-struct', 0);
  });

  it('Fix All in File fixes every safely fixable finding of the file and leaves fixes that change behaviour', async () => {
    const { document } = await open('billing.go');
    await waitForFindings(document.uri, 'go/lost-cancel', 2);
    await waitForFindings(document.uri, 'go/http-client-no-timeout', 1);
    assert.equal(await vscode.commands.executeCommand('leaklens.fixAllInFile'), true);
    assert.equal(document.getText().match(/defer cancel\(\)/g)?.length, 2, document.getText());
    // Setting a Timeout changes how the ledger's requests behave: offered, never applied in bulk.
    assert.match(document.getText(), /var ledger = &http\.Client\{\}\n/);
    await waitForFindings(document.uri, 'go/lost-cancel', 0);
    await waitForFindings(document.uri, 'go/http-client-no-timeout', 1);
  });

  it('fixes all findings on save with editor.codeActionsOnSave', async () => {
    await vscode.workspace
      .getConfiguration('editor', { languageId: 'go' })
      .update('codeActionsOnSave', { [FIX_ALL_KIND]: 'explicit' }, vscode.ConfigurationTarget.Workspace, true);
    const editor = await open('payments.go');
    const { document } = editor;
    await waitForFindings(document.uri, 'go/lost-cancel', 2);
    await editor.edit((b) => b.insert(new vscode.Position(document.lineCount, 0), '\n// Reviewed.\n'));
    await vscode.commands.executeCommand('workbench.action.files.save');
    const onDisk = fs.readFileSync(document.uri.fsPath, 'utf8');
    assert.equal(onDisk.match(/defer cancel\(\)/g)?.length, 2, onDisk);
    assert.match(onDisk, /\/\/ Reviewed\.\n$/);
    assert.equal(document.isDirty, false);
    await waitForFindings(document.uri, 'go/lost-cancel', 0);
  });

  it('expands a snippet into code with no finding', async () => {
    const editor = await open('worker.go');
    const { document } = editor;
    const [sentinel] = await waitForFindings(document.uri, 'go/context-in-struct');
    const target = lineOf(document, 'return nil');
    const statement = new vscode.Range(target, 1, target, document.lineAt(target).text.length);
    const snippets = loadSnippets('go', path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'snippets'));
    const expansion = indentSnippet(expandSnippet(snippets['Ticker loop'].body), '\t');
    const expected = document.getText().replace('return nil', expansion);
    editor.selection = new vscode.Selection(statement.start, statement.end);
    await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'go', name: 'Ticker loop' });
    await vscode.commands.executeCommand('leaveSnippet');
    assert.equal(document.getText(), expected);
    // The sentinel finding below the snippet moving down proves the server analyzed this text.
    const moved = sentinel.range.start.line + expansion.split('\n').length - 1;
    await waitFor('the sentinel finding to move below the snippet', () => findings(document.uri)[0]?.range.start.line === moved);
    assert.deepEqual(findings(document.uri).map(ruleOf), ['go/context-in-struct']);
  });

  it('expands every snippet the way the snippet unit test does', async () => {
    const dir = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'snippets');
    for (const language of ['go', 'yaml'] as const) {
      for (const [name, snippet] of Object.entries(loadSnippets(language, dir))) {
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language, content: '' }));
        await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: language, name });
        await vscode.commands.executeCommand('leaveSnippet');
        assert.equal(editor.document.getText(), expandSnippet(snippet.body), `${language} snippet "${name}"`);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
    }
  });

  it('applies leaklens.rules settings as they change', async () => {
    const { document } = await open('worker.go');
    await waitForFindings(document.uri, 'go/context-in-struct');
    const settings = vscode.workspace.getConfiguration('leaklens');
    try {
      await settings.update('rules', { 'go/context-in-struct': 'off' }, vscode.ConfigurationTarget.Workspace);
      await waitForFindings(document.uri, 'go/context-in-struct', 0);
      await settings.update('rules', { 'go/context-in-struct': 'error' }, vscode.ConfigurationTarget.Workspace);
      await waitFor('the finding as an error', () => findings(document.uri, 'go/context-in-struct')[0]?.severity === vscode.DiagnosticSeverity.Error);
    } finally {
      await settings.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the default severity again', () => findings(document.uri, 'go/context-in-struct')[0]?.severity === vscode.DiagnosticSeverity.Hint);
  });

  it('Show Rule Documentation opens the rule section of the bundled docs', async () => {
    await vscode.commands.executeCommand('leaklens.showRuleDocs', 'go/context-in-struct');
    const editor = vscode.window.activeTextEditor!;
    assert.ok(editor.document.uri.path.endsWith('/docs/rules.md'), editor.document.uri.toString());
    assert.equal(editor.document.lineAt(editor.selection.active.line).text, '## go/context-in-struct');
  });

  it('a goroutine dump puts runtime evidence on the lines and into the static finding, through a server restart, until cleared', async () => {
    // A -trimpath dump whose leaked goroutines block on worker.go's flagged struct field (the hand-off, not realism).
    const { document } = await open('worker.go');
    const [staticFinding] = await waitForFindings(document.uri, 'go/context-in-struct');
    const blocked = staticFinding.range.start.line + 1;
    const block = (id: number) =>
      `goroutine ${id} [chan send (leaked), 12 minutes]:\nexample.com/shop.Worker.func1()\n\texample.com/shop/worker.go:${blocked} +0x56\ncreated by example.com/shop.Worker in goroutine 1\n\texample.com/shop/worker.go:10 +0x85\n`;
    const dump = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-dump-')), 'goroutines.txt');
    fs.writeFileSync(dump, `goroutine 1 [running]:\nmain.main()\n\texample.com/shop/cmd/main.go:5 +0x1\n\n${block(40)}\n${block(41)}`);
    const runtime = () => vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'leaklens-runtime');
    const confirmed = () => findings(document.uri, 'go/context-in-struct')[0]?.message.includes('leak confirmed in dump goroutines.txt');

    await vscode.commands.executeCommand('leaklens.runtime.openDump', vscode.Uri.file(dump));
    const [onCreate, onBlock] = await waitFor('runtime diagnostics in worker.go', () => runtime().length === 2 && runtime().sort((a, b) => a.range.start.line - b.range.start.line));
    assert.deepEqual([onCreate.range.start.line, onBlock.range.start.line], [9, blocked - 1]);
    assert.equal(onBlock.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(ruleOf(onBlock), 'runtime/goroutines-leaked');
    assert.match(onBlock.message, /^2 goroutines leaked here on chan send \(up to 12 min\) in dump goroutines\.txt — proven leaked by the garbage collector; created at worker\.go:10$/);
    await waitFor('the static finding confirmed', confirmed);
    assert.ok(findings(document.uri, 'go/context-in-struct')[0].relatedInformation?.some((r) => r.location.range.start.line === blocked - 1));

    // A restarted server has forgotten it; the client hands it over again.
    await vscode.commands.executeCommand('leaklens.restartServer');
    await waitFor('a running server after restart', () => api.client.state === State.Running);
    await waitFor('the evidence again after the restart', () => runtime().length === 2 && confirmed());

    await vscode.commands.executeCommand('leaklens.runtime.clearEvidence');
    await waitFor('the evidence cleared', () => runtime().length === 0 && !confirmed() && findings(document.uri, 'go/context-in-struct').length === 1);
  });

  it('Restart Server replaces the server process and keeps reporting', async () => {
    const before = serverPid();
    await vscode.commands.executeCommand('leaklens.restartServer');
    await waitFor('a running server after restart', () => api.client.state === State.Running);
    const after = await waitFor('the new server process', () => serverPid());
    assert.notEqual(after, before);
    await expectLiveDiagnostics('afterRestart');
  });

  it('restarts a crashed server', async () => {
    const pid = serverPid();
    assert.ok(pid);
    const states: State[] = [];
    const listener = api.client.onDidChangeState((e) => states.push(e.newState));
    try {
      process.kill(pid, 'SIGKILL');
      await waitFor('the client to restart the server', () => states.includes(State.Starting) && api.client.state === State.Running);
      const restarted = await waitFor('the new server process', () => serverPid());
      assert.notEqual(restarted, pid);
    } finally {
      listener.dispose();
    }
    await expectLiveDiagnostics('afterCrash');
  });
});

/** Adds a struct holding a context to an open file and waits for its finding: the server is serving. */
async function expectLiveDiagnostics(name: string): Promise<void> {
  const editor = await open('session.go');
  const { document } = editor;
  await editor.edit((b) => b.insert(new vscode.Position(document.lineCount, 0), `\ntype ${name} struct {\n\tctx context.Context\n}\n`));
  const line = lineOf(document, `type ${name} struct`) + 1;
  await waitFor(`a finding on the new ${name} struct`, () =>
    findings(document.uri, 'go/context-in-struct').some((d) => d.range.start.line === line),
  );
}
