/**
 * The one entry point the language server and the CLI share: given file texts and a configuration,
 * produce findings. The only layer that knows both languages.
 */
import * as path from 'node:path';
import { rulesOn, type LeakLensConfig } from '../engine/config';
import { compareFindings, type Finding, type RuleErrorHandler } from '../engine/types';
import { analyzeGoFile, goFileTraits, type GoAnalysisOptions } from '../go/analyzer';
import { GoFile, type GoSemantics } from '../go/file';
import { goVersionAtLeast, GoModLocator } from '../go/gomod';
import { packageIndexFor, type PackageLocator } from '../go/packageIndex';
import { loadGo, parseGo } from '../go/parser';
import { treePlans } from '../go/partialParse';
import type { GoRule } from '../go/rule';
import { goRules } from '../go/rules';
import { analyzeManifests, type ManifestInput } from '../k8s/analyzer';
import { configuredGoVersion, goEnabled, kubernetesEnabled } from './config';

export type FileLanguage = 'go' | 'k8s';

/** Which engine handles a path, by extension; undefined for files LeakLens does not read. */
export function languageOf(file: string): FileLanguage | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.go') return 'go';
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') return 'k8s';
  return undefined;
}

/** True when the configuration lints files of this language. */
export function languageEnabled(config: LeakLensConfig, language: FileLanguage): boolean {
  return language === 'go' ? goEnabled(config) : kubernetesEnabled(config);
}

/** Loads the parsers; call once before analyzing. */
export async function initEngine(): Promise<void> {
  await loadGo();
}

/**
 * Go semantics for a file: the configured version wins over the nearest go.mod; with `packages`,
 * what the other files of its package declare.
 */
export function goSemanticsFor(file: string, config: LeakLensConfig, goMods: GoModLocator, packages?: PackageLocator): GoSemantics {
  const mod = goMods.forFile(file);
  const goVersion = configuredGoVersion(config) ?? mod?.goVersion;
  const semantics: GoSemantics = { goVersion, timersCollected: goVersionAtLeast(goVersion, 1, 23) && !mod?.asyncTimerChan };
  const packageDecls = packages?.siblingsOf(file);
  if (packageDecls?.length) semantics.packageDecls = packageDecls;
  return semantics;
}

/**
 * The Go rules the configuration leaves on for `file` (test files get the rules that check test
 * code), by its name: analyzeGoFile drops more once the imports show a test helper.
 */
export function goRulesFor(file: string, config: LeakLensConfig, rules: readonly GoRule[] = goRules): GoRule[] {
  return rulesOn(config, rules, goFileTraits(file));
}

export interface GoTextOptions extends GoAnalysisOptions {
  /** Parse all of the file, as the editor does for a document it opens, not only what the rules read. */
  wholeFile?: boolean;
  /** Reads what the other files of each file's package declare (same-package wrappers); without it, only the file's own. */
  packages?: PackageLocator;
}

/**
 * Parses one Go file, only as much of it as `rules` read and a batch at a time (see
 * partialParse.ts) unless asked for all of it, and analyzes it; trees are freed before returning.
 */
export function analyzeGoSource(
  file: string,
  text: string,
  semantics: GoSemantics,
  rules: readonly GoRule[],
  config: LeakLensConfig,
  onError: RuleErrorHandler,
  options: GoTextOptions = {},
): Finding[] {
  const plans = options.wholeFile ? [{ checks: () => true }] : treePlans(text, rules, packageIndexFor(file, text, semantics));
  const found: Finding[] = [];
  const errors: [string, unknown][] = [];
  for (const plan of plans) {
    const tree = parseGo(text, undefined, plan.ranges);
    // A partial tree with a syntax error may not be what a full parse makes of those declarations.
    const broken = !!plan.ranges && tree.rootNode.hasError;
    try {
      if (!broken) found.push(...analyzeGoFile(new GoFile(file, text, tree, semantics), rules, config, (rule, err) => errors.push([rule, err]), options, plan));
    } finally {
      tree.delete();
    }
    if (broken) return analyzeGoSource(file, text, semantics, rules, config, onError, { ...options, wholeFile: true });
  }
  for (const [rule, err] of errors) onError(rule, err);
  return plans.length > 1 ? found.sort(compareFindings) : found;
}

/** analyzeGoSource with every rule the configuration leaves on for the file and the file's Go semantics. */
export function analyzeGoText(
  file: string,
  text: string,
  config: LeakLensConfig,
  goMods: GoModLocator,
  onError: RuleErrorHandler,
  options: GoTextOptions = {},
): Finding[] {
  return analyzeGoSource(file, text, goSemanticsFor(file, config, goMods, options.packages), goRulesFor(file, config), config, onError, options);
}

export { analyzeManifests, type GoAnalysisOptions, type ManifestInput, type RuleErrorHandler };
