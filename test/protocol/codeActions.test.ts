/**
 * Code actions over a real stdio connection: quick fixes (the preferred one isPreferred), "Suppress
 * <rule> on this line", source.fixAll.leaklens (eager when asked for by kind, resolved lazily
 * otherwise) and the leaklens/fixAll request. Every action is applied and the result checked:
 * the expected text, the finding gone, Go still gofmt-clean, YAML still parsing with its comments.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import {
  ApplyWorkspaceEditRequest,
  CodeActionRequest,
  CodeActionResolveRequest,
  ExecuteCommandRequest,
  ShowMessageRequest,
  type CodeAction,
  type Diagnostic,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { preferredFix, fixAllEdits } from '../../server/src/engine/fixAll';
import { applyEdits } from '../../server/src/engine/text';
import { initEngine, lintGo } from '../helpers/goEngine';
import { applyWorkspaceEdit, type ClientDocument, editsFor, serverForSuite } from '../helpers/lspClient';
import { DEPLOYMENT_YAML, SERVICE_GO } from './fixtures';

function gofmt(text: string): string {
  const r = spawnSync('gofmt', [], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, `gofmt failed: ${r.stderr}`);
  return r.stdout;
}

describe('code actions', () => {
  before(initEngine);
  const server = serverForSuite({ settings: { scope: 'openFiles' } });

  async function actionsAt(doc: ClientDocument, diagnostic: Diagnostic, only?: string[], range = diagnostic.range, diagnostics = [diagnostic]): Promise<CodeAction[]> {
    const result = await server.client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: doc.uri },
      range,
      context: { diagnostics, only },
    });
    return (result ?? []) as CodeAction[];
  }

  async function diagnosticOf(doc: ClientDocument, rule: string): Promise<Diagnostic> {
    const found = (await doc.diagnostics()).diagnostics.find((d) => d.code === rule);
    assert.ok(found, `expected a ${rule} diagnostic`);
    return found;
  }

  test('a fixable finding: one preferred quick fix whose edit is the engine fix, leaving gofmt-clean code', async () => {
    const file = path.join(server.root, 'quickfix.go');
    const doc = await server.client.open(file, SERVICE_GO);
    const diagnostic = await diagnosticOf(doc, 'go/lost-cancel');
    const actions = await actionsAt(doc, diagnostic);
    const quickfixes = actions.filter((a) => a.kind === 'quickfix' && !a.title.startsWith('Suppress'));
    const preferred = quickfixes.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, 'exactly one preferred fix');
    assert.equal(preferred[0].diagnostics?.[0].code, 'go/lost-cancel');

    const finding = lintGo(file, SERVICE_GO).find((f) => f.rule === 'go/lost-cancel')!;
    const expected = applyEdits(SERVICE_GO, preferredFix(finding)!.edits);
    assert.equal(preferred[0].title, preferredFix(finding)!.title);
    assert.equal(applyWorkspaceEdit(doc.text, preferred[0].edit!, doc.uri), expected);
    assert.equal(gofmt(expected), expected, 'the fixed code is gofmt-clean');

    await doc.apply(preferred[0].edit!);
    assert.equal(doc.text, expected);
    const after = await doc.diagnostics();
    assert.ok(!after.diagnostics.some((d) => d.code === 'go/lost-cancel'), 'the finding is gone');
    await server.client.close(doc);
  });

  test('"Suppress <rule> on this line" inserts an indented directive above, or extends one already there', async () => {
    const file = path.join(server.root, 'suppress.go');
    const doc = await server.client.open(file, SERVICE_GO);
    const inFunction = await diagnosticOf(doc, 'go/http-default-client');
    const actions = await actionsAt(doc, inFunction);
    assert.ok(!actions.some((a) => a.kind === 'quickfix' && !a.title.startsWith('Suppress')), 'http-default-client has no fix');
    const suppress = actions.find((a) => a.title === 'Suppress go/http-default-client on this line');
    assert.ok(suppress?.edit);
    assert.equal(suppress.isPreferred ?? false, false);
    await doc.apply(suppress.edit);
    assert.ok(doc.text.includes('\t//leaklens:ignore go/http-default-client\n\treturn http.Get(url)'), doc.text);
    assert.equal(gofmt(doc.text), doc.text);
    let published = await doc.diagnostics();
    assert.ok(!published.diagnostics.some((d) => d.code === 'go/http-default-client'));

    // A second finding on a line whose line above already holds a directive: the rule is appended.
    const ticking = doc.text.replace(
      '\treturn http.Get(url)',
      '\treturn http.Get(url)\n}\n\nfunc pause(wake <-chan struct{}) {\n\tfor {\n\t\tselect {\n\t\tcase <-wake:\n\t\t//leaklens:ignore go/context-in-struct why not\n\t\tcase <-time.After(time.Second):\n\t\t\treturn\n\t\t}\n\t}',
    );
    await doc.replaceAll(ticking);
    const inLoop = await diagnosticOf(doc, 'go/time-after-in-loop');
    const append = (await actionsAt(doc, inLoop)).find((a) => a.title === 'Suppress go/time-after-in-loop on this line');
    assert.ok(append?.edit);
    const edits = editsFor(append.edit, doc.uri);
    assert.equal(edits.length, 1);
    await doc.apply(append.edit);
    assert.ok(doc.text.includes('\t\t//leaklens:ignore go/context-in-struct,go/time-after-in-loop why not\n\t\tcase <-time.After'), doc.text);
    assert.equal(gofmt(doc.text), doc.text);
    published = await doc.diagnostics();
    const remaining = published.diagnostics.filter((d) => d.code === 'go/time-after-in-loop').map((d) => d.range.start.line);
    assert.equal(remaining.length, 1, 'the other loop is still flagged');
    assert.notEqual(remaining[0], inLoop.range.start.line, 'the suppressed line is not');
    await server.client.close(doc);
  });

  test('source.fixAll.leaklens asked for by kind comes with its edit; the result has nothing left to fix', async () => {
    const file = path.join(server.root, 'fixall.go');
    const doc = await server.client.open(file, SERVICE_GO);
    const any = (await doc.diagnostics()).diagnostics[0];
    const actions = await actionsAt(doc, any, ['source.fixAll']);
    assert.deepEqual(actions.map((a) => a.kind), ['source.fixAll.leaklens'], 'only the fix-all action');
    const edit = actions[0].edit;
    assert.ok(edit);

    // Expected: the engine's fix-all loop run in this process.
    let expected = SERVICE_GO;
    for (let edits = fixAllEdits(expected, lintGo(file, expected)); edits.length; edits = fixAllEdits(expected, lintGo(file, expected))) {
      expected = applyEdits(expected, edits);
    }
    assert.notEqual(expected, SERVICE_GO);
    assert.equal(applyWorkspaceEdit(doc.text, edit, doc.uri), expected);
    assertMinimal(doc.text, edit, doc.uri);
    assert.equal(gofmt(expected), expected);
    assert.ok(!lintGo(file, expected).some((f) => f.fixes.some((x) => !x.changesBehavior)), 'nothing safely fixable is left (fixes that change behaviour stay offered)');

    // Without a kind filter the action is offered without its edit, and resolved on demand.
    const lazy = (await actionsAt(doc, any)).find((a) => a.kind === 'source.fixAll.leaklens');
    assert.ok(lazy && !lazy.edit && lazy.data);
    const resolved = await server.client.connection.sendRequest(CodeActionResolveRequest.type, lazy);
    assert.deepEqual(resolved.edit, edit);

    // The leaklens/fixAll request (the client's "Fix All in File") answers with the same edit.
    const viaRequest = await server.client.connection.sendRequest<WorkspaceEdit | null>('leaklens/fixAll', { uri: doc.uri });
    assert.deepEqual(viaRequest, edit);
    await doc.apply(edit);
    const after = await doc.diagnostics();
    assert.ok(after.diagnostics.length > 0, 'unfixable findings remain');
    assert.equal(await server.client.connection.sendRequest('leaklens/fixAll', { uri: doc.uri }), null, 'nothing left to fix');
    await server.client.close(doc);
  });

  test('YAML: a manifest quick fix keeps comments and parses; suppression uses a # directive at the line indentation', async () => {
    const file = path.join(server.root, 'deploy.yaml');
    const text = DEPLOYMENT_YAML.replace('      containers:\n', '      # the web tier\n      containers:\n');
    const doc = await server.client.open(file, text);
    const memory = await diagnosticOf(doc, 'k8s/no-memory-limit');
    // Several findings share the container's line: pick the preferred fix of this one.
    const fix = (await actionsAt(doc, memory)).find((a) => a.isPreferred && a.diagnostics?.[0].code === 'k8s/no-memory-limit');
    assert.ok(fix?.edit);
    await doc.apply(fix.edit);
    assert.ok(doc.text.includes('# the web tier'), 'the comment survives');
    assert.ok(parseAllDocuments(doc.text).every((d) => d.errors.length === 0), 'the manifest still parses');
    let published = await doc.diagnostics();
    assert.ok(!published.diagnostics.some((d) => d.code === 'k8s/no-memory-limit'));

    const latest = published.diagnostics.find((d) => d.code === 'k8s/image-latest');
    assert.ok(latest);
    const suppress = (await actionsAt(doc, latest)).find((a) => a.title === 'Suppress k8s/image-latest on this line');
    assert.ok(suppress?.edit);
    await doc.apply(suppress.edit);
    assert.ok(doc.text.includes('          # leaklens:ignore k8s/image-latest\n          image: nginx:latest'), doc.text);
    published = await doc.diagnostics();
    assert.ok(!published.diagnostics.some((d) => d.code === 'k8s/image-latest'));
    await server.client.close(doc);
  });
});

describe('code actions: what the client asks about', () => {
  before(initEngine);
  const server = serverForSuite({ settings: { scope: 'openFiles' } });
  const actions = async (uri: string, range: Diagnostic['range'], diagnostics: Diagnostic[]) =>
    ((await server.client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } })) ?? []) as CodeAction[];

  test("the diagnostics in the context are answered for whatever the range (Neovim: the cursor before the diagnostic's start)", async () => {
    const doc = await server.client.open(path.join(server.root, 'context.go'), SERVICE_GO);
    const diagnostic = (await doc.diagnostics()).diagnostics.find((d) => d.code === 'go/lost-cancel')!;
    assert.ok(diagnostic.range.start.character > 0);
    const lineStart = { line: diagnostic.range.start.line, character: 0 };
    const got = await actions(doc.uri, { start: lineStart, end: lineStart }, [diagnostic]);
    const fix = got.find((a) => a.isPreferred);
    assert.ok(fix, `offered: ${got.map((a) => a.title).join(', ')}`);
    assert.equal(fix.diagnostics?.[0].code, 'go/lost-cancel');
    assert.ok(got.some((a) => a.title === 'Suppress go/lost-cancel on this line'));
    // Without the diagnostic in the context, that range holds no finding.
    assert.deepEqual((await actions(doc.uri, { start: lineStart, end: lineStart }, [])).filter((a) => a.kind === 'quickfix'), []);
    await server.client.close(doc);
  });

  test('a container with many findings: every fix, and one "Suppress…" that asks which rule and applies the answer', async () => {
    const doc = await server.client.open(path.join(server.root, 'container.yaml'), DEPLOYMENT_YAML);
    const published = (await doc.diagnostics()).diagnostics;
    const line = published.find((d) => d.code === 'k8s/no-resource-requests')!.range.start.line;
    const onLine = published.filter((d) => d.range.start.line === line);
    const rules = [...new Set(onLine.map((d) => d.code as string))];
    assert.ok(rules.length >= 4, `rules on the container line: ${rules.join(', ')}`);
    const got = await actions(doc.uri, onLine[0].range, onLine);
    const suppress = got.filter((a) => a.title.startsWith('Suppress'));
    assert.equal(suppress.length, 1, got.map((a) => a.title).join('\n'));
    assert.equal(suppress[0].title, `Suppress ${rules.length} LeakLens findings on this line…`);
    const fixes = got.filter((a) => a.kind === 'quickfix' && !a.title.startsWith('Suppress'));
    assert.ok(fixes.length >= 1 && fixes.every((a) => a.edit), 'the fixes are listed as before');
    assert.equal(suppress[0].command?.command, 'leaklens.suppress');
    assert.deepEqual(server.client.initializeResult.capabilities.executeCommandProvider?.commands, ['leaklens.suppress']);

    // The server asks (window/showMessageRequest); this client picks one rule, then applies the edit it is sent.
    const chosen = rules.at(-1)!;
    const asked: string[][] = [];
    server.client.connection.onRequest(ShowMessageRequest.type, (p) => {
      asked.push([p.message, ...(p.actions ?? []).map((a) => a.title)]);
      return p.actions?.find((a) => a.title === chosen) ?? null;
    });
    const applied: number[] = [];
    server.client.connection.onRequest(ApplyWorkspaceEditRequest.type, async (p) => {
      applied.push(await doc.apply(p.edit));
      return { applied: true };
    });
    await server.client.connection.sendRequest(ExecuteCommandRequest.type, { command: suppress[0].command!.command, arguments: suppress[0].command!.arguments });
    assert.deepEqual(asked, [[`Suppress which LeakLens finding on line ${line + 1}?`, `All ${rules.length}: ${rules.join(', ')}`, ...rules]]);
    assert.equal(applied.length, 1);
    assert.ok(doc.text.includes(`        # leaklens:ignore ${chosen}\n        - name: web`), doc.text);
    const after = await doc.diagnostics();
    assert.equal(after.diagnostics.filter((d) => d.range.start.line === line + 1).length, onLine.filter((d) => d.code !== chosen).length);

    // "All" silences every rule of the line with one directive.
    const all = (await actions(doc.uri, { start: { line: line + 1, character: 0 }, end: { line: line + 1, character: 0 } }, after.diagnostics.filter((d) => d.range.start.line === line + 1)))
      .find((a) => a.command?.command === 'leaklens.suppress')!;
    const allChoice = (all.command!.arguments![0] as { choices: { title: string; edit: WorkspaceEdit }[] }).choices[0];
    assert.match(allChoice.title, /^All \d+: /);
    await doc.apply(allChoice.edit);
    assert.equal((await doc.diagnostics()).diagnostics.filter((d) => d.range.start.line === line + 1).length, 0);
    assert.ok(parseAllDocuments(doc.text).every((d) => d.errors.length === 0));
    await server.client.close(doc);
  });
});

/** Each edit changes only what differs: it neither starts nor ends with text it leaves unchanged. */
function assertMinimal(text: string, edit: WorkspaceEdit, uri: string): void {
  const lines = text.split('\n');
  for (const e of editsFor(edit, uri)) {
    const { start, end } = e.range;
    const replaced =
      start.line === end.line
        ? lines[start.line].slice(start.character, end.character)
        : [lines[start.line].slice(start.character), ...lines.slice(start.line + 1, end.line), lines[end.line].slice(0, end.character)].join('\n');
    if (replaced && e.newText) {
      assert.notEqual(replaced[0], e.newText[0], `edit ${JSON.stringify(e)} starts with unchanged text`);
      assert.notEqual(replaced.at(-1), e.newText.at(-1), `edit ${JSON.stringify(e)} ends with unchanged text`);
    }
  }
}
