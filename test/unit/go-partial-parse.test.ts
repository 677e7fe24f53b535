/**
 * Lint parses only the declarations rules read, a batch at a time (partialParse.ts). The chunk scan
 * must cut at real declaration boundaries, and on Go without syntax errors the findings (and their
 * fixes) must be exactly those of a full tree: fixtures, generated service code (one file large
 * enough for several batches) and the Go standard library.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { generateLargeFile } from '../../bench/goCorpus';
import { analyzeGoText } from '../../server/src/lint/analyze';
import { declChunks } from '../../server/src/go/declChunks';
import { GoModLocator } from '../../server/src/go/gomod';
import { parseGo } from '../../server/src/go/parser';
import { treePlans } from '../../server/src/go/partialParse';
import { goRules } from '../../server/src/go/rules';
import { everyRuleOn, initEngine, lintGo } from '../helpers/goEngine';

before(initEngine);

/** The first line of each chunk, for readable expectations. */
function chunkHeads(text: string): string[] | undefined {
  const chunks = declChunks(text);
  if (!chunks) return undefined;
  assert.equal(chunks.map((c) => text.slice(c.start, c.end)).join(''), text, 'chunks cover the text in order');
  for (const c of chunks) assert.equal(text.slice(0, c.start).split('\n').length - 1, c.row, 'row of a chunk start');
  return chunks.map((c) => text.slice(c.start, c.end).split('\n')[0]);
}

test('chunks start at declarations and take the comment lines right above them', () => {
  const text = [
    'package p',
    '',
    'import "time"',
    '',
    '// Tick is documented.',
    '//leaklens:ignore go/time-tick reason',
    'func Tick() {}',
    '',
    '/* a block',
    '   comment */',
    'var x = 1',
    '// a note after x',
    '',
    'type T struct{ f func() }',
    'const c = 2',
  ].join('\n');
  assert.deepEqual(chunkHeads(text), ['package p', 'import "time"', '// Tick is documented.', '/* a block', 'type T struct{ f func() }', 'const c = 2']);
});

test('keywords inside literals, comments and brackets do not start a chunk', () => {
  const text = [
    'package p',
    'var s = `',
    'func notADecl() {}',
    '`',
    '/*',
    'func alsoNot() {}',
    '*/',
    'var (',
    'a = "{"',
    "b = '('",
    ')',
    'func f() {',
    'var inner = 1',
    '}',
    'type funcs int',
  ].join('\n');
  // The block comment goes with the declaration right below it.
  assert.deepEqual(chunkHeads(text), ['package p', 'var s = `', '/*', 'func f() {', 'type funcs int']);
});

test('each chunk knows its comments, and a block comment cut by a chunk start goes with both', () => {
  const text = ['package p', '', '// doc', 'var u = "http://x" /* a', 'b */', 'func f() {} // done', ''].join('\n');
  const chunks = declChunks(text)!;
  const comments = chunks.map((c) => Array.from({ length: c.comments.length / 2 }, (_, i) => text.slice(c.comments[2 * i], c.comments[2 * i + 1])));
  assert.deepEqual(comments, [[], ['// doc', '/* a\nb */'], ['/* a\nb */', '// done']]);
});

test('a function chunk knows the name it declares, and a chunk knows when a declaration starts inside it', () => {
  const text = [
    'package p',
    'func (l *List[T]) Push(v T) {}',
    'func Map[T any](xs []T) {}',
    'func décrire() {}',
    'func (s *S)',
    '\tMulti() {}',
    'func f() func() { return nil }',
    'var x = 1',
    '  func indented() {}',
    'var y = 1 /* a',
    '*/ func afterComment() {}',
    'var z = struct{ f func() }{}',
  ].join('\n');
  assert.deepEqual(
    declChunks(text)!.map((c) => [c.funcName, c.holdsMore]),
    [
      [undefined, undefined],
      ['Push', undefined],
      ['Map', undefined],
      ['décrire', undefined],
      ['Multi', undefined],
      ['f', undefined],
      [undefined, true],
      [undefined, true],
      [undefined, undefined],
    ],
  );
});

test('half-typed code gives no chunks, so the file is parsed in full', () => {
  for (const text of ['package p\nfunc f() {\n', 'package p\nvar s = `open\n', 'package p\n/* open\n', 'package p\nvar s = "open\nfunc f() {}\n']) {
    assert.equal(declChunks(text), undefined, JSON.stringify(text));
  }
});

test('the last chunk ends at the end of the text, in UTF-16 columns', () => {
  const text = 'package p\n\nfunc f() { _ = "héllo 🙂" }';
  const chunks = declChunks(text)!;
  const last = chunks[chunks.length - 1];
  assert.deepEqual([last.end, last.endRow, last.endColumn], [text.length, 2, '\tfunc f() { _ = "héllo 🙂" }'.length - 1]);
});

