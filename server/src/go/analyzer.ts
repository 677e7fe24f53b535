/** Runs the Go rules over a parsed file, one top-level declaration at a time. */
import type { Node } from 'web-tree-sitter';
import { effectiveSeverity, rulesOn, type LeakLensConfig } from '../engine/config';
import { DirectiveReader, type LineComment } from '../engine/suppress';
import { compareFindings, findingOf, type Finding, type RuleErrorHandler } from '../engine/types';
import { buildDeclIndex } from './declIndex';
import type { GoFile } from './file';
import { goFileTraits } from './fileTraits';
import type { GoRule, GoRuleContext } from './rule';
import { focusDeclaration, nodeRange, textOf } from './syntax';
import { packageIndexOf } from './packageIndex';
import type { TreePlan } from './partialParse';
import { runsForProcess } from './processLifetime';
import { rulesToRun } from './rulePlan';
import { goRules } from './rules';

/** Suppression comments name Go rules, their former ids and the golangci-lint linters that cover them. */
const goDirectives = new DirectiveReader(goRules);

export { goFileTraits };

export type { RuleErrorHandler };

/** What an analysis computes besides findings. */
export interface GoAnalysisOptions {
  /** Build each finding's quick fixes (default true); without them findings carry none. */
  fixes?: boolean;
}

/**
 * Runs `rules` over one declaration and returns their raw findings (no config or suppressions yet);
 * `words`, the rules' words in its code when the plan already found them (TreePlan.wordsAt).
 */
export function checkDecl(
  file: GoFile,
  decl: Node,
  rules: readonly GoRule[],
  onError: RuleErrorHandler,
  options: GoAnalysisOptions = {},
  words?: ReadonlySet<string>,
): Finding[] {
  // The declaration's text is a slice of the file's (no copy), so word searches stop at its end.
  const source = textOf(decl);
  let toRun = rulesToRun(rules, source, packageIndexOf(file), words);
  if (toRun.length === 0) return [];
  // Rules whose findings are no leak in code that runs for the whole process do not run there.
  if (toRun.some((r) => r.scope?.processLifetime) && runsForProcess(file, decl)) toRun = toRun.filter((r) => !r.scope?.processLifetime);
  if (toRun.length === 0) return [];
  const withFixes = options.fixes ?? true;
  const findings: Finding[] = [];
  focusDeclaration(decl);
  const index = buildDeclIndex(decl, source);
  for (const rule of toRun) {
    const ctx: GoRuleContext = {
      file,
      decl,
      index,
      report(at, message, { fix, ...rest } = {}) {
        const built = withFixes ? fix?.() : undefined;
        const found = findingOf(rule, message, 'type' in at ? nodeRange(at as Node) : at, { ...rest, fixes: built ? [built] : [] });
        findings.push(file.inEditorLines(found));
      },
    };
    try {
      rule.check(ctx);
    } catch (err) {
      onError(rule.id, err);
    }
  }
  return findings;
}

/**
 * Applies configuration (severity overrides, rules turned off) and in-file suppressions to raw
 * findings, and sorts them. The language server passes `comments` it keeps per declaration.
 */
export function finalizeFindings(
  file: GoFile,
  raw: Finding[],
  config: LeakLensConfig,
  comments?: Iterable<LineComment>,
): Finding[] {
  if (raw.length === 0) return raw;
  // Comments are only read when there is something they could suppress.
  const suppressed = goDirectives.filter(comments ?? file.commentsNear(raw.map((f) => f.range.start.line)));
  const out: Finding[] = [];
  for (const f of raw) {
    const severity = effectiveSeverity(config, f.rule, f.severity);
    if (!severity || suppressed(f)) continue;
    out.push(severity === f.severity ? f : { ...f, severity });
  }
  return out.sort(compareFindings);
}

const WHOLE_TREE: TreePlan = { checks: () => true };

/**
 * Every finding for a whole file; with a `plan`, only for the top-level declarations it checks (by
 * start offset: a lint parses a large file in batches, each tree holding others to be read).
 */
export function analyzeGoFile(
  file: GoFile,
  rules: readonly GoRule[],
  config: LeakLensConfig,
  onError: RuleErrorHandler,
  options: GoAnalysisOptions = {},
  plan: TreePlan = WHOLE_TREE,
): Finding[] {
  const on = rulesOn(config, rules, goFileTraits(file.path, file.imports));
  // The same list when none is off: the rule plans built for it are found again (rulePlan.ts).
  const enabled = on.length === rules.length ? rules : on;
  const raw = file
    .topLevelDecls()
    .flatMap((decl) => (plan.checks(decl.startIndex) ? checkDecl(file, decl, enabled, onError, options, plan.wordsAt?.(decl.startIndex)) : []));
  return finalizeFindings(file, raw, config);
}
