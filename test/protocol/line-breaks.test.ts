/**
 * One line model for the server, the CLI and fixes. Editors (LSP) end a line at `\r\n`, `\r` or
 * `\n`; tree-sitter and Go only at `\n`. With a lone `\r` in a Go file, the findings published after
 * open, after edits that add or remove `\r`s, and the CLI's must all sit on the editor's lines,
 * and a quick fix must land where it would in the same file written with `\n`. A manifest with
 * `\r` line breaks only is read like the same manifest with `\n`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { LineIndex } from '../../server/src/engine/text';
import { cliFindings, cliKey, diagnosticKey } from '../helpers/cli';
import { initEngine, lintGo } from '../helpers/goEngine';
import { applyWorkspaceEdit, type ClientDocument, serverForSuite } from '../helpers/lspClient';
import { DEPLOYMENT_YAML } from './fixtures';

const LOST_CANCEL = `package fetch

import (
	"context"
	"time"
)

// load reads one record.\rIts caller owns the context.
func load(parent context.Context, id string) error {
	ctx, _ := context.WithTimeout(parent, time.Second)
	return get(ctx, id)
}

func get(ctx context.Context, id string) error { return nil }
`;

const keys = (diagnostics: Diagnostic[]) => diagnostics.map(diagnosticKey).sort();

describe('lone \\r', () => {
  before(initEngine);
  const server = serverForSuite({ settings: { scope: 'openFiles' } });
  let fresh = 0;

  /** Diagnostics of a fresh open of `text`, the CLI's on the same text on disk, and this document's current ones. */
  async function threeWays(doc: ClientDocument): Promise<{ incremental: string[]; fresh: string[]; cli: string[] }> {
    const incremental = keys((await doc.diagnostics()).diagnostics);
    const file = path.join(server.root, `fresh${fresh++}.go`);
    fs.writeFileSync(file, doc.text);
    const other = await server.client.open(file, doc.text);
    const opened = keys((await other.diagnostics()).diagnostics);
    await server.client.close(other);
    return { incremental, fresh: opened, cli: cliFindings([file]).map(cliKey).sort() };
  }

  test('Go: findings sit on the editor lines after open, after edits that add or remove \\r, and in the CLI', async () => {
    const doc = await server.client.open(path.join(server.root, 'cr.go'), LOST_CANCEL);
    const ways = await threeWays(doc);
    const { line, character } = new LineIndex(LOST_CANCEL).positionAt(LOST_CANCEL.indexOf('context.WithTimeout'));
    assert.deepEqual(ways.incremental, [`${line + 1}:${character + 1}-${line + 1}:52 go/lost-cancel`]);
    assert.deepEqual(ways.fresh, ways.incremental);
    assert.deepEqual(ways.cli, ways.incremental);

    // Edits that make, join and remove lone `\r`s: a new lone one, `\r` + `\n` becoming `\r\n`, a `\r` deleted.
    const at = (offset: number) => new LineIndex(doc.text).positionAt(offset);
    const edits: [number, number, string][] = [
      [doc.text.indexOf('func load'), 0, '// added\r'],
      [doc.text.indexOf('Its caller'), 0, '\n'],
      [doc.text.indexOf('\r'), 1, ''],
      [doc.text.indexOf('\treturn get'), 0, '\r\r'],
    ];
    for (const [offset, length, text] of edits) {
      assert.ok(offset >= 0);
      await doc.edit({ start: at(offset), end: at(offset + length) }, text);
      const now = await threeWays(doc);
      assert.deepEqual(now.incremental, now.fresh, `after inserting ${JSON.stringify(text)}: incremental = fresh open`);
      assert.deepEqual(now.cli, now.fresh, 'CLI = server');
    }
  });

  test('Go: the lost-cancel quick fix adds defer cancel() below the declaration, as it does with \\n', async () => {
    const doc = await server.client.open(path.join(server.root, 'fix.go'), LOST_CANCEL);
    const diagnostic = (await doc.diagnostics()).diagnostics.find((d) => d.code === 'go/lost-cancel')!;
    const actions = (await server.client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: doc.uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred)!;
    const fixed = applyWorkspaceEdit(LOST_CANCEL, fix.edit!, doc.uri);
    const gofmt = spawnSync('gofmt', ['-e'], { input: fixed, encoding: 'utf8' });
    assert.equal(gofmt.status, 0, gofmt.stderr);
    assert.deepEqual(lintGo('fix.go', fixed), [], 'the finding is gone and none is added');
    // The same fix on the file written with `\n` gives the same text.
    const lf = LOST_CANCEL.replace('\r', '\n');
    const lfFix = lintGo('fix.go', lf).find((f) => f.rule === 'go/lost-cancel')!.fixes.find((f) => f.preferred)!;
    assert.equal(fixed.replace('\r', '\n'), applyWorkspaceEdit(lf, { changes: { x: lfFix.edits } }, 'x'));
  });

  test('YAML: a manifest with \\r line breaks only is read like the same one with \\n', async () => {
    const cr = DEPLOYMENT_YAML.replace(/\n/g, '\r');
    const lfDoc = await server.client.open(path.join(server.root, 'lf.yaml'), DEPLOYMENT_YAML);
    const crDoc = await server.client.open(path.join(server.root, 'cr.yaml'), cr);
    const lf = keys((await lfDoc.diagnostics()).diagnostics);
    assert.ok(lf.length > 0);
    assert.deepEqual(keys((await crDoc.diagnostics()).diagnostics), lf);
    const file = path.join(server.root, 'cr-disk.yaml');
    fs.writeFileSync(file, cr);
    assert.deepEqual(cliFindings([file]).map(cliKey).sort(), lf);
  });
});
