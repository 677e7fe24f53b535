/**
 * Document sync over a real stdio connection to dist/server.js: open, incremental changes, close;
 * diagnostics carry the document version and match a fresh analysis of exactly that version's
 * text, however the edits arrive.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { DiagnosticSeverity, TextDocumentSyncKind, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { ruleDocsUrl } from '../../server/src/lint/registry';
import { LineIndex } from '../../server/src/engine/text';
import type { Finding } from '../../server/src/engine/types';
import { initEngine, lintGo } from '../helpers/goEngine';
import { type ClientDocument, serverForSuite } from '../helpers/lspClient';
import { SERVICE_GO } from './fixtures';
import { seededRandom } from '../helpers/random';

const SEVERITY_NAMES: Record<number, string> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

function fromDiagnostic(d: Diagnostic): string {
  const r = d.range;
  return `${d.code} ${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${SEVERITY_NAMES[d.severity!]} ${d.message}`;
}

function fromFinding(f: Finding): string {
  const r = f.range;
  return `${f.rule} ${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${f.severity} ${f.message}`;
}

/** Checks published diagnostics against the engine run in this process on the same text. */
function assertMatchesFreshAnalysis(file: string, text: string, published: PublishDiagnosticsParams, context: string): void {
  const expected = lintGo(file, text).map(fromFinding).sort();
  assert.deepEqual(published.diagnostics.map(fromDiagnostic).sort(), expected, context);
}

