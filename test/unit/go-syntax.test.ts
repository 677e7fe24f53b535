/**
 * The syntax layer answers some questions from offsets and text instead of asking the tree (which
 * costs a crossing into WASM and a node object each). Over every node of every Go fixture, plus
 * code written to trip the shortcuts, its answers must equal the tree's own.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import type { Node, Tree } from 'web-tree-sitter';
import { positionOf } from '../../server/src/go/ownership';
import { parseGo } from '../../server/src/go/parser';
import { GoFile } from '../../server/src/go/file';
import {
  enclosingFunction,
  enclosingLoop,
  focusDeclaration,
  ifParts,
  isFunctionNode,
  isLeadingChild,
  namedChildren,
} from '../../server/src/go/syntax';
import { initEngine } from '../helpers/goEngine';

before(initEngine);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'go');

/** Closures and loops where the declaration's text has none (in comments, strings, names), and the reverse. */
const TRICKY = `package p

// A func literal and a for loop in a comment: func() { for {} }
var s = "func() { for {} }"

func Plain(ms []int) int {
	forward, funcs := 0, 0 // names that start with the keywords
	if n := len(ms); n > 0 {
		return n
	} else if n < 0 {
		panic(n)
	} else {
		forward++
	}
	if func() bool { return funcs > 0 }() {
		return funcs
	}
	return forward + funcs + len(ms)
}

func Nested(ch chan int) func() {
	for i := range 3 {
		go func() {
			for v := range ch {
				_ = v + i
			}
		}()
	}
	var h = func(f func(int)) { f(1) }
	h(func(int) {})
	return func() { <-ch }
}

var handler = func() {
	for {
	}
}

type T struct{ f func() }

/* a block comment between declarations */ var ratio = 6 / /* inside */ 3 // after
var ( /* in a group */
	a = 1 /
		2 // division across lines
)
`;

function goSources(): { name: string; text: string }[] {
  const fixtures = fs
    .readdirSync(FIXTURES, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.go'))
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(FIXTURES, f), 'utf8') }));
  return [{ name: 'tricky.go', text: TRICKY }, ...fixtures];
}

/** Calls `visit` with a fresh tree of each source, deleted afterwards. */
function forEachParsed(visit: (name: string, tree: Tree, text: string) => void): void {
  for (const { name, text } of goSources()) {
    const tree = parseGo(text);
    try {
      visit(name, tree, text);
    } finally {
      tree.delete();
    }
  }
}

/** Every node of `node`'s subtree, named or not. */
function* allNodes(node: Node): Generator<Node> {
  yield node;
  for (const child of node.children) if (child) yield* allNodes(child);
}

function climb(node: Node, stopAt: (n: Node) => boolean, give: (n: Node) => boolean): Node | null {
  for (let p = node.parent; p; p = p.parent) {
    if (give(p)) return p;
    if (stopAt(p)) return null;
  }
  return null;
}

test('the function and loop around every node are the ones its ancestors name, with and without a focused declaration', () => {
  for (const focus of [true, false]) {
    forEachParsed((name, tree) => {
      for (const top of tree.rootNode.children) {
        if (!top) continue;
        if (focus) focusDeclaration(top);
        for (const node of allNodes(top)) {
          const where = `${name}:${node.startPosition.row + 1} ${node.type} (focused: ${focus})`;
          assert.equal(enclosingFunction(node)?.id ?? null, climb(node, () => false, isFunctionNode)?.id ?? null, where);
          const loop = climb(node, isFunctionNode, (p) => p.type === 'for_statement');
          assert.equal(enclosingLoop(node)?.id ?? null, loop?.id ?? null, where);
        }
      }
    });
  }
});

/** The field each leading-child check stands for, by parent type. */
const LEADING_FIELD: Record<string, string> = {
  call_expression: 'function',
  selector_expression: 'operand',
  keyed_element: 'key',
  send_statement: 'channel',
  assignment_statement: 'left',
  short_var_declaration: 'left',
  composite_literal: 'type',
};

test('the parts of an if statement read from its children are the fields the tree names', () => {
  let checked = 0;
  forEachParsed((name, tree) => {
    for (const node of allNodes(tree.rootNode)) {
      if (node.type !== 'if_statement') continue;
      const parts = ifParts(node);
      for (const field of ['initializer', 'condition', 'consequence', 'alternative'] as const) {
        assert.equal(parts[field]?.id ?? null, node.childForFieldName(field)?.id ?? null, `${name}:${node.startPosition.row + 1} ${field}`);
      }
      checked++;
    }
  });
  assert.ok(checked > 100, `only ${checked} if statements checked`);
});

test('a first child by offset is the field the tree names, and a selector field is its last token', () => {
  let checked = 0;
  forEachParsed((name, tree) => {
    for (const node of allNodes(tree.rootNode)) {
      const field = LEADING_FIELD[node.type];
      if (!field) continue;
      const expected = node.childForFieldName(field);
      for (const child of node.namedChildren) {
        if (!child || child.type === 'comment') continue;
        const where = `${name}:${child.startPosition.row + 1} ${node.type} > ${child.type}`;
        assert.equal(isLeadingChild(child, node), child.id === expected?.id, where);
        checked++;
      }
      if (node.type === 'selector_expression') {
        const operand = node.childForFieldName('operand')!;
        const pos = positionOf(operand.type === 'parenthesized_expression' ? operand.namedChildren[0]! : operand);
        if (pos.kind === 'member') assert.equal(pos.field, node.childForFieldName('field')?.text, `${name}:${node.startPosition.row + 1}`);
      }
    }
  });
  assert.ok(checked > 1000, `only ${checked} children checked`);
});

test('named children without comments, read from the source, are the tree\'s non-comment named children; declarations follow the header', () => {
  let checked = 0;
  forEachParsed((name, tree, text) => {
    for (const node of allNodes(tree.rootNode)) {
      const expected = node.namedChildren.filter((c) => c && c.type !== 'comment').map((c) => c!.id);
      assert.deepEqual(namedChildren(node).map((c) => c.id), expected, `${name}:${node.startPosition.row + 1} ${node.type}`);
      checked++;
    }
    const file = new GoFile(name, text, tree, { goVersion: '1.22', timersCollected: false });
    const decls = tree.rootNode.namedChildren.filter((c) => c && !['comment', 'package_clause', 'import_declaration'].includes(c.type));
    assert.deepEqual(file.topLevelDecls().map((d) => d.id), decls.map((d) => d!.id), name);
  });
  assert.ok(checked > 10000, `only ${checked} nodes checked`);
});
