/**
 * The engine worker's state and message handling: open documents (Go ones analyzed incrementally),
 * files that are not open (workspace scan, files changed on disk), manifests across files, fix-all.
 * Work runs as tasks (taskQueue.ts), edits first. Findings are published tagged with the version
 * they were computed for; the protocol thread drops any that are no longer current.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { languageOf, type FileLanguage } from '../../lint/analyze';
import type { LeakLensConfig } from '../../engine/config';
import type { Finding } from '../../engine/types';
import { applyContentChanges } from './contentEdit';
import { FileAnalyzer } from './fileAnalyzer';
import { GoDocument, type GoAnalysisEnv } from './goDocument';
import type { EngineFinding, EngineStartData, FromEngine, ToEngine } from './messages';
import { RuleGuard } from './ruleGuard';
import { Priority, TaskQueue, type TaskResult } from './taskQueue';
import { TreeBudget } from './treeBudget';
import { WatchdogSlots } from './watchdogSlots';
import { WorkspaceScan, type ScanHost } from './workspaceScan';

/** Trees kept for open documents: at most this many, covering at most this much text (~100 MB of WASM). */
const MAX_TREES = 32;
const MAX_TREE_TEXT_CHARS = 8_000_000;
/** How long file-scoped rules may run before the first publish after an edit; the rest runs in the background. */
const INLINE_FILE_SCOPED_MS = 5;
/** Scan progress is reported at most this often. */
const PROGRESS_INTERVAL_MS = 100;

interface OpenDoc {
  uri: string;
  path: string;
  language: FileLanguage;
  doc: TextDocument;
  go?: GoDocument;
}

export class Engine implements ScanHost {
  private readonly docs = new Map<string, OpenDoc>();
  private readonly docsByPath = new Map<string, OpenDoc>();
  private readonly trees = new TreeBudget(MAX_TREES, MAX_TREE_TEXT_CHARS);
  private readonly analyzer: FileAnalyzer;
  private readonly queue: TaskQueue;
  private scan?: { id: number; scan: WorkspaceScan; reportedAt: number };

  constructor(
    start: EngineStartData,
    private readonly post: (message: FromEngine) => void,
  ) {
    const slots = new WatchdogSlots(start.watchdog);
    const guard = new RuleGuard(start.disabledRules, slots, (rule, why) => {
      this.log('error', `rule ${rule} ${why}. It is switched off until the server restarts.`);
      this.post({ kind: 'ruleDisabled', rule });
    });
    this.analyzer = new FileAnalyzer(guard, new Set(start.skippedFiles), (message) => this.log('info', message));
    this.queue = new TaskQueue(slots, (key, err) => this.log('error', `${key} failed: ${(err as Error)?.stack ?? err}`));
  }

  /** Starts running tasks; call once the parsers are loaded. `warmUp` runs when nothing more urgent waits. */
  start(warmUp: () => void): void {
    this.queue.schedule('warmUp', Priority.scan, () => {
      warmUp();
      return 'done';
    });
    this.queue.start();
  }

  handle(msg: ToEngine): void {
    try {
      this.dispatch(msg);
    } catch (err) {
      this.log('error', `handling ${msg.kind} failed: ${(err as Error)?.stack ?? err}`);
    }
  }

  private dispatch(msg: ToEngine): void {
    switch (msg.kind) {
      case 'configure':
        this.analyzer.settings = msg.settings;
        this.reanalyzeOpen(() => true);
        return;
      case 'open': {
        this.close(msg.uri);
        const d: OpenDoc = { uri: msg.uri, path: msg.path, language: msg.language, doc: TextDocument.create(msg.uri, msg.language, msg.version, msg.text) };
        if (d.language === 'go') d.go = new GoDocument(d.uri, d.path, d.doc, this.trees);
        this.docs.set(d.uri, d);
        this.docsByPath.set(d.path, d);
        if (d.language === 'k8s') this.manifestChanged(d.path, msg.text);
        this.scheduleDoc(d);
        return;
      }
      case 'change': {
        const d = this.docs.get(msg.uri);
        if (!d) return;
        const edits = applyContentChanges(d.doc, msg.changes, msg.version);
        if (d.go) d.go.applyEdits(edits);
        else this.manifestChanged(d.path, d.doc.getText());
        this.scheduleDoc(d);
        return;
      }
      case 'close': {
        const d = this.close(msg.uri);
        // What is on disk may differ from what the editor had: index and report the file from disk again.
        if (d && this.isUnderFolder(d.path)) this.scheduleFile(d.path);
        this.reportMemory();
        return;
      }
      case 'scan': {
        this.scan?.scan.cancel();
        const scan = new WorkspaceScan(this, msg.reportAll || this.reportsWorkspace());
        this.scan = { id: msg.scanId, scan, reportedAt: 0 };
        this.queue.schedule('scan', Priority.scan, scan.task);
        return;
      }
      case 'filesChanged':
        for (const change of msg.changes) {
          if (path.basename(change.path) === 'go.mod') {
            this.analyzer.goMods.clear();
            this.reanalyzeOpen((d) => d.language === 'go');
          } else if (languageOf(change.path)) {
            // A sibling's declarations (same-package wrappers) feed the analysis of the package's open files.
            if (languageOf(change.path) === 'go' && this.analyzer.packages.refresh(change.path)) {
              this.reanalyzeOpen((d) => d.language === 'go' && path.dirname(d.path) === path.dirname(change.path));
            }
            this.scheduleFile(change.path);
            this.rerenderChart(change.path);
          }
        }
        return;
      case 'fixAll':
        this.queue.schedule(`fixAll:${msg.requestId}`, Priority.edit, () => this.fixAll(msg.requestId, msg.uri));
        return;
      case 'status':
        this.post({
          kind: 'statusResult',
          requestId: msg.requestId,
          status: {
            trees: this.trees.size,
            maxTrees: this.trees.maxTrees,
            externalBytes: process.memoryUsage().external,
            openDocuments: this.docs.size,
            disabledRules: this.analyzer.guard.disabledRules,
          },
        });
        return;
    }
  }

