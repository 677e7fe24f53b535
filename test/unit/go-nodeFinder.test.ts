/**
 * NodeFinder finds exactly the node descendantForIndex finds from the scope, on real code and on
 * deeply nested code (where it keeps a path): every occurrence of common words and random ranges;
 * and the parents it remembers on the way are the tree's.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { parseGo } from '../../server/src/go/parser';
import { parentOf } from '../../server/src/go/syntax';
import { NodeFinder } from '../../server/src/go/wordNodes';
import { wordOffsets } from '../../server/src/go/words';
import { deepGo, NESTING_SHAPES } from '../helpers/deepGo';
import { initEngine } from '../helpers/goEngine';
import { seededRandom } from '../helpers/random';

const GOROOT = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
const STDLIB = ['net/http/server.go', 'database/sql/sql.go', 'runtime/mgc.go', 'encoding/json/decode.go'].map((f) => path.join(GOROOT, 'src', f));
/** Real code, and code nested deep enough for the finder to keep its path. */
const SOURCES = [
  ...STDLIB.map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') })),
  ...NESTING_SHAPES.map((shape) => ({ name: shape.name, text: deepGo(shape, 300) })),
];

before(initEngine);

test('NodeFinder agrees with descendantForIndex on every occurrence of common words and on random ranges', () => {
  const random = seededRandom(11);
  let checked = 0;
  for (const { name, text } of SOURCES) {
    const tree = parseGo(text);
    try {
      for (const decl of tree.rootNode.namedChildren) {
        if (!decl) continue;
        const source = decl.text;
        const base = decl.startIndex;
        const ranges: [number, number][] = [];
        for (const word of ['err', 'return', 'if', 'func', 'nil', 'x', 's', 'Lock', 'ch', 'http', 'Get', 'for', 'select']) {
          for (const at of wordOffsets(source, word)) ranges.push([base + at, base + at + word.length]);
        }
        for (let i = 0; i < 5; i++) {
          const start = base + Math.floor(random() * source.length);
          ranges.push([start, Math.min(decl.endIndex, start + Math.floor(random() * 40))]);
        }
        ranges.sort((a, b) => a[0] - b[0]);
        const finder = new NodeFinder(decl);
        for (const [start, end] of ranges) {
          const found = finder.spanning(start, end);
          const expected = decl.descendantForIndex(start, end)!;
          assert.equal(found.id, expected.id, `${name} [${start}, ${end}): ${found.type} vs ${expected.type}`);
          const parent = parentOf(found);
          if (found.id !== decl.id) assert.equal(parent?.id, found.parent?.id, 'the remembered parent is the tree\'s');
          checked++;
        }
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(checked > 10_000, `${checked} lookups`);
});
