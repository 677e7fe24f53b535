/**
 * How the engine analyzes one file: which configuration applies (the innermost workspace
 * folder's), whether the file is analyzed at all (language enabled, not excluded, not skipped
 * after a hang), which rules run (configured, and not switched off by the rule guard), and
 * whole-text analysis for files that are not open and for fix-all passes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeGoSource, goRulesFor, goSemanticsFor, languageEnabled, type FileLanguage } from '../../lint/analyze';
import { defaultConfig, excludeMatcher, type LeakLensConfig } from '../../engine/config';
import { fixAllEdits } from '../../engine/fixAll';
import { applyEdits, LineIndex } from '../../engine/text';
import type { Finding } from '../../engine/types';
import { readSource } from '../../cli/lintFiles';
import type { GoSemantics } from '../../go/file';
import { GoModLocator } from '../../go/gomod';
import { PackageLocator } from '../../go/packageIndex';
import type { GoRule } from '../../go/rule';
import { goRules } from '../../go/rules';
import { analyzeManifests } from '../../k8s/analyzer';
import { ManifestFile } from '../../k8s/manifestFile';
import { withInjectedFaults } from './faults';
import type { EngineFinding, EngineSettings } from './messages';
import type { RuleGuard } from './ruleGuard';
import { SuppressionEdits } from './suppressEdits';
import { WorkspaceManifests } from './workspaceManifests';

/** Fix-all applies fixes, re-analyzes and repeats until nothing is left to fix, at most this often. */
const MAX_FIX_PASSES = 10;

export class FileAnalyzer {
  settings: EngineSettings = { folders: [], scope: 'workspace', maxFileSize: 2_000_000 };
  readonly goMods = new GoModLocator();
  /** What the files of each package declare, read from disk; refreshed by file-change notifications, re-listed every few seconds. */
  readonly packages = new PackageLocator(5000);
  /** The workspace's manifests, for cross-file rules. */
  readonly manifests = new WorkspaceManifests();
  /** Every Go rule, guarded (and with injected faults in robustness tests). */
  readonly rules: readonly GoRule[];
  /** Rules whose findings depend on other declarations: file-scoped ones, and those scoped out of process-lifetime code (which callers decide). */
  readonly fileScoped: ReadonlySet<string> = new Set(goRules.filter((r) => r.fileScoped || r.scope?.processLifetime).map((r) => r.id));
  private readonly excluders = new WeakMap<LeakLensConfig, (file: string) => boolean>();

  constructor(
    readonly guard: RuleGuard,
    /** Files an earlier engine hung on. */
    private readonly skippedFiles: ReadonlySet<string>,
    private readonly log: (message: string) => void,
  ) {
    this.rules = guard.wrap(withInjectedFaults(goRules));
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
    return languageEnabled(config, language) && !this.skippedFiles.has(file) && !this.isExcluded(file, config);
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
    return goSemanticsFor(file, config, this.goMods, this.packages);
  }

  /** A whole text parsed from scratch. */
  analyzeText(file: string, language: FileLanguage, text: string, config = this.configFor(file)): Finding[] {
    return language === 'go' ? this.goText(file, text, config) : this.manifestText(file, text, config, false);
  }

  /** One manifest, seen together with the workspace's others; `suppressible` adds the suppression edits. */
  manifestText(file: string, text: string, config: LeakLensConfig, suppressible: boolean): EngineFinding[] {
    const withoutDisabled = { ...config, rules: { ...config.rules } };
    for (const rule of this.guard.disabledRules) withoutDisabled.rules[rule] = 'off';
    const found = analyzeManifests([{ path: file, text }], withoutDisabled, this.guard.errorHandler(file), this.manifests.all()).get(file) ?? [];
    // JSON has no comments to suppress with.
    if (!suppressible || found.length === 0 || file.toLowerCase().endsWith('.json')) return found;
    const suppress = new SuppressionEdits(new LineIndex(text), new ManifestFile(file, text).comments(), '# ');
    return found.map((f) => ({ ...f, suppress: suppress.editFor(f) }));
  }

  /** Applies every preferred fix, re-analyzes and repeats; returns the final text. */
  fixAll(file: string, language: FileLanguage, text: string): string {
    const config = this.configFor(file);
    for (let pass = 0; pass < MAX_FIX_PASSES && this.shouldAnalyze(file, language, config); pass++) {
      const edits = fixAllEdits(text, this.analyzeText(file, language, text, config));
      if (edits.length === 0) break;
      text = applyEdits(text, edits);
    }
    return text;
  }

  /** A file's text from disk; undefined when it is gone, unreadable, binary or over leaklens.maxFileSize. */
  read(file: string): string | undefined {
    if (!fs.existsSync(file)) return undefined;
    const source = readSource(file, this.settings.maxFileSize);
    if ('text' in source) return source.text;
    this.log(source.problem);
    return undefined;
  }

  private goText(file: string, text: string, config: LeakLensConfig): Finding[] {
    // Files not open in the editor are read once: only the declarations the rules read are parsed.
    return analyzeGoSource(file, text, this.goSemantics(file, config), this.enabledRules(file, config), config, this.guard.errorHandler(file));
  }
}
