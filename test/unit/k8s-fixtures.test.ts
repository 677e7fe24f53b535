/**
 * Fixture tests for every Kubernetes rule: each `# want: rule` line must be flagged by exactly that
 * rule and every other line must stay clean (of all rules). Every fix is applied: the result must
 * re-parse, keep every comment, edit only the finding's document, lose the finding and gain no other.
 * Fixtures of one directory are checked together, as a workspace (k8s/dangling-service looks across files).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { defaultConfig } from '../../server/src/engine/config';
import { applyEdits, LineIndex } from '../../server/src/engine/text';
import type { Finding, TextEdit } from '../../server/src/engine/types';
import { analyzeManifestSet } from '../../server/src/k8s/manifestSet';
import { k8sRules } from '../../server/src/k8s/rules';
import { fixAllManifest, inspectManifest, jsonWants, lintManifest, manifestFiles } from '../helpers/k8sEngine';
import { countByRule, foundKeys, wantedKeys } from '../helpers/wants';

const ROOT = path.join(__dirname, '..', 'fixtures', 'k8s');
const dirs = fs
  .readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({ rule: `k8s/${d.name}`, files: manifestFiles(path.join(ROOT, d.name)) }));

function wantsOf(file: string, text: string) {
  return file.endsWith('.json') ? jsonWants(file) : inspectManifest(file, text).comments;
}

function commentTexts(file: string, text: string): string[] {
  return inspectManifest(file, text).comments.map((c) => c.text).sort();
}

/** Every comment of `before` is still in `after` (as a multiset). */
function assertCommentsKept(file: string, before: string, after: string, where: string) {
  const left = commentTexts(file, after);
  for (const c of commentTexts(file, before)) {
    const i = left.indexOf(c);
    assert.ok(i >= 0, `${where} drops the comment "# ${c}":\n${after}`);
    left.splice(i, 1);
  }
}

/** The edited text still parses (as JSON too, for a JSON manifest) and has the same objects. */
function assertReparses(file: string, before: string, after: string, where: string) {
  const a = inspectManifest(file, before);
  const b = inspectManifest(file, after);
  assert.ok(b.brokenDocuments <= a.brokenDocuments, `${where} breaks the YAML:\n${after}`);
  assert.equal(b.objects.length, a.objects.length, `${where} changes the number of objects:\n${after}`);
  if (file.endsWith('.json')) assert.doesNotThrow(() => JSON.parse(after), `${where} leaves invalid JSON:\n${after}`);
}

/** All edits of a fix stay inside the document holding the finding (its end includes the line break after it). */
function assertEditsInDocument(file: string, text: string, finding: Finding, edits: readonly TextEdit[], where: string) {
  const index = new LineIndex(text);
  const at = index.offsetAt(finding.range.start);
  const [from, to] = inspectManifest(file, text).documents.find(([s, e]) => s <= at && at <= e) ?? [0, text.length];
  for (const e of edits) {
    const ok = index.offsetAt(e.range.start) >= from && index.offsetAt(e.range.end) <= to + 1;
    assert.ok(ok, `${where} edits outside its document (offsets ${from}-${to})`);
  }
}

type Path = (string | number)[];

/** Leaves (scalars) of `after` that `before` does not hold at the same path. */
function addedLeaves(before: unknown, after: unknown, at: Path = []): [Path, unknown][] {
  if (after !== null && typeof after === 'object') {
    return Object.entries(after).flatMap(([k, v]) =>
      addedLeaves(before && typeof before === 'object' ? (before as Record<string, unknown>)[k] : undefined, v, [...at, Array.isArray(after) ? Number(k) : k]),
    );
  }
  return before === after ? [] : [[at, after]];
}

function leafAt(root: unknown, at: Path): unknown {
  return at.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), root);
}

test('every Kubernetes rule has a fixture directory and every directory names a rule', () => {
  const ids = new Set(k8sRules.map((r) => r.id));
  const named = new Set(dirs.map((d) => d.rule));
  assert.deepEqual([...ids].filter((id) => !named.has(id)), [], 'rules without fixtures');
  assert.deepEqual([...named].filter((id) => !ids.has(id)), [], 'fixture directories without a rule');
});

