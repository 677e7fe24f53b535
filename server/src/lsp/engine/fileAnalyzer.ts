/**
 * How the engine analyzes one file: which configuration applies (the innermost workspace
 * folder's), whether the file is analyzed at all (language enabled, not excluded; skipped after a
 * hang until it changes), which rules run (configured, and not switched off by the rule guard),
 * and whole-text analysis for files that are not open and for fix-all passes. A file that is not
 * analyzed although it should be is reported as skipped, with why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeGoSource, goRulesFor, goSemanticsFor, languageEnabled, type FileLanguage } from '../../lint/analyze';
import { defaultConfig, excludeMatcher, type LeakLensConfig } from '../../engine/config';
import { fixAllEdits } from '../../engine/fixAll';
import { applyEdits, LineIndex } from '../../engine/text';
import { InputNotAnalyzed, type Finding, type RuleErrorHandler } from '../../engine/types';
import { readSource } from '../../cli/lintFiles';
import type { GoSemantics } from '../../go/file';
import { GoModLocator } from '../../go/gomod';
import type { GoRule } from '../../go/rule';
import { goRules } from '../../go/rules';
import { analyzeManifests } from '../../k8s/analyzer';
import { ManifestFile } from '../../k8s/manifestFile';
import { withInjectedFaults } from './faults';
import type { EngineFinding, EngineSettings, SkipReason } from './messages';
import type { RuleGuard } from './ruleGuard';
import { SuppressionEdits } from './suppressEdits';
import { WorkspaceManifests } from './workspaceManifests';

/** Fix-all applies fixes, re-analyzes and repeats until nothing is left to fix, at most this often. */
const MAX_FIX_PASSES = 10;

/** What analyzing a file gave: its findings, or why it was skipped (then no findings). */
export interface Analysis<F extends Finding = Finding> {
  findings: F[];
  skipped?: SkipReason;
}

export class FileAnalyzer {
  settings: EngineSettings = { folders: [], scope: 'workspace', maxFileSize: 2_000_000 };
  readonly goMods = new GoModLocator();
  /** The workspace's manifests, for cross-file rules. */
  readonly manifests = new WorkspaceManifests();
  /** Every Go rule, guarded (and with injected faults in robustness tests). */
  readonly rules: readonly GoRule[];
  readonly fileScoped: ReadonlySet<string> = new Set(goRules.filter((r) => r.fileScoped).map((r) => r.id));
  private readonly excluders = new WeakMap<LeakLensConfig, (file: string) => boolean>();

  constructor(
    readonly guard: RuleGuard,
    /** Files an earlier engine hung on, with why: skipped until they change (checkAgain). */
    private readonly hungOn: Map<string, SkipReason>,
    private readonly log: (message: string) => void,
  ) {
    this.rules = guard.wrap(withInjectedFaults(goRules));
  }

  /** Why a file the configuration analyzes is skipped now, if it is. */
  skipReason(file: string): SkipReason | undefined {
    return this.hungOn.get(file);
  }

  /** Ends the skip of a file an earlier engine hung on; true when there was one. */
  checkAgain(file: string): boolean {
    return this.hungOn.delete(file);
  }

  /** The configuration of the innermost workspace folder holding `file`. */
  configFor(file: string): LeakLensConfig {
    let best: { folder: string; config: LeakLensConfig } | undefined;
    for (const f of this.settings.folders) {
      const inside = f.folder === '' || file === f.folder || file.startsWith(f.folder + path.sep);
      if (inside && (!best || f.folder.length > best.folder.length)) best = f;
    }
    return best?.config ?? defaultConfig();
  }

  shouldAnalyze(file: string, language: FileLanguage, config = this.configFor(file)): boolean {
    return languageEnabled(config, language) && !this.isExcluded(file, config);
  }

  isExcluded(file: string, config = this.configFor(file)): boolean {
    let matcher = this.excluders.get(config);
    if (!matcher) this.excluders.set(config, (matcher = excludeMatcher(config)));
    return matcher(file);
  }

  /** The Go rules that run on `file`: on in its configuration, for its kind of file, and not switched off by the guard. */
  enabledRules(file: string, config: LeakLensConfig): GoRule[] {
    return goRulesFor(file, config, this.rules).filter((r) => this.guard.isEnabled(r.id));
  }

  goSemantics(file: string, config: LeakLensConfig): GoSemantics {
    return goSemanticsFor(file, config, this.goMods);
  }

  /** A whole text parsed from scratch. */
  analyzeText(file: string, language: FileLanguage, text: string, config = this.configFor(file)): Analysis {
    const skipped = this.skipReason(file);
    if (skipped) return { findings: [], skipped };
    return language === 'go' ? this.goText(file, text, config) : this.manifestText(file, text, config, false);
  }

  /** One manifest, seen together with the workspace's others; `suppressible` adds the suppression edits. */
  manifestText(file: string, text: string, config: LeakLensConfig, suppressible: boolean): Analysis<EngineFinding> {
    const withoutDisabled = { ...config, rules: { ...config.rules } };
    for (const rule of this.guard.disabledRules) withoutDisabled.rules[rule] = 'off';
    const onError = this.errorHandler(file);
    const found = analyzeManifests([{ path: file, text }], withoutDisabled, onError, this.manifests.all()).get(file) ?? [];
    if (onError.skipped) return { findings: [], skipped: onError.skipped };
    // JSON has no comments to suppress with.
    if (!suppressible || found.length === 0 || file.toLowerCase().endsWith('.json')) return { findings: found };
    const suppress = new SuppressionEdits(new LineIndex(text), new ManifestFile(file, text).comments(), '# ');
    return { findings: found.map((f) => ({ ...f, suppress: suppress.editFor(f) })) };
  }

  /** Applies every preferred fix, re-analyzes and repeats; returns the final text. */
  fixAll(file: string, language: FileLanguage, text: string): string {
    const config = this.configFor(file);
    for (let pass = 0; pass < MAX_FIX_PASSES && this.shouldAnalyze(file, language, config); pass++) {
      const edits = fixAllEdits(text, this.analyzeText(file, language, text, config).findings);
      if (edits.length === 0) break;
      text = applyEdits(text, edits);
    }
    return text;
  }

  /** The rule guard's handler for `file`, noting an input that cannot be analyzed at all instead of blaming a rule. */
  errorHandler(file: string): RuleErrorHandler & { skipped?: SkipReason } {
    const blame = this.guard.errorHandler(file);
    const handler: RuleErrorHandler & { skipped?: SkipReason } = (rule, error) => {
      if (error instanceof InputNotAnalyzed) handler.skipped = error.message;
      else blame(rule, error);
    };
    return handler;
  }

  /** A file's text from disk; undefined when it is gone, unreadable, binary or over leaklens.maxFileSize. */
  read(file: string): string | undefined {
    if (!fs.existsSync(file)) return undefined;
    const source = readSource(file, this.settings.maxFileSize);
    if ('text' in source) return source.text;
    this.log(source.problem);
    return undefined;
  }

  private goText(file: string, text: string, config: LeakLensConfig): Analysis {
    // Files not open in the editor are read once: only the declarations the rules read are parsed.
    return { findings: analyzeGoSource(file, text, this.goSemantics(file, config), this.enabledRules(file, config), config, this.guard.errorHandler(file)) };
  }
}
