/** Triggers are a prefilter only: with or without them every rule finds exactly the same things. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { generateLargeFile } from '../../bench/goCorpus';
import { analyzeGoFile } from '../../server/src/go/analyzer';
import { forEachWordOf, mentionsWord, wordFinder, wordOffsets } from '../../server/src/go/words';
import { GoFile } from '../../server/src/go/file';
import { parseGo } from '../../server/src/go/parser';
import { goRules } from '../../server/src/go/rules';
import { everyRuleOn, initEngine } from '../helpers/goEngine';

before(initEngine);

const withoutTriggers = goRules.map((r) => ({ ...r, triggers: undefined, alsoRequires: undefined }));

function findings(text: string, rules: typeof goRules, timersCollected: boolean) {
  const tree = parseGo(text);
  try {
    const file = new GoFile('x.go', text, tree, { timersCollected });
    return analyzeGoFile(file, rules, everyRuleOn(), (rule, err) => assert.fail(`${rule}: ${err}`));
  } finally {
    tree.delete();
  }
}

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'go');
const sources = (fs.readdirSync(FIXTURES, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.go'))
  .map((f) => ({ name: f, text: fs.readFileSync(path.join(FIXTURES, f), 'utf8') }));
sources.push({ name: 'generated service code', text: generateLargeFile(3000) });

const WHOLE_WORD_CASES: [text: string, word: string, whole: boolean][] = [
  ['resp, err := c.Do(req)', 'Do', true],
  ['<-ctx.Done()', 'Do', false],
  ['x.GetName()', 'Get', false],
  ['Get', 'Get', true],
  ['go func() {}()', 'go', true],
  ['goto end; algo()', 'go', false],
  ['_Do Doé Do_', 'Do', false],
  ['éDo', 'Do', false],
];

test('a trigger matches whole words only', () => {
  for (const [text, word, whole] of WHOLE_WORD_CASES) assert.equal(mentionsWord(text, word), whole, `${word} in ${text}`);
});

test('the one-pass word finder agrees with mentionsWord', () => {
  const find = wordFinder(['Do', 'Done', 'Get', 'go', 'goto', 'NewTicker', 'Tick']);
  for (const [text, word, whole] of WHOLE_WORD_CASES) assert.equal(find(text).has(word), whole, `${word} in ${text}`);
  assert.deepEqual([...find('t := time.NewTicker(d); <-time.Tick(d); goto x')].sort(), ['NewTicker', 'Tick', 'goto']);
});

test('forEachWordOf finds what wordOffsets finds, each once, with a search per word or one pattern for many words', () => {
  const text = 'run(); runLoop(x); rerun(); éRun run_ go run() // run\n';
  const few = ['run', 'runLoop', 'Run', 'run'];
  const many = [...few, ...Array.from({ length: 20 }, (_, i) => `unused${i}`)];
  const expected = [...new Set(few)].flatMap((w) => wordOffsets(text, w).map((at) => `${w}@${at}`)).sort();
  assert.deepEqual(expected, ['run@0', 'run@41', 'run@50', 'runLoop@7']);
  for (const words of [few, many]) {
    const found: string[] = [];
    forEachWordOf(text, words, (at, word) => found.push(`${word}@${at}`));
    assert.deepEqual(found.sort(), expected, `${words.length} words`);
  }
});

test('every Go rule declares triggers', () => {
  assert.deepEqual(goRules.filter((r) => !r.triggers?.length).map((r) => r.id), []);
});

for (const { name, text } of sources) {
  test(`${name}: triggers change nothing`, () => {
    for (const timersCollected of [false, true]) {
      const fast = findings(text, goRules, timersCollected);
      assert.ok(name !== 'generated service code' || fast.length > 0, 'the generated code has findings');
      assert.deepEqual(fast, findings(text, withoutTriggers, timersCollected));
    }
  });
}
