/**
 * The headline fix works on every form (issue 18): every go/lost-cancel finding of the fixtures
 * offers a fix; each fix alone leaves code that type-checks, and all of them together leave code
 * that `go vet` (its lostcancel analyzer included) accepts. The forms: `ctx, _ :=` named and
 * deferred, `ctx, _ =` turned into `:=` in the block that declares ctx or given `var cancel` before
 * it, `defer cancel()` after a call whose cancel some path misses, and `cancel()` wherever a loop
 * iteration ends without it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyEdits } from '../../server/src/engine/text';
import type { Finding } from '../../server/src/engine/types';
import { initEngine, lintGo } from '../helpers/goEngine';
import { gofmtClean, goVet } from '../helpers/goTool';

const RULE = 'go/lost-cancel';
const DIR = path.join(__dirname, '..', 'fixtures', 'go', 'lost-cancel');
const files = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.go'))
  .map((f) => ({ name: path.basename(f, '.go'), file: path.join(DIR, f), text: fs.readFileSync(path.join(DIR, f), 'utf8') }));
const module = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-lost-cancel-'));

const lostCancels = (file: string, text: string): Finding[] => lintGo(file, text).filter((f) => f.rule === RULE);

/** Applies the first lost-cancel fix until none is left; every pass must remove one finding. */
function fixEvery(file: string, text: string): string {
  let current = text;
  for (let left = lostCancels(file, current); left.length > 0; ) {
    current = applyEdits(current, left[0].fixes[0].edits);
    const next = lostCancels(file, current);
    assert.ok(next.length < left.length, `a fix left its finding:\n${current}`);
    left = next;
  }
  return current;
}

/** Writes `text` as the only file of package directory `dir` in the test module. */
function writePackage(dir: string, name: string, text: string): void {
  fs.mkdirSync(path.join(module, dir), { recursive: true });
  fs.writeFileSync(path.join(module, dir, `${name}.go`), text);
}

const fixedText = new Map<string, string>();

before(async () => {
  await initEngine();
  fs.writeFileSync(path.join(module, 'go.mod'), 'module example.com/fixes\n\ngo 1.22\n');
});
after(() => fs.rmSync(module, { recursive: true, force: true }));

describe('go/lost-cancel fixes', () => {
  /** Fixture files with findings: only those are fixed (the others may hold shapes go vet flags and LeakLens does not). */
  const flagged = () => files.filter((f) => lostCancels(f.file, f.text).length > 0);

  test('the fixtures hold every form', () => {
    assert.ok(flagged().length >= 3, flagged().map((f) => f.name).join());
  });

  for (const { name, file, text } of files) {
    test(`${name}.go: every finding has a fix, and each fix alone type-checks`, () => {
      lostCancels(file, text).forEach((finding, i) => {
        assert.ok(finding.fixes.length > 0, `line ${finding.range.start.line + 1} has no fix`);
        const fixed = applyEdits(text, finding.fixes[0].edits);
        assert.ok(gofmtClean(fixed), `not gofmt-clean:\n${fixed}`);
        writePackage(path.join('single', `${name}_${i}`), name, fixed);
      });
    });

    test(`${name}.go: all fixes together leave no lost cancel`, () => {
      if (lostCancels(file, text).length === 0) return;
      const fixed = fixEvery(file, text);
      fixedText.set(name, fixed);
      writePackage(path.join('all', name), name, fixed);
    });
  }

  test('go vet type-checks each fix alone (lostcancel off: the other findings are still there)', () => {
    const vet = goVet(module, ['-lostcancel=false', './single/...']);
    assert.equal(vet.status, 0, vet.output);
  });

  test('go vet, lostcancel included, accepts the files with every fix applied', () => {
    const vet = goVet(module, ['./all/...']);
    assert.equal(vet.status, 0, vet.output);
  });

  test('go vet flags the unfixed fixtures, so the check can fail', () => {
    for (const { name, text } of flagged()) writePackage(path.join('original', name), name, text);
    const vet = goVet(module, ['./original/...']);
    assert.notEqual(vet.status, 0);
    assert.match(vet.output, /cancel/);
  });

  test('the forms', () => {
    const assigned = fixedText.get('assigned')!;
    const positive = fixedText.get('positive')!;
    // ctx, _ := → ctx, cancel := + defer cancel()
    assert.match(positive, /ctx, cancel := context\.WithTimeout\(parent, time\.Second\)[^\n]*\n\tdefer cancel\(\)/);
    // ctx, _ = with ctx declared in the same block → :=
    assert.match(assigned, /ctx := context\.WithValue\(parent, stageKey\{\}, "fetch"\)\n\tctx, cancel := context\.WithTimeout\(ctx, time\.Second\)[^\n]*\n\tdefer cancel\(\)/);
    // ctx, _ = with ctx from an outer block → var cancel first
    assert.match(assigned, /\t\tvar cancel context\.CancelFunc\n\t\tctx, cancel = context\.WithTimeout\(ctx, time\.Second\)[^\n]*\n\t\tdefer cancel\(\)/);
    assert.match(assigned, /var cancel context\.CancelCauseFunc\n\t\tctx, cancel = context\.WithCancelCause\(ctx\)[^\n]*\n\t\tdefer cancel\(nil\)/);
    // a cancel missing on some path → defer right after the call
    assert.match(positive, /ctx, cancel := context\.WithTimeout\(ctx, 2\*time\.Second\)[^\n]*\n\tdefer cancel\(\)/);
    // in a loop → cancel() wherever the iteration ends
    assert.match(assigned, /if item == "" \{\n\t\t\tcancel\(\)\n\t\t\tcontinue\n\t\t\}/);
    assert.match(assigned, /cancel\(\)\n\t\t\treturn err\n\t\t\}\n\t\tcancel\(\)\n\t\}/);
  });

  test('fixes that can change how the program runs say so', () => {
    const text = files.find((f) => f.name === 'assigned')!;
    const byLine = new Map(lostCancels(text.file, text.text).map((f) => [text.text.split('\n')[f.range.start.line], f.fixes[0]]));
    const fixOf = (needle: string) => [...byLine].find(([line]) => line.includes(needle))![1];
    assert.match(fixOf('itemCtx, cancel := context.WithTimeout').changesBehavior ?? '', /before `return itemCtx\.Err\(\)` reads it/);
    assert.match(fixOf('runCtx, cancel := context.WithCancel').changesBehavior ?? '', /goroutine/);
    assert.equal(fixOf('itemCtx, _ := context.WithTimeout').changesBehavior, undefined);
  });
});
