/**
 * Precision on real code, held: every finding in test/real-code/judged.tsv was read by a reviewer
 * and judged right or wrong. This re-lints the judged files (default configuration, the CLI's own
 * file loop, one process) and fails when the findings judged wrong that come back bring precision
 * under the bar (90% overall, 80% per rule) or a finding judged right disappears. Entries whose GOROOT version or module@version this machine lacks
 * are skipped and counted, and so are entries of rules now off by default and entries in test files
 * of rules that do not check tests by default (their verdicts stay for whoever turns them on). bench/real-code.ts prints the same comparison over the whole corpus.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { lintGoFiles, type LintOutcome } from '../../server/src/cli/lintFiles';
import { defaultConfig } from '../../server/src/engine/config';
import { initEngine } from '../../server/src/lint/analyze';
import { ruleById } from '../../server/src/lint/registry';
import { findingKey, isTestPath, locateCorpus, placeOf, readJudged, type JudgedEntry } from '../helpers/realCode';

const judged = readJudged();
const corpus = locateCorpus();
const rootOf = new Map(corpus.present.map((r) => [r.where, r]));
const present = judged.filter((j) => rootOf.has(j.where));
/** Rows the default configuration can report: not of a rule off by default, nor in a test file of a rule that does not check tests. */
const reportable = (j: JudgedEntry) => {
  const rule = ruleById(j.rule);
  return !rule?.offByDefault && (rule?.scope?.tests.checked !== false || !isTestPath(j.path));
};
const checkable = present.filter(reportable);
const skipped = judged.length - present.length;
const outOfScope = present.length - checkable.length;
let found = new Set<string>();

before(async () => {
  await initEngine();
  const files = [...new Set(checkable.map((j) => path.join(rootOf.get(j.where)!.dir, ...j.path.split('/'))))];
  const outcome: LintOutcome = { findings: [], skipped: [], internalErrors: [] };
  lintGoFiles(files, { config: defaultConfig(), maxFileSize: 2_000_000, fixes: false, jobs: 1 }, outcome);
  assert.deepEqual([...outcome.skipped.map((n) => `${n.file}: ${n.message}`), ...outcome.internalErrors], [], 'judged files must lint without problems');
  found = new Set(
    outcome.findings.map((f) => {
      const at = placeOf(f.file, corpus.present)!;
      return findingKey({ ...at, line: f.range.start.line + 1, rule: f.rule });
    }),
  );
});

const coverage =
  `${checkable.length} of ${judged.length} judged entries checked` +
  (skipped ? `; ${skipped} skipped, their code is absent here (${[...new Set(judged.filter((j) => !rootOf.has(j.where)).map((j) => j.where))].join(', ')})` : '') +
  (outOfScope ? `; ${outOfScope} not checked: rules off by default, or test files of rules that skip tests by default` : '');

const describeEntry = (j: JudgedEntry) => `${j.where} ${j.path}:${j.line} ${j.rule} — ${j.reason}`;

test('the judged list is well formed: at least 150 entries over test and non-test files, no duplicates', () => {
  assert.ok(judged.length >= 150, `${judged.length} judged findings`);
  assert.ok(judged.some((j) => isTestPath(j.path)) && judged.some((j) => !isTestPath(j.path)));
  const keys = judged.map(findingKey);
  assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), [], 'duplicate entries');
  for (const j of checkable) {
    assert.ok(fs.existsSync(path.join(rootOf.get(j.where)!.dir, j.path)), `${j.where} has no ${j.path}`);
  }
});

/**
 * The bar of issue 14, on the judged findings that are still reported: at least 90% judged right
 * overall and 80% for every rule. Judged-wrong findings that come back are listed either way.
 */
test('findings judged wrong stay rare: at least 90% right overall and 80% per rule', (t) => {
  t.diagnostic(coverage);
  const reported = checkable.filter((j) => found.has(findingKey(j)));
  const back = reported.filter((j) => j.verdict === 'wrong');
  for (const j of back) t.diagnostic(`judged wrong, reported again: ${describeEntry(j)}`);
  const precision = (rows: JudgedEntry[]) => rows.filter((j) => j.verdict === 'right').length / rows.length;
  const overall = precision(reported);
  assert.ok(overall >= 0.9, `${(overall * 100).toFixed(0)}% of ${reported.length} reported judged findings are right:\n${back.map(describeEntry).join('\n')}`);
  const rules = [...new Set(reported.map((j) => j.rule))];
  const low = rules
    .map((rule) => ({ rule, rows: reported.filter((j) => j.rule === rule) }))
    .filter(({ rows }) => precision(rows) < 0.8)
    .map(({ rule, rows }) => `${rule}: ${rows.filter((j) => j.verdict === 'right').length}/${rows.length} right`);
  assert.deepEqual(low, [], 'rules under 80%');
});

test('every finding judged right is still reported', (t) => {
  t.diagnostic(coverage);
  const lost = checkable.filter((j) => j.verdict === 'right' && !found.has(findingKey(j)));
  assert.equal(lost.length, 0, `${lost.length} findings judged right are no longer reported:\n${lost.map(describeEntry).join('\n')}`);
});
