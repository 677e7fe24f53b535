/**
 * Bad input never crashes a rule: every Go fixture, cut off at many points and with random bytes
 * inserted, must lint without any rule throwing (lintGo throws when one does), and every fix the
 * rules offer on the broken text must still apply.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { applyEdits } from '../../server/src/engine/text';
import { initEngine, lintGo } from '../helpers/goEngine';
import { seededRandom } from '../helpers/random';

const ROOT = path.join(__dirname, '..', 'fixtures', 'go');
const CUTS_PER_FILE = 40;
const INSERTIONS_PER_FILE = 25;
/** Characters that upset Go's grammar the most, plus a few multi-byte ones. */
const NOISE = ['{', '}', '(', ')', '"', '`', '/*', '\n', ':=', 'func', 'go ', 'defer ', 'for ', '<-', ';', '\u00e9', '\u{1F600}'];

function goFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.go'))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}


/** Lints `text` and applies every fix; any throw fails the test with the variant that caused it. */
function survives(file: string, text: string, variant: string): void {
  try {
    for (const finding of lintGo(file, text)) for (const fix of finding.fixes) applyEdits(text, fix.edits);
  } catch (err) {
    assert.fail(`${path.relative(ROOT, file)} (${variant}): ${(err as Error).message}`);
  }
}

before(initEngine);

describe('Go rules on broken input', () => {
  const files = goFiles(ROOT);

  test('there are fixtures to break', () => {
    assert.ok(files.length > 10, `only ${files.length} Go fixtures`);
  });

  for (const file of files) {
    const name = path.relative(ROOT, file);
    const text = fs.readFileSync(file, 'utf8');

    test(`${name}: truncated at ${CUTS_PER_FILE} points`, () => {
      for (let i = 1; i <= CUTS_PER_FILE; i++) {
        const at = Math.floor((text.length * i) / (CUTS_PER_FILE + 1));
        survives(file, text.slice(0, at), `cut at ${at}`);
      }
    });

    test(`${name}: ${INSERTIONS_PER_FILE} random insertions`, () => {
      const random = seededRandom(name.length * 7919 + text.length);
      let current = text;
      for (let i = 0; i < INSERTIONS_PER_FILE; i++) {
        const at = Math.floor(random() * (current.length + 1));
        const noise = NOISE[Math.floor(random() * NOISE.length)];
        const variant = `insertion ${i}: ${JSON.stringify(noise)} at ${at}`;
        // Each insertion alone on the intact text, then all of them piled up.
        survives(file, text.slice(0, Math.min(at, text.length)) + noise + text.slice(Math.min(at, text.length)), variant);
        current = current.slice(0, at) + noise + current.slice(at);
        survives(file, current, `cumulative ${variant}`);
      }
    });
  }
});
