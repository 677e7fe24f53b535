/** Runs the Go rules over a parsed file, one top-level declaration at a time. */
import type { Node } from 'web-tree-sitter';
import { effectiveSeverity, type LeakLensConfig } from '../engine/config';
import { suppressionFilter, type LineComment } from '../engine/suppress';
import { compareFindings, findingOf, type Finding } from '../engine/types';
import { buildDeclIndex } from './declIndex';
import type { GoFile } from './file';
import type { GoRule, GoRuleContext } from './rule';
import { focusDeclaration, nodeRange, textOf } from './syntax';
import { wordFinder } from './words';

/** Called when a rule throws; the rule's other work and the remaining rules go on. */
export type RuleErrorHandler = (rule: string, error: unknown) => void;

/** What an analysis computes besides findings. */
export interface GoAnalysisOptions {
  /** Build each finding's quick fixes (default true); without them findings carry none. */
  fixes?: boolean;
}

/** How a list of rules is dispatched on a declaration: which words to look for and whom they wake. */
interface RulePlan {
  /** Which of the rules' trigger (and also-required) words a text holds, found in one pass. */
  find: (text: string) => Set<string>;
  /** Positions in the list of the rules each trigger word may wake. */
  woken: Map<string, number[]>;
  /** Positions of rules without triggers: they run on every declaration. */
  always: number[];
}

const plansByKey = new Map<string, RulePlan>();
/** By rule list too: callers pass the same list for every declaration, and its key is long. */
const plansByList = new WeakMap<readonly GoRule[], RulePlan>();

/** The plan for a rule list, built once per set of rules. */
function rulePlan(rules: readonly GoRule[]): RulePlan {
  let plan = plansByList.get(rules);
  if (plan) return plan;
  const key = rules.map((r) => r.id).join();
  plan = plansByKey.get(key);
  if (!plan) {
    const woken = new Map<string, number[]>();
    const always: number[] = [];
    rules.forEach((rule, i) => {
      if (!rule.triggers) always.push(i);
      for (const word of rule.triggers ?? []) woken.set(word, [...(woken.get(word) ?? []), i]);
    });
    const find = wordFinder(rules.flatMap((r) => [...(r.triggers ?? []), ...(r.alsoRequires ?? [])]));
    plansByKey.set(key, (plan = { find, woken, always }));
  }
  plansByList.set(rules, plan);
  return plan;
}

/**
 * The rules whose triggers (one of them) and also-required words (all of them) occur in `source`,
 * in list order: the words found lead to the rules, rather than every rule's words being looked up.
 */
function rulesToRun(rules: readonly GoRule[], source: string): GoRule[] {
  const plan = rulePlan(rules);
  const present = plan.find(source);
  const picked = new Set<number>(plan.always);
  for (const word of present) for (const i of plan.woken.get(word) ?? []) picked.add(i);
  const out: GoRule[] = [];
  for (const i of [...picked].sort((a, b) => a - b)) {
    const needs = rules[i].alsoRequires;
    if (!needs || needs.every((w) => present.has(w))) out.push(rules[i]);
  }
  return out;
}

/** Runs `rules` over one declaration and returns their raw findings (no config or suppressions yet). */
export function checkDecl(
  file: GoFile,
  decl: Node,
  rules: readonly GoRule[],
  onError: RuleErrorHandler,
  options: GoAnalysisOptions = {},
): Finding[] {
  // The declaration's text is a slice of the file's (no copy), so word searches stop at its end.
  const source = textOf(decl);
  const toRun = rulesToRun(rules, source);
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
        findings.push(findingOf(rule, message, 'type' in at ? nodeRange(at as Node) : at, { ...rest, fixes: built ? [built] : [] }));
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
  const suppressed = suppressionFilter(comments ?? file.commentsNear(raw.map((f) => f.range.start.line)));
  const out: Finding[] = [];
  for (const f of raw) {
    const severity = effectiveSeverity(config, f.rule, f.severity);
    if (!severity || suppressed(f)) continue;
    out.push(severity === f.severity ? f : { ...f, severity });
  }
  return out.sort(compareFindings);
}

/** Every finding for a whole file. */
export function analyzeGoFile(
  file: GoFile,
  rules: readonly GoRule[],
  config: LeakLensConfig,
  onError: RuleErrorHandler,
  options: GoAnalysisOptions = {},
): Finding[] {
  const enabled = rules.filter((r) => config.rules[r.id] !== 'off');
  const raw = file.topLevelDecls().flatMap((decl) => checkDecl(file, decl, enabled, onError, options));
  return finalizeFindings(file, raw, config);
}
