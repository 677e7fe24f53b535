/**
 * The field names channels are made under, which decide whose escapes the goroutine walk keeps
 * (madeFields.ts): every field on the way from a `make(chan …)` to the name it is assigned to.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { GoFile } from '../../server/src/go/file';
import { madeFieldNames, mayLeadToMade } from '../../server/src/go/goroutines/madeFields';
import { loadGo, parseGo } from '../../server/src/go/parser';

const SOURCE = `package p

type inner struct{ done chan struct{} }
type outer struct {
	in   inner
	out  chan int
	name string
}

func newOuter() *outer {
	return &outer{
		in: inner{
			done: make(chan struct{}),
		},
		name: "x",
	}
}

func (o *outer) reset(n int) {
	o.out = make(chan int, n)
	o.name = "y"
	buf := make([]byte, n)
	_ = buf
}

func local() {
	var ch = make(chan bool)
	errs := make(chan error)
	_, _ = ch, errs
}
`;

describe('madeFieldNames', () => {
  let fields: Set<string>;
  before(async () => {
    await loadGo();
    const tree = parseGo(SOURCE);
    fields = madeFieldNames(new GoFile('p.go', SOURCE, tree, { timersCollected: true }).topLevelDecls());
  });

  test('collects the fields of nested literals and of assigned selectors, not other fields or slices', () => {
    assert.deepEqual([...fields].sort(), ['done', 'in', 'out']);
  });

  test('a plain name and a path through made fields matter; a path through any other field does not', () => {
    for (const key of ['o', 'ch', 'w.in', 'w.in.done', 'o.out']) assert.ok(mayLeadToMade(key, fields), key);
    for (const key of ['o.name', 'o.in.name', 'ctx.Done()', 'sc.bw']) assert.ok(!mayLeadToMade(key, fields), key);
  });
});
