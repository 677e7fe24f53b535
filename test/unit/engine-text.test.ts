import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirectiveReader } from '../../server/src/engine/suppress';
import { goRules } from '../../server/src/go/rules';

const reader = new DirectiveReader(goRules);
const parseDirective = (text: string) => reader.parse(text);
const suppressionFilter = (comments: Parameters<DirectiveReader['filter']>[0]) => reader.filter(comments);
import { applyEdits, countLoneCRs, LineIndex, loneCRsAsLF, rowsToLines } from '../../server/src/engine/text';
import type { Finding } from '../../server/src/engine/types';

test('LineIndex maps offsets and UTF-16 positions both ways', () => {
  const text = 'a😀b\r\nsecond\nthird';
  const idx = new LineIndex(text);
  assert.equal(idx.lineCount, 3);
  assert.deepEqual(idx.positionAt(text.indexOf('b')), { line: 0, character: 3 });
  assert.equal(idx.offsetAt({ line: 1, character: 2 }), text.indexOf('cond'));
  assert.equal(idx.lineText(0), 'a😀b');
  assert.equal(idx.offsetAt({ line: 9, character: 0 }), text.length);
  assert.equal(idx.offsetAt({ line: 1, character: 99 }), text.indexOf('\nthird'));
});

test('LineIndex counts lines as LSP does: \\r\\n, \\r and \\n; rows (lf) as tree-sitter does', () => {
  const text = 'a\rb\r\nc\nd\r';
  const lines = new LineIndex(text);
  assert.equal(lines.lineCount, 5);
  assert.deepEqual([0, 1, 2, 3, 4].map((l) => lines.lineText(l)), ['a', 'b', 'c', 'd', '']);
  assert.deepEqual(lines.positionAt(text.indexOf('c')), { line: 2, character: 0 });
  assert.equal(lines.offsetAt({ line: 1, character: 9 }), text.indexOf('\r\n'), 'clamped before the line break');
  const rows = new LineIndex(text, 'lf');
  assert.equal(rows.lineCount, 3);
  assert.equal(rows.lineText(0), 'a\rb');
  assert.deepEqual(rows.positionAt(text.indexOf('c')), { line: 1, character: 0 });
});

test('rows map to editor lines through offsets, only when a lone \\r makes them differ', () => {
  assert.equal(rowsToLines('a\r\nb\n'), undefined);
  const text = 'x\ry\nz';
  const map = rowsToLines(text)!;
  assert.deepEqual(map({ line: 0, character: 2 }), { line: 1, character: 0 });
  assert.deepEqual(map({ line: 1, character: 1 }), { line: 2, character: 1 });
  assert.equal(countLoneCRs(text, 0, text.length), 1);
  assert.equal(countLoneCRs('a\r\n\r', 0, 4), 1, 'a \\r at the end looks past it');
  assert.equal(loneCRsAsLF('a\rb\r\nc'), 'a\nb\r\nc');
});

test('applyEdits applies in any order and refuses overlaps', () => {
  const text = 'one\ntwo\nthree\n';
  const out = applyEdits(text, [
    { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } }, newText: 'THREE' },
    { range: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } }, newText: '!' },
  ]);
  assert.equal(out, 'one!\ntwo\nTHREE\n');
  assert.throws(() =>
    applyEdits(text, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, newText: 'x' },
      { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 2 } }, newText: 'y' },
    ]),
  );
});

test('directives: leaklens:ignore lists, nolint linters mapped to rules, bare nolint', () => {
  assert.deepEqual(parseDirective('leaklens:ignore go/lost-cancel,go/time-tick because'), ['go/lost-cancel', 'go/time-tick']);
  assert.deepEqual(parseDirective('leaklens:ignore'), ['*']);
  assert.deepEqual(parseDirective('nolint:bodyclose'), ['go/response-body-not-closed']);
  assert.deepEqual(parseDirective('nolint:unused,sqlclosecheck // reason'), ['go/rows-not-closed']);
  assert.deepEqual(parseDirective('nolint'), ['*']);
  assert.equal(parseDirective('nolintish'), undefined);
  assert.equal(parseDirective('just a comment'), undefined);
  assert.deepEqual(parseDirective('nolint:gosec')?.sort(), ['go/http-client-no-timeout', 'go/http-server-no-timeout']);
});

test('former ids in leaklens:ignore name the rule they became', () => {
  const renamed = new DirectiveReader([{ ...goRules[0], formerIds: ['go/old-name'] }]);
  assert.deepEqual(renamed.parse('leaklens:ignore go/old-name'), [goRules[0].id]);
});

function finding(line: number, rule: string): Finding {
  return { rule, severity: 'warning', message: '', range: { start: { line, character: 0 }, end: { line, character: 1 } }, fixes: [] };
}

test('a directive covers its own line, and the next line only when it stands alone', () => {
  const suppressed = suppressionFilter([
    { line: 1, text: 'leaklens:ignore go/a', trailing: false },
    { line: 5, text: 'leaklens:ignore go/b', trailing: true },
  ]);
  assert.equal(suppressed(finding(1, 'go/a')), true);
  assert.equal(suppressed(finding(2, 'go/a')), true);
  assert.equal(suppressed(finding(2, 'go/b')), false);
  assert.equal(suppressed(finding(5, 'go/b')), true);
  assert.equal(suppressed(finding(6, 'go/b')), false);
  assert.equal(suppressed(finding(3, 'go/a')), false);
});
