/** Test helpers that run the real Go engine on text. */
import { defaultConfig, type LeakLensConfig } from '../../server/src/engine/config';
import { analyzeGoText, initEngine } from '../../server/src/lint/analyze';
import type { Finding } from '../../server/src/engine/types';
import { GoFile } from '../../server/src/go/file';
import { GoModLocator } from '../../server/src/go/gomod';
import { parseGo } from '../../server/src/go/parser';
import { goRules } from '../../server/src/go/rules';
import type { LineComment } from '../../server/src/engine/suppress';

export { initEngine };

const goMods = new GoModLocator();

/** The default configuration with the rules that are off by default turned on (at their default severity), as fixtures expect. */
export function everyRuleOn(config: LeakLensConfig = defaultConfig()): LeakLensConfig {
  const on = Object.fromEntries(goRules.filter((r) => r.offByDefault).map((r) => [r.id, r.defaultSeverity]));
  return { ...config, rules: { ...on, ...config.rules } };
}

/** Analyzes Go text as if it were at `file`; rule exceptions fail the test instead of being logged. */
export function lintGo(file: string, text: string, config: LeakLensConfig = defaultConfig()): Finding[] {
  const errors: string[] = [];
  const findings = analyzeGoText(file, text, config, goMods, (rule, err) =>
    errors.push(`${rule}: ${(err as Error)?.stack ?? err}`),
  );
  if (errors.length) throw new Error(`rules threw on ${file}:\n${errors.join('\n')}`);
  return findings;
}

/** Comments of a Go text, its top-level declarations' line spans, and whether it has syntax errors. */
export function inspectGo(text: string): { comments: LineComment[]; hasError: boolean; decls: [number, number][] } {
  const tree = parseGo(text);
  try {
    const file = new GoFile('x.go', text, tree, { timersCollected: false });
    const decls = file.topLevelDecls().map((d): [number, number] => [d.startPosition.row + 1, d.endPosition.row + 1]);
    return { comments: file.comments(), hasError: tree.rootNode.hasError, decls };
  } finally {
    tree.delete();
  }
}
