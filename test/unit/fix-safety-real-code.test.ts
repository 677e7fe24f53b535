/**
 * Fix safety on code nobody here wrote (issue 19's oracle): a seeded draw of GOROOT files that hold
 * findings, linted with every rule on and tests checked. Every fix of every finding, applied alone,
 * and every file's Fix All must leave Go that gofmt parses, remove the finding it fixes and add none.
 * Bounded (1,000 files) so it runs in `npm test`; `LEAKLENS_FIX_SAFETY_FILES=N` draws more.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fixAllEdits } from '../../server/src/engine/fixAll';
import { applyEdits } from '../../server/src/engine/text';
import type { Finding } from '../../server/src/engine/types';
import { everyRuleOn, initEngine, lintGo } from '../helpers/goEngine';
import { seededRandom } from '../helpers/random';

const GOROOT_SRC = path.join(spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim(), 'src');
const FILES = Number(process.env.LEAKLENS_FIX_SAFETY_FILES ?? 1000);
const SEED = 19;
/** Words of the calls and statements the fixable rules look at: files without any are not drawn. */
const FIXABLE_WORDS = /context\.With|http\.|time\.(NewTicker|NewTimer|After|Tick)|signal\.Notify|exec\.Command|net\.Dial|\bdefer\b|make\(chan|select \{/;

const config = { ...everyRuleOn(), tests: true };
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-fix-safety-'));
const key = (f: Finding) => `${f.rule}@${f.range.start.line}:${f.range.start.character}`;

function draw(): string[] {
  const all = (fs.readdirSync(GOROOT_SRC, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.go') && !f.split(path.sep).includes('testdata') && !f.split(path.sep).includes('vendor'))
    .sort();
  const random = seededRandom(SEED);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const picked: string[] = [];
  for (const f of all) {
    if (picked.length >= FILES) break;
    const full = path.join(GOROOT_SRC, f);
    if (fs.statSync(full).size < 300_000 && FIXABLE_WORDS.test(fs.readFileSync(full, 'utf8'))) picked.push(full);
  }
  return picked;
}

interface Applied {
  what: string;
  file: string;
  text: string;
  gone?: Finding;
  before: Finding[];
}

const applied: Applied[] = [];
let linted = 0;

before(async () => {
  await initEngine();
  for (const file of draw()) {
    const text = fs.readFileSync(file, 'utf8');
    const findings = lintGo(file, text, config);
    linted++;
    for (const f of findings) {
      for (const fix of f.fixes) applied.push({ what: `${path.relative(GOROOT_SRC, file)}: ${key(f)} "${fix.title}"`, file, text: applyEdits(text, fix.edits), gone: f, before: findings });
    }
    const all = fixAllEdits(text, findings);
    if (all.length) applied.push({ what: `${path.relative(GOROOT_SRC, file)}: Fix All`, file, text: applyEdits(text, all), before: findings });
  }
});
after(() => fs.rmSync(out, { recursive: true, force: true }));

test(`fixes on a seeded draw of GOROOT files parse with gofmt, remove their finding and add none`, (t) => {
  t.diagnostic(`${linted} files linted, ${applied.length} fixed texts checked`);
  assert.ok(applied.length >= 20, `only ${applied.length} fixes to check`);
  const names = applied.map((a, i) => {
    const name = path.join(out, `f${i}.go`);
    fs.writeFileSync(name, a.text);
    return name;
  });
  const gofmt = spawnSync('gofmt', ['-e', '-l', ...names], { encoding: 'utf8' });
  const broken = gofmt.stderr
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const i = names.findIndex((n) => line.startsWith(`${n}:`));
      return i >= 0 ? `${applied[i].what}: ${line.slice(names[i].length + 1)}` : line;
    });
  assert.deepEqual(broken, [], 'fixed code that does not parse');

  const problems: string[] = [];
  for (const a of applied) {
    const after = lintGo(a.file, a.text, config);
    // Lines move under a fix: compare counts per rule, and the fixed rule's count must drop.
    const count = (fs: Finding[], rule: string) => fs.filter((f) => f.rule === rule).length;
    const rules = new Set([...a.before, ...after].map((f) => f.rule));
    for (const rule of rules) {
      const was = count(a.before, rule);
      const now = count(after, rule);
      if (a.gone && rule === a.gone.rule ? now >= was : now > was) problems.push(`${a.what}: ${rule} ${was} -> ${now}`);
    }
  }
  assert.deepEqual(problems, [], 'fixes that leave their finding or add one');
});