  private close(uri: string): OpenDoc | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    d.go?.dispose();
    this.docs.delete(uri);
    if (this.docsByPath.get(d.path) === d) this.docsByPath.delete(d.path);
    this.queue.cancel(`doc:${uri}`);
    this.queue.cancel(`wide:${uri}`);
    return d;
  }

  // ---- open documents -------------------------------------------------------------------------

  /** A chart file was saved: its open templates render again from what is now on disk. */
  private rerenderChart(file: string): void {
    const chart = this.analyzer.chartHolding(file);
    if (chart) this.reanalyzeOpen((d) => d.language === 'k8s' && this.analyzer.chartOf(d.path) === chart);
  }

  private reanalyzeOpen(which: (d: OpenDoc) => boolean): void {
    for (const d of this.docs.values()) {
      if (!which(d)) continue;
      d.go?.invalidate();
      this.scheduleDoc(d);
    }
  }

  private scheduleDoc(d: OpenDoc): void {
    this.queue.schedule(`doc:${d.uri}`, Priority.edit, (pause) => this.analyzeOpen(d, pause));
  }

  private async analyzeOpen(d: OpenDoc, pause: () => Promise<boolean>): Promise<TaskResult> {
    if (this.docs.get(d.uri) !== d) return 'done';
    this.post({ kind: 'busy', file: d.path });
    const config = this.analyzer.configFor(d.path);
    if (!this.analyzer.shouldAnalyze(d.path, d.language, config)) {
      this.publishOpen(d, []);
      return 'done';
    }
    if (!d.go) {
      this.publishOpen(d, this.analyzer.manifestText(d.path, d.doc.getText(), config, true));
      return 'done';
    }
    const env = this.goEnv(d, d.go, config, pause);
    if (!(await d.go.checkChanged(env))) return 'again';
    const fileScoped = await d.go.checkFileScoped(env, performance.now() + INLINE_FILE_SCOPED_MS);
    this.publishOpen(d, d.go.findings(env));
    if (fileScoped !== 'done') {
      this.queue.schedule(`wide:${d.uri}`, Priority.background, (p) => this.finishFileScoped(d, p));
    }
    return 'done';
  }

  /** The background half of a Go analysis: file-scoped rules on the declarations the edit did not touch. */
  private async finishFileScoped(d: OpenDoc, pause: () => Promise<boolean>): Promise<TaskResult> {
    const config = this.analyzer.configFor(d.path);
    if (this.docs.get(d.uri) !== d || !d.go || !this.analyzer.shouldAnalyze(d.path, d.language, config)) return 'done';
    const env = this.goEnv(d, d.go, config, pause);
    if (!(await d.go.checkChanged(env))) return 'again';
    if ((await d.go.checkFileScoped(env)) === 'interrupted') return 'again';
    if (d.go.unpublished) this.publishOpen(d, d.go.findings(env));
    return 'done';
  }

  private goEnv(d: OpenDoc, go: GoDocument, config: LeakLensConfig, pause: () => Promise<boolean>): GoAnalysisEnv {
    const generation = go.generation;
    return {
      config,
      semantics: this.analyzer.goSemantics(d.path, config),
      rules: this.analyzer.enabledRules(d.path, config),
      fileScoped: this.analyzer.fileScoped,
      onError: this.analyzer.guard.errorHandler(d.path),
      pause: async () => (await pause()) && go.generation === generation && this.docs.get(d.uri) === d,
    };
  }

  private publishOpen(d: OpenDoc, findings: EngineFinding[]): void {
    this.post({ kind: 'findings', uri: d.uri, version: d.doc.version, findingsJson: JSON.stringify(findings) });
  }

  // ---- manifests across files -----------------------------------------------------------------

  private manifestChanged(file: string, text: string | undefined): void {
    const manifests = this.analyzer.manifests;
    const changed = text === undefined ? manifests.delete(file) : manifests.update(file, text);
    if (!changed) return;
    // What this file offers other files changed (e.g. a Deployment's labels): their cross-file findings may too.
    for (const d of this.docs.values()) if (d.language === 'k8s' && d.path !== file) this.scheduleDoc(d);
    if (this.reportsWorkspace()) {
      for (const other of manifests.paths()) if (other !== file && !this.docsByPath.has(other)) this.scheduleFile(other);
    }
  }

  // ---- files not open -------------------------------------------------------------------------

  private reportsWorkspace(): boolean {
    return this.analyzer.settings.scope === 'workspace';
  }

  private isUnderFolder(file: string): boolean {
    return this.folders().some((f) => file.startsWith(f + path.sep));
  }

  private scheduleFile(file: string): void {
    this.queue.schedule(`file:${file}`, Priority.scan, () => this.refreshFile(file));
  }

  /** Re-reads a file that changed on disk (or was closed): re-indexes it and, in workspace scope, re-reports it. */
  private refreshFile(file: string): TaskResult {
    if (this.docsByPath.has(file)) return 'done';
    const text = this.analyzer.read(file);
    if (languageOf(file) === 'k8s') this.manifestChanged(file, text);
    if (text !== undefined && this.reportsWorkspace()) this.analyzeAndPublish(file, text);
    else this.publishFile(file, []);
    return 'done';
  }

  private publishFile(file: string, findings: Finding[]): void {
    this.post({ kind: 'findings', uri: pathToFileURL(file).href, version: null, findingsJson: JSON.stringify(findings) });
  }

  // ---- ScanHost -------------------------------------------------------------------------------

  folders(): string[] {
    return this.analyzer.settings.folders.map((f) => f.folder).filter((f) => f !== '');
  }

  isExcluded(file: string): boolean {
    return this.analyzer.isExcluded(file);
  }

  isOpen(file: string): boolean {
    return this.docsByPath.has(file);
  }

  readSource(file: string): string | undefined {
    return this.analyzer.read(file);
  }

  indexManifest(file: string, text: string): void {
    this.analyzer.manifests.update(file, text);
  }

  analyzeAndPublish(file: string, text: string): void {
    const language = languageOf(file);
    if (!language || !this.analyzer.shouldAnalyze(file, language)) {
      this.publishFile(file, []);
      return;
    }
    this.post({ kind: 'busy', file });
    this.publishFile(file, this.analyzer.analyzeText(file, language, text));
  }

  progress(done: number, total: number): void {
    const scan = this.scan;
    if (!scan) return;
    const now = performance.now();
    if (done < total && now - scan.reportedAt < PROGRESS_INTERVAL_MS) return;
    scan.reportedAt = now;
    this.post({ kind: 'scanProgress', scanId: scan.id, done, total });
  }

  finished(published: string[]): void {
    if (!this.scan) return;
    // Open manifests were analyzed before every index was in: now their cross-file view is complete.
    for (const d of this.docs.values()) if (d.language === 'k8s') this.scheduleDoc(d);
    this.post({ kind: 'scanDone', scanId: this.scan.id, uris: published.map((f) => pathToFileURL(f).href) });
    this.scan = undefined;
    this.reportMemory();
  }

  // ---- fix all and housekeeping ---------------------------------------------------------------

  /** Answers with the document's text after every fix (null when it is not open or fixing failed). */
  private fixAll(requestId: number, uri: string): TaskResult {
    const d = this.docs.get(uri);
    let text: string | null = null;
    try {
      if (d) text = this.analyzer.fixAll(d.path, d.language, d.doc.getText());
    } catch (err) {
      this.log('error', `fix all failed for ${uri}: ${(err as Error)?.stack ?? err}`);
    }
    this.post({ kind: 'fixAllResult', requestId, version: d?.doc.version ?? null, text });
    this.reportMemory();
    return 'done';
  }

  private reportMemory(): void {
    this.post({ kind: 'memory', externalBytes: process.memoryUsage().external, liveTextBytes: this.trees.textChars });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.post({ kind: 'log', level, message });
  }
}
