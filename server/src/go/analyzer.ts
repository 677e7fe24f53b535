/** Runs the Go rules over a parsed file, one top-level declaration at a time. */
import type { Node } from 'web-tree-sitter';
import { effectiveSeverity, type LeakLensConfig } from '../engine/config';
import { suppressionFilter, type LineComment } from '../engine/suppress';
import { compareFindings, findingOf, type Finding } from '../engine/types';
import { buildDeclIndex } from './declIndex';
import type { GoFile } from './file';
import type { GoRule, GoRuleContext } from './rule';
import { nodeRange } from './syntax';

/** Called when a rule throws; the rule's other work and the remaining rules go on. */
export type RuleErrorHandler = (rule: string, error: unknown) => void;

/** True when `word` occurs in `text` as a whole identifier or keyword, not inside a longer name. */
export function mentionsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!isIdentifierChar(text.charCodeAt(at - 1)) && !isIdentifierChar(text.charCodeAt(at + word.length))) return true;
  }
  return false;
}

/** ASCII letters, digits and `_`; anything beyond ASCII counts too, as Go identifiers may hold it. */
function isIdentifierChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127;
}

/** Runs `rules` over one declaration and returns their raw findings (no config or suppressions yet). */
export function checkDecl(file: GoFile, decl: Node, rules: readonly GoRule[], onError: RuleErrorHandler): Finding[] {
  const findings: Finding[] = [];
  const index = buildDeclIndex(decl);
  let text: string | undefined;
  for (const rule of rules) {
    if (rule.triggers && !rule.triggers.some((t) => mentionsWord((text ??= decl.text), t))) continue;
    if (rule.alsoRequires && !rule.alsoRequires.every((t) => mentionsWord((text ??= decl.text), t))) continue;
    const ctx: GoRuleContext = {
      file,
      decl,
      index,
      report(at, message, options) {
        findings.push(findingOf(rule, message, 'type' in at ? nodeRange(at as Node) : at, options));
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
): Finding[] {
  const enabled = rules.filter((r) => config.rules[r.id] !== 'off');
  const raw = file.topLevelDecls().flatMap((decl) => checkDecl(file, decl, enabled, onError));
  return finalizeFindings(file, raw, config);
}