for (const { rule, files } of dirs) {
  describe(rule, () => {
    const texts = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
    const workspaceFor = (file: string) => files.filter((f) => f !== file).map((f) => ({ path: f, text: texts.get(f)! }));

    if (k8sRules.find((r) => r.id === rule)?.fixable) {
      // Issue 18: a rule documented as fixable offers a fix on its fixtures; findings without one are listed.
      test('documented as fixable: its findings in the fixtures offer fixes', (t) => {
        const found = files.flatMap((file) => lintManifest(file, texts.get(file)!, workspaceFor(file)).filter((f) => f.rule === rule).map((f) => ({ file, f })));
        const without = found.filter(({ f }) => f.fixes.length === 0);
        for (const { file, f } of without) t.diagnostic(`no fix: ${path.basename(file)}:${f.range.start.line + 1}`);
        assert.ok(found.length > without.length, `${rule}: none of its ${found.length} findings offers a fix`);
      });
    }

    test('has at least 3 flagged lines and 3 clean objects', () => {
      let flagged = 0;
      let clean = 0;
      for (const [file, text] of texts) {
        const lines = wantedKeys(wantsOf(file, text)).filter((k) => k.endsWith(`:${rule}`)).map((k) => parseInt(k, 10));
        flagged += lines.length;
        clean += inspectManifest(file, text).objects.filter(([a, b]) => !lines.some((l) => l >= a && l <= b)).length;
      }
      assert.ok(flagged >= 3, `${rule}: ${flagged} flagged lines`);
      assert.ok(clean >= 3, `${rule}: ${clean} objects without a finding`);
    });

    for (const [file, text] of texts) {
      const name = path.relative(ROOT, file);

      test(`${name}: flags exactly the want lines`, () => {
        assert.deepEqual(foundKeys(lintManifest(file, text, workspaceFor(file))), wantedKeys(wantsOf(file, text)));
      });

      test(`${name}: output that builds no fixes (text, SARIF) reports the same findings and messages`, () => {
        const workspace = workspaceFor(file);
        const shown = (findings: readonly Finding[]) => findings.map((f) => `${f.range.start.line + 1} ${f.rule}: ${f.message}`);
        const withoutFixes = analyzeManifestSet([{ path: file, text }], defaultConfig(), (r, e) => assert.fail(`${r}: ${e}`), { workspace, fixes: false }).get(file)!;
        assert.deepEqual(shown(withoutFixes), shown(lintManifest(file, text, workspace)));
      });

      test(`${name}: every fix applies cleanly`, () => {
        const workspace = workspaceFor(file);
        const findings = lintManifest(file, text, workspace);
        const before = countByRule(findings);
        for (const finding of findings) {
          for (const fix of finding.fixes) {
            const where = `${name}:${finding.range.start.line + 1} ${finding.rule} fix "${fix.title}"`;
            const fixed = applyEdits(text, fix.edits);
            assert.notEqual(fixed, text, `${where} changes nothing`);
            assertReparses(file, text, fixed, where);
            assertCommentsKept(file, text, fixed, where);
            assertEditsInDocument(file, text, finding, fix.edits, where);
            const after = countByRule(lintManifest(file, fixed, workspace));
            assert.ok((after.get(finding.rule) ?? 0) < before.get(finding.rule)!, `${where} does not remove the finding:\n${fixed}`);
            for (const [r, n] of after) assert.ok(n <= (before.get(r) ?? 0), `${where} adds a ${r} finding:\n${fixed}`);
          }
        }
      });

      test(`${name}: fix all composes exactly what each safe fix does alone`, () => {
        const workspace = workspaceFor(file);
        const findings = lintManifest(file, text, workspace);
        const fixed = fixAllManifest(file, text, workspace);
        const result = parseAllDocuments(fixed).map((d) => d.toJS());
        const original = parseAllDocuments(text).map((d) => d.toJS());
        for (const f of findings) {
          const fix = f.fixes.find((x) => x.preferred);
          if (!fix || fix.changesBehavior) continue;
          const alone = parseAllDocuments(applyEdits(text, fix.edits)).map((d) => d.toJS());
          for (const [at, value] of addedLeaves(original, alone)) {
            assert.deepEqual(leafAt(result, at), value, `fix all lost what "${fix.title}" (line ${f.range.start.line + 1}) sets at ${at.join('.')}:\n${fixed}`);
          }
        }
      });

      test(`${name}: fix all leaves no finding with a safe fix, and applies none that changes behavior`, () => {
        const workspace = workspaceFor(file);
        const current = fixAllManifest(file, text, workspace);
        assertReparses(file, text, current, 'fix all');
        assertCommentsKept(file, text, current, 'fix all');
        const safelyFixable = (f: Finding) => f.fixes.some((x) => x.preferred && !x.changesBehavior);
        assert.deepEqual(
          lintManifest(file, current, workspace).filter(safelyFixable).map((f) => `${f.range.start.line + 1}:${f.rule}`),
          [],
          `fix all leaves fixable findings:\n${current}`,
        );
        // Findings whose fixes all change behavior are left exactly as they were.
        const riskyOnly = (found: Finding[]) => countByRule(found.filter((f) => f.fixes.length > 0 && !safelyFixable(f)));
        assert.deepEqual(riskyOnly(lintManifest(file, current, workspace)), riskyOnly(lintManifest(file, text, workspace)), 'fix all applied a fix that changes behavior');
        const before = countByRule(lintManifest(file, text, workspace));
        for (const [r, n] of countByRule(lintManifest(file, current, workspace))) assert.ok(n <= (before.get(r) ?? 0), `fix all adds a ${r} finding:\n${current}`);
      });
    }
  });
}
