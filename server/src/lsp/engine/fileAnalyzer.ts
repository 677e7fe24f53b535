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
import { fixText } from '../../engine/fixAll';
import { LineIndex } from '../../engine/text';
import type { Finding } from '../../engine/types';
import { readSource } from '../../cli/lintFiles';
import type { GoSemantics } from '../../go/file';
import { GoModLocator } from '../../go/gomod';
import { PackageLocator } from '../../go/packageIndex';
import type { GoRule } from '../../go/rule';
import { goRules } from '../../go/rules';
import { HelmTemplates } from '../../k8s/helm';
import { analyzeManifestSet } from '../../k8s/manifestSet';
import { ManifestFile } from '../../k8s/manifestFile';
import { withInjectedFaults } from './faults';
import type { EngineFinding, EngineSettings } from './messages';
import type { RuleGuard } from './ruleGuard';
import { SuppressionEdits } from './suppressEdits';
import { WorkspaceManifests } from './workspaceManifests';

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
  private readonly helmTemplates = new HelmTemplates();
  private readonly logged = new Set<string>();

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

  /**
   * One manifest, seen together with the workspace's others; `suppressible` adds the suppression
   * edits. A Helm template is rendered only as saved (helm reads the chart from disk): with unsaved
   * changes it is read with its actions masked.
   */
  manifestText(file: string, text: string, config: LeakLensConfig, suppressible: boolean): EngineFinding[] {
    const withoutDisabled = { ...config, rules: { ...config.rules } };
    for (const rule of this.guard.disabledRules) withoutDisabled.rules[rule] = 'off';
    const helm = this.chartOf(file) ? { ...this.settings.helm, render: this.read(file) === text } : this.settings.helm;
    const found =
      analyzeManifestSet([{ path: file, text }], withoutDisabled, this.guard.errorHandler(file), {
        workspace: this.manifests.all(),
        helm,
        onNotice: (n) => this.logOnce(`${n.file}: ${n.message}`),
      }).get(file) ?? [];
    // JSON has no comments to suppress with.
    if (!suppressible || found.length === 0 || file.toLowerCase().endsWith('.json')) return found;
    const suppress = new SuppressionEdits(new LineIndex(text), new ManifestFile(file, text).comments(), '# ');
    return found.map((f) => ({ ...f, suppress: suppress.editFor(f) }));
  }

  /** The Helm chart whose templates hold `file`, if any. */
  chartOf(file: string): string | undefined {
    return this.helmTemplates.chartOf(file);
  }

  /** The Helm chart `file` is part of: a template, or the chart's own Chart.yaml or values.yaml. */
  chartHolding(file: string): string | undefined {
    return this.helmTemplates.chartHolding(file);
  }

  /** Logs a message the first time it comes (notices repeat on every keystroke). */
  private logOnce(message: string): void {
    if (this.logged.has(message)) return;
    this.logged.add(message);
    this.log(message);
  }

  /** Applies every preferred fix, re-analyzes and repeats; returns the final text. */
  fixAll(file: string, language: FileLanguage, text: string): string {
    const config = this.configFor(file);
    if (!this.shouldAnalyze(file, language, config)) return text;
    return fixText(text, (t) => this.analyzeText(file, language, t, config)).text;
  }

  /** A file's text from disk; undefined when it is gone, unreadable, binary or over leaklens.maxFileSize. */
  read(file: string): string | undefined {
    if (!fs.existsSync(file)) return undefined;
    const source = readSource(file, this.settings.maxFileSize);
    if ('text' in source) return source.text;
    this.log(`${file}: ${source.skipped}`);
    return undefined;
  }

  private goText(file: string, text: string, config: LeakLensConfig): Finding[] {
    // Files not open in the editor are read once: only the declarations the rules read are parsed.
    return analyzeGoSource(file, text, this.goSemantics(file, config), this.enabledRules(file, config), config, this.guard.errorHandler(file));
  }
}
