import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { renderRulesMd, RULES_MD } from '../../scripts/gen-docs';
import { allRules } from '../../server/src/lint/registry';

test('docs/rules.md is generated from the rule modules and up to date (run `npm run docs`)', () => {
  assert.equal(fs.readFileSync(RULES_MD, 'utf8'), renderRulesMd());
});

test('every rule documents itself with a description, a flagged and a safe example', () => {
  for (const r of allRules) {
    assert.ok(r.title && r.docs.description && r.docs.bad && r.docs.good, `${r.id} lacks docs`);
    assert.notEqual(r.docs.bad.trim(), r.docs.good.trim(), `${r.id}: bad and good examples are the same`);
  }
});

test('rule ids are unique and prefixed by language', () => {
  const ids = allRules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of allRules) assert.ok(r.id.startsWith(`${r.language}/`), r.id);
});
