/**
 * Precision on real code: lints the Go code every machine has after `.ci/run` (GOROOT's src and a
 * fixed set of modules in the module cache, see test/helpers/realCode.ts) with the CLI as shipped,
 * and prints findings per rule per 100k lines, test (`_test.go`) and non-test, beside the judged
 * list (test/real-code/judged.tsv): how many findings judged right are still found, how many judged
 * wrong still are, and how many entries this machine cannot check.
 *
 *   npx tsx bench/real-code.ts [--cli FILE] [--baseline OTHER/dist/cli.js] [--sample N [--seed S]]
 *
 * --cli FILE  measures that build of the CLI instead of building this checkout's dist/cli.js.
 * --baseline  also runs another build of the CLI (e.g. a checkout of an older commit) and shows
 *             its counts before this checkout's: "before→after".
 * --sample N  prints, after the table, about N findings per rule, half test and half non-test,
 *             drawn with a seeded shuffle (default seed 14), as judged.tsv rows to fill in: the
 *             way the judged list was sampled, so anyone can redraw it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectFiles } from '../server/src/cli/files';
import { seededRandom } from '../test/helpers/random';
import {
  findingKey,
  isTestPath,
  JUDGED_COLUMNS,
  JUDGED_FILE,
  locateCorpus,
  placeOf,
  readJudged,
  type CorpusRoot,
  type JudgedEntry,
} from '../test/helpers/realCode';

const ROOT = path.join(__dirname, '..');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

interface Located {
  where: string;
  path: string;
  line: number;
  rule: string;
  message: string;
}

interface Run {
  findings: Located[];
  wallMs: number;
  /** Files the CLI skipped (too large, unreadable), from its stderr. */
  skipped: string[];
}

