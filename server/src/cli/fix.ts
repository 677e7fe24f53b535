/**
 * `--fix` and `--diff`: every safe fix (never one marked `changesBehavior`), per file, repeated
 * until nothing is left to fix. A file's fixes apply together or not at all: the result must parse
 * as well as the original did and re-lint without the fixed findings and without new ones;
 * otherwise the file is left as it was and the reason is reported.
 */
import * as fs from 'node:fs';
import { fixText } from '../engine/fixAll';
import type { LeakLensConfig } from '../engine/config';
import type { Finding } from '../engine/types';
import { parseGo } from '../go/parser';
import { GoModLocator } from '../go/gomod';
import { ManifestFile } from '../k8s/manifestFile';
import { analyzeGoText, analyzeManifests, languageOf, type ManifestInput } from '../lint/analyze';
import { changeKey, onChangedLines, shiftChanges, type ChangedLines } from './changedLines';
import type { FileFinding } from './formats';
import { readSource } from './lintFiles';
import { unifiedDiff } from './unifiedDiff';

export interface FixOptions {
  config: LeakLensConfig;
  maxFileSize: number;
  /** Every manifest of the run: cross-file rules see them when a fixed manifest is re-analyzed. */
  manifests: readonly string[];
  /** --new-from-*: only findings on changed lines are fixed (the map follows the fixed texts). */
  changes?: ChangedLines;
}

/** One fix that was applied: where (in the text its pass started from) and what. */
export interface AppliedFixReport {
  line: number;
  column: number;
  rule: string;
  title: string;
}

export interface FileFixResult {
  file: string;
  before: string;
  /** The fixed text; equal to `before` when nothing was fixed or the fixes were refused. */
  after: string;
  applied: AppliedFixReport[];
  /** Why the file's fixes were not applied. */
  refused?: string;
  /** The file's findings in `after`. */
  findings: Finding[];
}

/** Re-analyzes one file's text the way the lint run did (with fixes built). */
function textAnalyzer(file: string, options: FixOptions, goMods: GoModLocator, others: () => ManifestInput[]) {
  const onError = (rule: string, err: unknown) => {
    throw new Error(`rule ${rule} failed on the fixed text: ${(err as Error)?.message ?? err}`);
  };
  if (languageOf(file) === 'go') return (text: string) => analyzeGoText(file, text, options.config, goMods, onError, { fixes: true });
  return (text: string) => analyzeManifests([{ path: file, text }], options.config, onError, { workspace: others() }).get(file) ?? [];
}

/** How many syntax errors a text has: a fix may never add one. */
function syntaxErrors(file: string, text: string): number {
  if (languageOf(file) === 'go') {
    const tree = parseGo(text);
    try {
      return tree.rootNode.hasError ? 1 : 0;
    } finally {
      tree.delete();
    }
  }
  return new ManifestFile(file, text).documents.filter((d) => d.errors.length > 0).length;
}

function countByRule(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return counts;
}

/** Why a fixed text is refused, or undefined when it keeps every promise. */
function refusal(file: string, before: string, after: string, original: readonly Finding[], firstPass: readonly Finding[], final: readonly Finding[]): string | undefined {
  if (syntaxErrors(file, after) > syntaxErrors(file, before)) return 'the fixed text does not parse';
  // Every fixed finding is gone and no new one appeared: per rule, at most what was left unfixed.
  const allowed = countByRule(original);
  for (const f of firstPass) allowed.set(f.rule, (allowed.get(f.rule) ?? 0) - 1);
  for (const [rule, count] of countByRule(final)) {
    const limit = allowed.get(rule) ?? 0;
    if (count > limit) return `after fixing, ${rule} reports ${count} finding${count === 1 ? '' : 's'} where at most ${Math.max(0, limit)} should remain`;
  }
  return undefined;
}

/** Fixes the files of `findings` that have a safe fix; files are read again from disk. */
export function fixFiles(findings: readonly FileFinding[], options: FixOptions): FileFixResult[] {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  const fixable = (list: readonly Finding[]) => list.some((f) => f.fixes.some((x) => !x.changesBehavior));

  const goMods = new GoModLocator();
  let manifestTexts: ManifestInput[] | undefined;
  const manifests = () =>
    (manifestTexts ??= options.manifests.flatMap((m) => {
      const src = readSource(m, options.maxFileSize);
      return 'text' in src ? [{ path: m, text: src.text }] : [];
    }));

  const results: FileFixResult[] = [];
  for (const [file, original] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    if (!fixable(original)) continue;
    const src = readSource(file, options.maxFileSize);
    if ('skipped' in src) continue;
    const before = src.text;
    const others = () => manifests().filter((m) => m.path !== file);
    const analyze = textAnalyzer(file, options, goMods, others);
    const take = options.changes ? onChangedLines(options.changes, file) : () => true;
    let fixed: ReturnType<typeof fixText>;
    let final: Finding[];
    try {
      // The lint run's findings stand for the original text; later passes re-analyze.
      fixed = fixText(before, (text) => (text === before ? original : analyze(text)), take);
      if (fixed.passes.length === 0) continue;
      final = analyze(fixed.text);
    } catch (err) {
      results.push({ file, before, after: before, applied: [], refused: (err as Error).message, findings: original });
      continue;
    }
    const applied = fixed.passes.flatMap((p) =>
      p.applied.map((a) => ({ line: a.finding.range.start.line + 1, column: a.finding.range.start.character + 1, rule: a.finding.rule, title: a.fix.title })),
    );
    const why = refusal(file, before, fixed.text, original, fixed.passes[0].applied.map((a) => a.finding), final);
    results.push(
      why
        ? { file, before, after: before, applied: [], refused: why, findings: original }
        : { file, before, after: fixed.text, applied, findings: final },
    );
  }
  return results;
}

export interface FixRunOptions extends FixOptions {
  /** Write the fixed files (--fix); otherwise only the diff is produced (--diff). */
  write: boolean;
  /** A line for the person running the command (stderr). */
  report: (line: string) => void;
}

/**
 * Fixes what can be fixed, then writes the files and reports each applied fix, or only builds the
 * diff. Returns the run's findings, those of fixed files as they are after fixing.
 */
export function runFixes(findings: readonly FileFinding[], options: FixRunOptions): { findings: FileFinding[]; diff: string } {
  const results = fixFiles(findings, options);
  for (const r of results) if (r.refused) options.report(`${r.file}: fixes not applied: ${r.refused}`);
  const changed = results.filter((r) => r.after !== r.before);
  if (!options.write) return { findings: [...findings], diff: changed.map((r) => unifiedDiff(r.file, r.before, r.after)).join('') };

  const replaced = new Set<string>();
  const out: FileFinding[] = [];
  let count = 0;
  for (const r of changed) {
    try {
      fs.writeFileSync(r.file, r.after);
    } catch (err) {
      options.report(`${r.file}: cannot write the fixes: ${(err as Error).message}`);
      continue;
    }
    replaced.add(r.file);
    out.push(...r.findings.map((f) => ({ ...f, file: r.file })));
    for (const a of r.applied) options.report(`${r.file}:${a.line}:${a.column}: fixed ${a.rule}: ${a.title}`);
    count += r.applied.length;
    const key = changeKey(r.file);
    const lines = options.changes?.get(key);
    if (lines) options.changes!.set(key, shiftChanges(lines, r.before, r.after));
  }
  if (count) options.report(`leaklens: applied ${count} fix${count === 1 ? '' : 'es'} in ${replaced.size} file${replaced.size === 1 ? '' : 's'}`);
  out.push(...findings.filter((f) => !replaced.has(f.file)));
  return { findings: out, diff: '' };
}
