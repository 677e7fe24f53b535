/** Minimal edits between two texts (server/src/lsp/textDiff.ts), used for fix-all results. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits } from '../../server/src/engine/text';
import { minimalEdits } from '../../server/src/lsp/textDiff';
import { seededRandom } from '../helpers/random';

describe('minimalEdits', () => {
  test('edits reproduce the new text and cover only what changed', () => {
    const before = 'package x\n\nfunc a() {\n\tctx := context.Background()\n\t_ = ctx\n}\n\nfunc b() {}\n';
    const after = 'package x\n\nfunc a(ctx context.Context) {\n\t_ = ctx\n}\n\nfunc b() {}\n';
    const edits = minimalEdits(before, after);
    assert.equal(applyEdits(before, edits), after);
    // Adjacent changed lines form one hunk, trimmed to the characters that differ at both ends.
    assert.deepEqual(edits, [
      { range: { start: { line: 2, character: 7 }, end: { line: 3, character: 28 } }, newText: 'ctx context.Context) {' },
    ]);
    const far = before.replace('func b() {}', 'func b(ctx context.Context) {}');
    assert.deepEqual(minimalEdits(before, far), [
      { range: { start: { line: 7, character: 7 }, end: { line: 7, character: 7 } }, newText: 'ctx context.Context' },
    ]);
  });

  test('identical texts need no edit; insertions at the start and end work', () => {
    assert.deepEqual(minimalEdits('a\nb\n', 'a\nb\n'), []);
    for (const [a, b] of [['b\n', 'a\nb\n'], ['a\n', 'a\nb\n'], ['a', 'a\nb'], ['', 'x\n'], ['x\n', '']]) {
      assert.equal(applyEdits(a, minimalEdits(a, b)), b, JSON.stringify([a, b]));
    }
  });

  test('random line-level changes round-trip', () => {
    const random = seededRandom(11);
    const words = ['\tx := 1', '\tdefer cancel()', 'func f() {', '}', '', '\treturn nil', '// c'];
    for (let round = 0; round < 300; round++) {
      const a = Array.from({ length: Math.floor(random() * 30) }, () => words[Math.floor(random() * words.length)]);
      const b = [...a];
      for (let k = Math.floor(random() * 5); k >= 0; k--) {
        const at = Math.floor(random() * (b.length + 1));
        if (random() < 0.5 && b.length) b.splice(Math.min(at, b.length - 1), 1);
        else b.splice(at, 0, words[Math.floor(random() * words.length)] + (random() < 0.3 ? ' // x' : ''));
      }
      const before = a.join('\n') + '\n';
      const after = b.join('\n') + '\n';
      assert.equal(applyEdits(before, minimalEdits(before, after)), after, `round ${round}`);
    }
  });
});