/** Runs one CLI build over every root, from an empty directory so no .leaklens.yaml applies. */
function runCli(cli: string, roots: readonly CorpusRoot[]): Run {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-real-code-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'lint', '--format', 'json', '--fail-on', 'never', ...roots.map((x) => x.dir)], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const wallMs = performance.now() - t0;
  fs.rmSync(cwd, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${cli} exited ${r.status}: ${r.stderr}`);
  const out: { findings: { file: string; line: number; rule: string; message: string }[] } = JSON.parse(r.stdout);
  const findings: Located[] = [];
  for (const f of out.findings) {
    const at = placeOf(f.file, roots);
    if (at && f.rule.startsWith('go/')) findings.push({ ...at, line: f.line, rule: f.rule, message: f.message });
  }
  const skipped = r.stderr.split('\n').filter((l) => /\.go: (skipped|cannot read)/.test(l));
  return { findings, wallMs, skipped };
}

/** Go files and lines per root, test and non-test, as the CLI walks them (no vendor/, no testdata/). */
function countLines(roots: readonly CorpusRoot[], skipped: ReadonlySet<string>) {
  const lines = { test: 0, nonTest: 0 };
  let files = 0;
  for (const r of roots) {
    for (const f of collectFiles([r.dir]).files) {
      if (!f.endsWith('.go') || skipped.has(f)) continue;
      const buf = fs.readFileSync(f);
      let n = 0;
      for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
      lines[isTestPath(f) ? 'test' : 'nonTest'] += n;
      files++;
    }
  }
  return { files, lines };
}

interface RuleRow {
  test: number;
  nonTest: number;
}

function perRule(findings: readonly Located[]): Map<string, RuleRow> {
  const rows = new Map<string, RuleRow>();
  for (const f of findings) {
    const row = rows.get(f.rule) ?? { test: 0, nonTest: 0 };
    row[isTestPath(f.path) ? 'test' : 'nonTest']++;
    rows.set(f.rule, row);
  }
  return rows;
}

interface JudgedTally {
  right: number;
  rightFound: number;
  wrong: number;
  wrongFound: number;
  /** Entries whose GOROOT version or module@version this machine lacks. */
  missing: number;
}

/** For each rule: judged right still found, judged wrong still found, entries whose root is absent. */
function compareJudged(judged: readonly JudgedEntry[], findings: readonly Located[], present: ReadonlySet<string>): Map<string, JudgedTally> {
  const found = new Set(findings.map(findingKey));
  const rows = new Map<string, JudgedTally>();
  for (const j of judged) {
    const row = rows.get(j.rule) ?? { right: 0, rightFound: 0, wrong: 0, wrongFound: 0, missing: 0 };
    if (!present.has(j.where)) row.missing++;
    else if (j.verdict === 'right') {
      row.right++;
      if (found.has(findingKey(j))) row.rightFound++;
    } else {
      row.wrong++;
      if (found.has(findingKey(j))) row.wrongFound++;
    }
    rows.set(j.rule, row);
  }
  return rows;
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/**
 * About N findings per rule, half from test files and half from the rest (a stratum with fewer
 * gives its share to the other), each stratum shuffled with a seed; a rule with at most 1.5 N
 * findings is taken whole.
 */
function sample(findings: readonly Located[], size: number, seed: number): Located[] {
  const strata = new Map<string, Located[]>();
  for (const f of findings) {
    const key = `${f.rule} ${isTestPath(f.path) ? 'test' : 'non-test'}`;
    strata.set(key, [...(strata.get(key) ?? []), f]);
  }
  const shuffled = (key: string) => {
    const items = (strata.get(key) ?? []).sort((a, b) => findingKey(a).localeCompare(findingKey(b)));
    let h = seed;
    for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    const random = seededRandom(h);
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  };
  const picked: Located[] = [];
  for (const rule of [...new Set(findings.map((f) => f.rule))].sort()) {
    const test = shuffled(`${rule} test`);
    const nonTest = shuffled(`${rule} non-test`);
    if (test.length + nonTest.length <= 1.5 * size) {
      picked.push(...nonTest, ...test);
      continue;
    }
    const half = Math.floor(size / 2);
    const nonTestTaken = Math.min(nonTest.length, Math.max(half, size - test.length));
    picked.push(...nonTest.slice(0, nonTestTaken), ...test.slice(0, size - nonTestTaken));
  }
  return picked;
}

function buildCli(): string {
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
  return path.join(ROOT, 'dist', 'cli.js');
}

function main() {
  const corpus = locateCorpus();
  if (corpus.absent.length) console.log(`absent on this machine (not linted): ${corpus.absent.join(', ')}`);
  if (corpus.present.length === 0) throw new Error('no real code found: run .ci/run (or scripts/build-controlplane.sh) first');
  const cliOption = option('cli');
  const cli = cliOption ? path.resolve(cliOption) : buildCli();
  const baselineOption = option('baseline');
  const baselineCli = baselineOption && path.resolve(baselineOption);

  const after = runCli(cli, corpus.present);
  const before = baselineCli ? runCli(baselineCli, corpus.present) : undefined;
  const { files, lines } = countLines(corpus.present, new Set(after.skipped.map((l) => l.split(': ')[0])));
  console.log(
    `real code: ${corpus.present.length} roots, ${files} Go files, ${lines.nonTest} non-test + ${lines.test} test lines` +
      ` (GOROOT src and ${corpus.present.length - 1} modules; vendor/ and testdata/ skipped as the CLI does)`,
  );
  for (const s of after.skipped) console.log(`  not linted: ${s}`);
  console.log(`lint: ${(after.wallMs / 1000).toFixed(1)} s wall for ${cli}` + (before ? `; baseline ${(before.wallMs / 1000).toFixed(1)} s for ${baselineCli}` : ''));

  const judged = readJudged();
  const present = new Set(corpus.present.map((r) => r.where));
  const afterRows = perRule(after.findings);
  const beforeRows = before ? perRule(before.findings) : undefined;
  const cmp = compareJudged(judged, after.findings, present);
  const judgedKeys = new Set(judged.map(findingKey));
  const unjudged = perRule(after.findings.filter((f) => !judgedKeys.has(findingKey(f))));

  const per100k = (n: number, total: number) => (total ? ((n * 100_000) / total).toFixed(1) : '-');
  const shown = (b: number | undefined, a: number) => (b === undefined ? `${a}` : `${b}→${a}`);
  const noJudged: JudgedTally = { right: 0, rightFound: 0, wrong: 0, wrongFound: 0, missing: 0 };
  const row = (name: string, a: RuleRow, b: RuleRow | undefined, j: JudgedTally, unjudgedCount: number): string[] => {
    const kept = j.rightFound + j.wrongFound;
    return [
      name,
      shown(b?.nonTest, a.nonTest),
      per100k(a.nonTest, lines.nonTest),
      shown(b?.test, a.test),
      per100k(a.test, lines.test),
      `${j.rightFound}/${j.right}`,
      `${j.wrongFound}/${j.wrong}`,
      `${j.missing}`,
      kept ? `${Math.round((100 * j.rightFound) / kept)}%` : '-',
      `${unjudgedCount}`,
    ];
  };
  const rules = [...new Set([...afterRows.keys(), ...(beforeRows?.keys() ?? []), ...cmp.keys()])].sort();
  const body = rules.map((rule) => {
    const u = unjudged.get(rule);
    return row(
      rule,
      afterRows.get(rule) ?? { test: 0, nonTest: 0 },
      beforeRows && (beforeRows.get(rule) ?? { test: 0, nonTest: 0 }),
      cmp.get(rule) ?? noJudged,
      (u?.test ?? 0) + (u?.nonTest ?? 0),
    );
  });
  const total = (rows: Map<string, RuleRow>): RuleRow =>
    [...rows.values()].reduce((t, r) => ({ test: t.test + r.test, nonTest: t.nonTest + r.nonTest }), { test: 0, nonTest: 0 });
  const judgedTotal = [...cmp.values()].reduce(
    (t, j) => ({
      right: t.right + j.right,
      rightFound: t.rightFound + j.rightFound,
      wrong: t.wrong + j.wrong,
      wrongFound: t.wrongFound + j.wrongFound,
      missing: t.missing + j.missing,
    }),
    noJudged,
  );
  const unjudgedTotal = total(unjudged);
  body.push(row('all Go rules', total(afterRows), beforeRows && total(beforeRows), judgedTotal, unjudgedTotal.test + unjudgedTotal.nonTest));
  console.log();
  console.log(
    table(
      ['rule', 'non-test', '/100k', 'test', '/100k', 'right kept', 'wrong kept', 'absent', 'precision', 'unjudged'],
      body,
    ),
  );
  console.log(
    `\nright kept: judged-right findings still found / judged right; wrong kept: judged-wrong findings still found / judged wrong;` +
      `\nabsent: judged entries this machine lacks the code for; precision: right kept / (right kept + wrong kept);` +
      `\nunjudged: findings not in ${path.relative(ROOT, JUDGED_FILE)} (new ones, or never sampled).`,
  );

  const sampleSize = option('sample');
  if (sampleSize) {
    const seed = Number(option('seed') ?? 14);
    console.log(`\n# sample: ${sampleSize} per rule, half test and half non-test, seed ${seed}; [judged] marks rows already in the list`);
    console.log(JUDGED_COLUMNS.join('\t'));
    for (const f of sample(after.findings, Number(sampleSize), seed)) {
      const mark = judgedKeys.has(findingKey(f)) ? '[judged]' : '';
      console.log([f.where, f.path, f.line, f.rule, mark, f.message].join('\t'));
    }
  }
}

main();
