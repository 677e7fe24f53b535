/**
 * The one entry point the language server and the CLI share: given file texts and a configuration,
 * produce findings.
 */
import * as path from 'node:path';
import { goVersionAtLeast, rulesOn, type LeakLensConfig } from './config';
import type { Finding } from './types';
import { analyzeGoFile, type GoAnalysisOptions, type RuleErrorHandler } from '../go/analyzer';
import { GoFile, type GoSemantics } from '../go/file';
import { GoModLocator } from '../go/gomod';
import { loadGo } from '../go/parser';
import { parseForRules } from '../go/partialParse';
import { goRules } from '../go/rules';
import { analyzeManifests, type ManifestInput } from '../k8s/analyzer';

export type FileLanguage = 'go' | 'k8s';

/** Which engine handles a path, by extension; undefined for files LeakLens does not read. */
export function languageOf(file: string): FileLanguage | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.go') return 'go';
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') return 'k8s';
  return undefined;
}

/** Loads the parsers; call once before analyzing. */
export async function initEngine(): Promise<void> {
  await loadGo();
}

/** Go semantics for a file: the configured version wins over the nearest go.mod. */
export function goSemanticsFor(file: string, config: LeakLensConfig, goMods: GoModLocator): GoSemantics {
  const mod = goMods.forFile(file);
  const goVersion = config.goVersion ?? mod?.goVersion;
  return { goVersion, timersCollected: goVersionAtLeast(goVersion, 1, 23) && !mod?.asyncTimerChan };
}

/**
 * Parses one Go file, only as much of it as the rules read (see partialParse.ts), and analyzes it;
 * the tree is freed before returning.
 */
export function analyzeGoText(
  file: string,
  text: string,
  config: LeakLensConfig,
  goMods: GoModLocator,
  onError: RuleErrorHandler,
  options: GoAnalysisOptions = {},
): Finding[] {
  const rules = rulesOn(config, goRules);
  const tree = parseForRules(text, rules);
  try {
    return analyzeGoFile(new GoFile(file, text, tree, goSemanticsFor(file, config, goMods)), rules, config, onError, options);
  } finally {
    tree.delete();
  }
}

export { analyzeManifests, type GoAnalysisOptions, type ManifestInput, type RuleErrorHandler };