const TICKER_AND_PLAIN = `package p

import "time"

func plain(a, b int) int { return a + b }

func poll() {
	t := time.NewTicker(time.Second)
	<-t.C
}

func alsoPlain() string { return "x" }
`;

/** The top-level nodes of the first tree lint parses of `text`. */
function topLevelTypes(text: string, tree = parseGo(text, undefined, treePlans(text, goRules)[0].ranges)): string[] {
  try {
    return tree.rootNode.namedChildren.map((n) => `${n!.type}:${n!.startPosition.row}`);
  } finally {
    tree.delete();
  }
}

test('declarations no rule reads are left out of the tree', () => {
  assert.deepEqual(topLevelTypes(TICKER_AND_PLAIN), ['package_clause:0', 'import_declaration:2', 'function_declaration:6']);
  assert.equal(topLevelTypes(TICKER_AND_PLAIN, parseGo(TICKER_AND_PLAIN)).length, 5);
});

test('a word in a comment wakes no rule, one in a string does', () => {
  const text = `package p

import "time"

// wait would use a time.NewTicker; /* NewTicker */ it sleeps instead.
func wait() { time.Sleep(time.Second) }

func name() string { return "NewTicker" }

func poll() {
	t := time.NewTicker(time.Second) // NewTicker
	<-t.C
}
`;
  assert.deepEqual(topLevelTypes(text), ['package_clause:0', 'import_declaration:2', 'function_declaration:7', 'function_declaration:9']);
  assert.deepEqual(lintGo('p.go', text), fullTreeFindings('p.go', text));
  assert.equal(lintGo('p.go', text).length, 1);
});

test('a partial tree with a syntax error is replaced by a full parse', () => {
  const broken = TICKER_AND_PLAIN.replace('<-t.C', '<-t.C +');
  assert.ok(topLevelTypes(broken).length < 5, 'the first tree is partial');
  assert.deepEqual(lintGo('p.go', broken), fullTreeFindings('p.go', broken));
});