describe('document sync', () => {
  before(initEngine);
  const server = serverForSuite({ settings: { scope: 'openFiles' } });

  test('initialize: incremental sync, quick fixes and fix-all with resolve', () => {
    const caps = server.client.initializeResult.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental });
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.leaklens'], resolveProvider: true });
    assert.equal(server.client.initializeResult.serverInfo?.name, 'leaklens');
  });

  test('an opened Go file gets diagnostics for its version, with LeakLens source, rule code and docs link', async () => {
    const file = path.join(server.root, 'open.go');
    const doc = await server.client.open(file, SERVICE_GO);
    const published = await doc.diagnostics();
    assert.equal(published.version, 1);
    assert.ok(published.diagnostics.length >= 3, 'the fixture has several leak patterns');
    for (const d of published.diagnostics) {
      assert.equal(d.source, 'leaklens');
      assert.equal(d.codeDescription?.href, ruleDocsUrl(String(d.code)));
    }
    // Severities map one to one (go/http-client-no-timeout warns); go/context-in-struct is off by default.
    const warning = published.diagnostics.find((d) => d.code === 'go/http-client-no-timeout');
    assert.equal(warning?.severity, DiagnosticSeverity.Warning);
    assert.ok(!published.diagnostics.some((d) => d.code === 'go/context-in-struct'));
    assertMatchesFreshAnalysis(file, SERVICE_GO, published, 'initial analysis');
    await server.client.close(doc);
  });

  test('every incremental edit is followed by diagnostics equal to a fresh analysis of that version', async () => {
    const file = path.join(server.root, 'edits.go');
    const doc = await server.client.open(file, SERVICE_GO);
    await doc.diagnostics();
    const steps: [string, () => Promise<unknown>][] = [
      ['insert lines above a declaration', () => insertAt(doc, 'func background', '// comment\n\n')],
      ['type inside an identifier', () => insertAt(doc, 'ackground()', 'X')],
      ['add a struct field holding a context', () => insertAt(doc, '\tcount int', '\tparent context.Context\n')],
      ['delete a whole function', () => replaceBetween(doc, 'func (w *Worker) Fetch', 'func (w *Worker) Loop', '')],
      ['half-type a function (unclosed brace)', () => insertAt(doc, 'func NewServer', 'func broken() {\n\tx := \n\n')],
      ['close it again', () => insertAt(doc, 'func NewServer', '}\n\n')],
      ['rename the context import (header change)', () => replaceBetween(doc, '\t"context"', '\n', '\tctxpkg "context"')],
      ['restore the import', () => replaceBetween(doc, '\tctxpkg "context"', '\n', '\t"context"')],
      ['suppress a line with a directive', () => insertAt(doc, 'var client', '//leaklens:ignore go/http-client-no-timeout\n')],
      ['join two lines', () => replaceBetween(doc, 'Addr:    addr,', '\t\tHandler', 'Addr:    addr, ')],
    ];
    for (const [what, step] of steps) {
      await step();
      assertMatchesFreshAnalysis(file, doc.text, await doc.diagnostics(), what);
    }
    await server.client.close(doc);
  });

  test('60 random edits: each published version matches a fresh analysis of its text', async () => {
    const file = path.join(server.root, 'random.go');
    const doc = await server.client.open(file, SERVICE_GO);
    await doc.diagnostics();
    const random = seededRandom(4);
    const snippets = ['\n', 'x', '}', '{', '\t', 'go func() {}()\n', 'context.', ' ', '"', '//', 'time.After(time.Second)'];
    for (let i = 0; i < 60; i++) {
      const index = new LineIndex(doc.text);
      const start = Math.floor(random() * doc.text.length);
      const end = random() < 0.3 ? Math.min(doc.text.length, start + Math.floor(random() * 40)) : start;
      const text = random() < 0.8 ? snippets[Math.floor(random() * snippets.length)] : '';
      await doc.edit({ start: index.positionAt(start), end: index.positionAt(end) }, text);
      assertMatchesFreshAnalysis(file, doc.text, await doc.diagnostics(), `random edit ${i}`);
    }
    await server.client.close(doc);
  });

  test('rapid changes: no stale result is published, and the last version gets its diagnostics', async () => {
    const file = path.join(server.root, 'rapid.go');
    const doc = await server.client.open(file, SERVICE_GO);
    await doc.diagnostics();
    const texts = new Map<number, string>([[1, doc.text]]);
    const from = server.client.diagnostics.length;
    // Type a statement one character at a time without waiting for anything.
    const typed = '\thttp.Get("http://svc")\n';
    let offset = doc.text.indexOf('\t_ = ctx');
    for (const ch of typed) {
      const at = new LineIndex(doc.text).positionAt(offset++);
      texts.set(await doc.edit({ start: at, end: at }, ch), doc.text);
    }
    const last = await doc.diagnostics();
    assert.equal(last.version, doc.version);
    const published = server.client.diagnostics.slice(from).filter((p) => p.uri === doc.uri);
    for (const p of published) {
      assert.ok(p.version !== undefined && texts.has(p.version), `published version ${p.version} was sent`);
      assertMatchesFreshAnalysis(file, texts.get(p.version)!, p, `version ${p.version}`);
    }
    // Versions only move forward.
    const versions = published.map((p) => p.version!);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
    assert.ok(last.diagnostics.some((d) => d.code === 'go/response-body-not-closed' && d.range.start.line === 34), 'the typed call is flagged');
    await server.client.close(doc);
  });

  test('closing a document clears its diagnostics (scope: openFiles)', async () => {
    const file = path.join(server.root, 'closing.go');
    const doc = await server.client.open(file, SERVICE_GO);
    assert.ok((await doc.diagnostics()).diagnostics.length > 0);
    await server.client.close(doc);
    const cleared = await server.client.waitForDiagnostics(doc.uri, (p) => p.diagnostics.length === 0, 'cleared diagnostics');
    assert.equal(cleared.version, undefined);
  });
});

async function insertAt(doc: ClientDocument, anchor: string, text: string): Promise<number> {
  const offset = doc.text.indexOf(anchor);
  assert.ok(offset >= 0, `anchor ${JSON.stringify(anchor)} not found`);
  const at = new LineIndex(doc.text).positionAt(offset);
  return doc.edit({ start: at, end: at }, text);
}

/** Replaces from the start of `from` up to (not including) the next `to` after it. */
async function replaceBetween(doc: ClientDocument, from: string, to: string, text: string): Promise<number> {
  const start = doc.text.indexOf(from);
  const end = doc.text.indexOf(to, start + from.length);
  assert.ok(start >= 0 && end >= 0, `range ${JSON.stringify(from)}..${JSON.stringify(to)} not found`);
  const index = new LineIndex(doc.text);
  return doc.edit({ start: index.positionAt(start), end: index.positionAt(end) }, text);
}
