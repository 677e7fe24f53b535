/** The client finds every rule's section of the generated docs/rules.md (Show Rule Documentation). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ruleSections } from '../../client/src/ruleDocs';
import { allRules } from '../../server/src/lint/registry';
import { renderRulesMd } from '../../scripts/gen-docs';

// docs.test.ts checks that docs/rules.md is what renderRulesMd produces.
test('every rule has a section with its title in the generated rules.md, at its heading', () => {
  const markdown = renderRulesMd();
  const sections = ruleSections(markdown);
  assert.deepEqual(
    sections.map((s) => [s.id, s.title]).sort(),
    allRules.map((r) => [r.id, r.title]).sort(),
  );
  const lines = markdown.split('\n');
  for (const s of sections) assert.equal(lines[s.line], `## ${s.id}`);
});

test('headings inside code blocks and other headings are not rule sections', () => {
  const markdown = ['## Go rules', '', '```go', '## go/not-a-heading', '```', '## go/real-rule', '', '**Real rule** — default severity `hint`.'].join('\n');
  assert.deepEqual(ruleSections(markdown), [{ id: 'go/real-rule', title: 'Real rule', line: 5 }]);
});
