/**
 * addKeyedElement against real gofmt: gofmt-clean literals of many layouts (alignment sections
 * broken by blank and comment lines, multi-line elements, several elements on a line, keys over
 * 40 characters) get a new element, and `gofmt -l` must find nothing to change.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { applyEdits } from '../../server/src/engine/text';
import { addKeyedElement } from '../../server/src/go/compositeEdits';
import { GoFile } from '../../server/src/go/file';
import { parseGo } from '../../server/src/go/parser';
import { initEngine } from '../helpers/goEngine';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-composite-'));
before(initEngine);
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function gofmt(...args: string[]): string {
  const r = spawnSync('gofmt', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Adds `key: value` to the literal of type T in a gofmt-clean source. */
function addTo(source: string, key: string, value = '30 * time.Second'): string {
  const tree = parseGo(source);
  try {
    const file = new GoFile('x.go', source, tree, { timersCollected: false });
    const literal = tree.rootNode.descendantsOfType('composite_literal').find((n) => n?.childForFieldName('type')?.text === 'T');
    assert.ok(literal, 'no literal of type T');
    const edits = addKeyedElement(file, literal, key, value);
    assert.ok(edits, 'no edits');
    return applyEdits(source, edits);
  } finally {
    tree.delete();
  }
}

const wrap = (literal: string) => `package p\n\nvar x = ${literal}\n`;

test('empty, one-line and multi-line literals', () => {
  assert.equal(addTo(wrap('&T{}'), 'Timeout'), wrap('&T{Timeout: 30 * time.Second}'));
  assert.equal(addTo(wrap('T{Jar: j}'), 'Timeout'), wrap('T{Jar: j, Timeout: 30 * time.Second}'));
  assert.equal(addTo(wrap('T{\n\tJar: j,\n}'), 'Timeout'), wrap('T{\n\tJar:     j,\n\tTimeout: 30 * time.Second,\n}'));
  assert.equal(
    addTo(wrap('T{\n\tTransport: t, // pooled\n}'), 'Timeout'),
    wrap('T{\n\tTransport: t, // pooled\n\tTimeout:   30 * time.Second,\n}'),
  );
  // A multi-line element ends the alignment section: the new key starts its own.
  assert.equal(
    addTo(wrap('T{\n\tA: 1,\n\tTransport: &U{\n\t\tQ: 1,\n\t},\n}'), 'Timeout'),
    wrap('T{\n\tA: 1,\n\tTransport: &U{\n\t\tQ: 1,\n\t},\n\tTimeout: 30 * time.Second,\n}'),
  );
});

/** A small deterministic generator of gofmt-able literal layouts. */
function* layouts(count: number): Generator<{ source: string; key: string }> {
  let seed = 20240601;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const keys = ['A', 'Jar', 'Handler', 'CheckRedirect', 'ThisFieldNameIsLongerThanFortyCharacters12', 'Mid_Sized_Key_Name_Thirty_Chars'];
  const values = ['1', 'x', 'f(a, b)', '"s"', '&U{Q: 1}', 'func() {}'];
  const newKeys = ['Timeout', 'ReadHeaderTimeout', 'X', 'AnotherFieldNameLongerThanFortyCharacters', 'Key_Of_About_Twenty_Five'];
  for (let i = 0; i < count; i++) {
    const lines: string[] = [];
    const n = 1 + Math.floor(rnd() * 5);
    for (let j = 0; j < n; j++) {
      const r = rnd();
      if (r < 0.1) lines.push('');
      else if (r < 0.18) lines.push('// note');
      const key = `${pick(keys)}${j}`;
      const shape = rnd();
      if (shape < 0.15) lines.push(`${key}: &U{\nQ: 1,\n},`);
      else if (shape < 0.25) lines.push(`${key}: 1, Other${j}: 2,`);
      else if (shape < 0.4) lines.push(`${key}: ${pick(values)}, // trailing`);
      else lines.push(`${key}: ${pick(values)},`);
    }
    yield { source: `package p\n\nfunc f() {\n\tx := &T{\n${lines.join('\n')}\n}\n\t_ = x\n}\n`, key: pick(newKeys) };
  }
}

test('generated layouts stay gofmt-clean after adding an element', () => {
  const cases = [...layouts(300)];
  cases.forEach((c, i) => fs.writeFileSync(path.join(dir, `in${i}.go`), c.source));
  gofmt('-w', dir);
  cases.forEach((c, i) => {
    const clean = fs.readFileSync(path.join(dir, `in${i}.go`), 'utf8');
    fs.writeFileSync(path.join(dir, `out${i}.go`), addTo(clean, c.key));
  });
  assert.equal(gofmt('-l', dir).trim(), '');
});
