/** Findings as LSP diagnostics (server/src/lsp/diagnostics.ts) and moved through edits (lsp/engine/contentEdit.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import { ruleDocsUrl } from '../../server/src/lint/registry';
import type { Finding } from '../../server/src/engine/types';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { mapFinding, type ContentEdit } from '../../server/src/lsp/engine/contentEdit';

const range = (line: number, from: number, to: number) => ({ start: { line, character: from }, end: { line, character: to } });

const finding: Finding = {
  rule: 'go/lost-cancel',
  severity: 'hint',
  message: 'the cancel function is not called on every path',
  range: range(4, 1, 30),
  fixes: [{ title: 'Add defer cancel()', edits: [{ range: range(5, 0, 0), newText: '\tdefer cancel()\n' }], preferred: true }],
  related: [
    { range: range(9, 2, 8), message: 'this return skips cancel' },
    { range: range(1, 0, 4), message: 'declared here', file: '/src/other.go' },
  ],
};

describe('diagnostics', () => {
  test('a finding becomes a diagnostic with source, rule code, docs link, severity and related locations', () => {
    const d = toDiagnostic('file:///src/main.go', finding);
    assert.deepEqual(d, {
      range: finding.range,
      severity: DiagnosticSeverity.Hint,
      source: 'leaklens',
      code: 'go/lost-cancel',
      codeDescription: { href: ruleDocsUrl('go/lost-cancel') },
      message: finding.message,
      relatedInformation: [
        { location: { uri: 'file:///src/main.go', range: range(9, 2, 8) }, message: 'this return skips cancel' },
        { location: { uri: 'file:///src/other.go', range: range(1, 0, 4) }, message: 'declared here' },
      ],
    });
    const severities = (['error', 'warning', 'info', 'hint'] as const).map((severity) => toDiagnostic('file:///a.go', { ...finding, severity }).severity);
    assert.deepEqual(severities, [DiagnosticSeverity.Error, DiagnosticSeverity.Warning, DiagnosticSeverity.Information, DiagnosticSeverity.Hint]);
  });

  test('an edit above a finding moves its range, fix and related locations in this file, not those in other files', () => {
    // Two lines inserted at the start of line 2.
    const twoLines: ContentEdit = {
      startIndex: 20,
      oldEndIndex: 20,
      newEndIndex: 26,
      start: { line: 2, character: 0 },
      oldEnd: { line: 2, character: 0 },
      newEnd: { line: 4, character: 0 },
      loneCRDelta: 0,
    };
    const moved = mapFinding(finding, twoLines)!;
    assert.deepEqual(moved.range, range(6, 1, 30));
    assert.deepEqual(moved.fixes[0].edits[0].range, range(7, 0, 0));
    assert.deepEqual(moved.related?.map((r) => r.range), [range(11, 2, 8), range(1, 0, 4)]);

    // An edit replacing text the finding covers invalidates it (its declaration is checked again).
    const overFix: ContentEdit = { ...twoLines, start: { line: 4, character: 0 }, oldEnd: { line: 6, character: 0 }, newEnd: { line: 4, character: 3 } };
    assert.equal(mapFinding(finding, overFix), undefined);
  });
});
