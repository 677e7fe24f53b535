/** The declaration index finds nodes through the words that name them: the tree decides what a word is. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildDeclIndex } from '../../server/src/go/declIndex';
import { mentionsBetween, mentionsOf } from '../../server/src/go/identifiers';
import { parseGo } from '../../server/src/go/parser';
import { initEngine } from '../helpers/goEngine';

before(initEngine);

const SOURCE = `package p

import "time"

// After this comment mentions After, go and select, and a string does too.
func F(d time.Duration, ch chan int) {
	s := "time.After(d) go select"
	_ = s
	<-(time.After)(d)
	after := time.After
	<-after(d)
	go func() { ch <- 1 }()
	for i := 0; i < 2; i++ {
		select {
		case <-time.After(d):
		case v := <-ch:
			_ = v
		}
	}
	var c struct{ t time.Timer }
	_ = time.Timer{}
	_ = c
}
`;

function withIndex(check: (index: ReturnType<typeof buildDeclIndex>, lines: (nodes: { startPosition: { row: number } }[]) => number[]) => void) {
  const tree = parseGo(SOURCE);
  try {
    const decl = tree.rootNode.namedChildren.find((n) => n?.type === 'function_declaration')!;
    check(buildDeclIndex(decl, decl.text), (nodes) => nodes.map((n) => n.startPosition.row + 1));
  } finally {
    tree.delete();
  }
}

test('calls are found by callee name, through parentheses, and never in comments or strings', () => {
  withIndex((index, lines) => {
    // Line 9 calls through parentheses; line 10 only names the function; line 15 is the select case.
    assert.deepEqual(lines(index.callsNamed(['After'])), [9, 15]);
    assert.deepEqual(lines(index.callsNamed(['after'])), [11]);
  });
});

test('statements are found by their keyword, not by the word in a comment or string', () => {
  withIndex((index, lines) => {
    assert.deepEqual(lines(index.statements('go')), [12]);
    assert.deepEqual(lines(index.statements('select')), [14]);
    assert.deepEqual(lines(index.statements('for')), [13]);
    assert.deepEqual(lines(index.statements('defer')), []);
  });
});

test('composite literals and fields are found by their type name, plain or qualified', () => {
  withIndex((index, lines) => {
    assert.deepEqual(lines(index.compositesOf('Timer')), [21]);
    assert.deepEqual(lines(index.fieldsOf('Timer')), [20]);
    assert.deepEqual(lines(index.compositesOf('Duration')), []);
  });
});

test('mentions of a variable are identifiers only, and a range narrows them', () => {
  const tree = parseGo(SOURCE);
  try {
    const decl = tree.rootNode.namedChildren.find((n) => n?.type === 'function_declaration')!;
    const rows = (nodes: readonly { startPosition: { row: number } }[]) => nodes.map((n) => n.startPosition.row + 1);
    // `d` in the comment and the string is no mention; the parameter is.
    assert.deepEqual(rows(mentionsOf(decl, 'd')), [6, 9, 11, 15]);
    const line11 = SOURCE.split('\n').slice(0, 10).join('\n').length;
    assert.deepEqual(rows(mentionsBetween(decl, 'd', line11)), [11, 15]);
    assert.deepEqual(rows(mentionsBetween(decl, 'ch', decl.startIndex, line11)), [6]);
  } finally {
    tree.delete();
  }
});