test('a large file is parsed in batches, each checking its own declarations with the header and imports', () => {
  const text = generateLargeFile(40_000);
  const plans = treePlans(text, goRules);
  assert.ok(plans.length >= 3, `${plans.length} batches`);
  const decls = parseGo(text);
  try {
    const starts = decls.rootNode.namedChildren.filter((n) => n!.type !== 'comment').map((n) => n!.startIndex);
    for (const start of starts.slice(2)) assert.ok(plans.filter((p) => p.checks(start)).length <= 1, 'no declaration is checked twice');
  } finally {
    decls.delete();
  }
  for (const plan of plans) assert.match(text.slice(plan.ranges![0].startIndex, plan.ranges![0].endIndex), /^package big\n\nimport \(/);
});

test('rules that read the whole file see declarations they do not check', () => {
  const main = `func main() {
	signal.Notify(make(chan os.Signal, 1), os.Interrupt)
	_ = http.ListenAndServe("127.0.0.1:8080", nil)
}
`;
  const header = `package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
)

`;
  const stop = `type stopper interface{ Shutdown(context.Context) error }

func stop(s stopper, ctx context.Context) error { return s.Shutdown(ctx) }

`;
  assert.deepEqual(lintGo('main.go', header + main).map((f) => f.rule), ['go/server-no-shutdown']);
  assert.deepEqual(lintGo('main.go', header + stop + main).map((f) => f.rule), []);
});

test('rules that read by name see the functions named from what they check, transitively, and no others', () => {
  // start is checked (`chan`); loop is named there and send only in loop, yet without send the
  // goroutine could be handing w.out to code nobody sees. step holds none of the words the
  // goroutine rules read, unused is named nowhere.
  const text = `package p

type worker struct{ out chan int }

func start() {
	w := &worker{out: make(chan int)}
	go w.loop()
}

func (w *worker) loop() {
	for range 3 {
		w.step()
	}
	w.send()
}

func (w *worker) step() {}

func (w *worker) send() { w.out <- 1 }

func (w *worker) unused() { close(w.out) }
`;
  assert.deepEqual(topLevelTypes(text), ['package_clause:0', 'type_declaration:2', 'function_declaration:4', 'method_declaration:9', 'method_declaration:18']);
  assert.deepEqual(lintGo('p.go', text), fullTreeFindings('p.go', text));
  assert.deepEqual(lintGo('p.go', text).map((f) => `${f.rule}:${f.range.start.line}`), ['go/stranded-sender:6', 'go/blocks-forever:18']);
});

test('rules that read by name see the constants named in what they read, and no others', () => {
  // The buffer's size decides the leak: without size the model could not tell.
  const text = `package p

const size = 1

const unused = 3

const (
	first = iota
	second
)

func start() {
	ch := make(chan int, size)
	go func() {
		ch <- 1
		ch <- 2
	}()
}
`;
  assert.deepEqual(topLevelTypes(text), ['package_clause:0', 'const_declaration:2', 'function_declaration:11']);
  assert.deepEqual(lintGo('p.go', text), fullTreeFindings('p.go', text));
  assert.deepEqual(lintGo('p.go', text).map((f) => `${f.rule}:${f.range.start.line}`), ['go/stranded-sender:13']);
  assert.deepEqual(lintGo('p.go', text.replace('size = 1', 'size = 2')), []);
});

test('a method named elsewhere only in a comment, or inside a longer name, is not read by name', () => {
  // drain holds a word the goroutine rules read (\`<-\`) and no trigger, and no code of a checked
  // declaration calls it: start's doc comment names it, and start calls drainAll, whose name begins with it.
  const text = `package p

type worker struct{ out chan int }

// start is like drain, but for one value.
func start() {
	w := &worker{out: make(chan int)}
	go func() { w.out <- 1 }()
	w.drainAll()
}

func (w *worker) drainAll() {}

func (w *worker) drain() { <-w.out }
`;
  assert.deepEqual(topLevelTypes(text), ['package_clause:0', 'type_declaration:2', 'comment:4', 'function_declaration:5']);
  assert.deepEqual(lintGo('p.go', text), fullTreeFindings('p.go', text));
});

test('a declaration whose names the chunk scan cannot read, or that shares its chunk, is kept as before', () => {
  const text = `package p

type worker struct{ out chan int }

func start() {
	w := &worker{out: make(chan int)}
	go w.odd()
	go finish(w)
}

func (w (*worker)) odd() { close(w.out) }

func idle() {}; func finish(w *worker) { close(w.out) }

const (
	/* unread */ hidden = 4
)
`;
  assert.deepEqual(
    declChunks(text)!.map((c) => [c.funcName, c.holdsMore]),
    [[undefined, undefined], [undefined, undefined], ['start', undefined], [undefined, undefined], ['idle', true], [undefined, undefined]],
  );
  assert.deepEqual(topLevelTypes(text).slice(3), ['method_declaration:10', 'function_declaration:12', 'function_declaration:12', 'const_declaration:14']);
  assert.deepEqual(lintGo('p.go', text), fullTreeFindings('p.go', text));
});

test('a suppression right above a declaration is parsed with it', () => {
  const text = `package p

import "net/http"

func plain() int { return 1 }

//leaklens:ignore go/http-client-no-timeout the caller sets one
var client = &http.Client{}
`;
  assert.deepEqual(lintGo('p.go', text), []);
  assert.deepEqual(lintGo('p.go', text.replace('//leaklens:ignore', '// not a directive:')).map((f) => f.rule), ['go/http-client-no-timeout']);
});

const goMods = new GoModLocator();

function fullTreeFindings(name: string, text: string) {
  return analyzeGoText(name, text, everyRuleOn(), goMods, (rule, err) => assert.fail(`${rule}: ${err}`), { wholeFile: true });
}

function goSources(): { name: string; text: string }[] {
  const fixtures = path.join(__dirname, '..', 'fixtures', 'go');
  const out = (fs.readdirSync(fixtures, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.go'))
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(fixtures, f), 'utf8') }));
  out.push({ name: 'generated service code', text: generateLargeFile(3000) });
  out.push({ name: 'generated service code in batches', text: generateLargeFile(40_000) });
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  for (const pkg of ['net/http', 'net', 'database/sql', 'context', 'time', 'os/exec']) {
    const dir = path.join(goroot, 'src', pkg);
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.go'))) out.push({ name: `${pkg}/${f}`, text: fs.readFileSync(path.join(dir, f), 'utf8') });
  }
  return out;
}

test('on valid Go, the partial tree gives exactly the findings and fixes of the full tree', () => {
  let partial = 0;
  let findings = 0;
  for (const { name, text } of goSources()) {
    const full = fullTreeFindings(name, text);
    assert.deepEqual(lintGo(name, text, everyRuleOn()), full, name);
    findings += full.length;
    if (topLevelTypes(text).length < topLevelTypes(text, parseGo(text)).length) partial++;
  }
  // The comparison means something only if many files were parsed in part, with findings to compare.
  assert.ok(partial > 100, `only ${partial} files were parsed in part`);
  assert.ok(findings > 200, `only ${findings} findings`);
});
