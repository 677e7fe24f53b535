/**
 * The LeakLens language server's protocol thread: speaks LSP (stdio, or IPC under VS Code), keeps
 * the editor's documents and versions, and forwards work to the engine worker (engineHost.ts).
 * Results come back tagged with the version they were computed for, and only results for the
 * current version are published.
 */
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { version } from '../../../package.json';
import { languageOf, type FileLanguage } from '../lint/analyze';
import { AnalysisStatusReporter } from './analysisStatus';
import { codeActionsFor, fixAllData, workspaceEdit, type EditTarget } from './codeActions';
import { DiagnosticsPublisher } from './diagnostics';
import type { EngineSettings, FromEngine, ToEngine } from './engine/messages';
import type { EngineHost } from './engineHost';
import { exceedsSize, isAnalyzed, OpenDocuments, pathOfUri, type OpenDocument } from './openDocuments';
import { FixAllRequest, LintWorkspaceRequest, ServerStatusRequest, FIX_ALL_KIND, type ServerStatus } from './protocol';
import { guarded, installProcessGuards } from './robustness';
import { RuntimeEvidenceNotification, validItems } from './runtimeEvidence';
import { createServerConnection } from './transport';
import { runSuppressCommand, SUPPRESS_COMMAND } from './suppressCommand';
import { DEFAULT_MAX_FILE_SIZE, type Settings } from './settings';
import { minimalEdits } from './textDiff';
import { foldersOf, WorkspaceConfig } from './workspaceConfig';
import { WorkspaceScans } from './workspaceScans';

/** How long a code action request waits for the analysis of the document's current version. */
const FINDINGS_WAIT_MS = 3000;

const WATCHED_GLOBS = ['**/*.go', '**/*.{yaml,yml,json}', '**/go.mod'];

/** Serves LSP on stdio or IPC (from the command line), with `host`'s engine (already starting). */
export function startLanguageServer(host: EngineHost): void {
  const connection = createServerConnection();
  installProcessGuards(connection);
  new LeakLensServer(connection, host).listen();
}

interface ClientSupport {
  documentChanges: boolean;
  resolveEdit: boolean;
  watchRegistration: boolean;
  configRegistration: boolean;
  configurationPull: boolean;
  workspaceFolders: boolean;
}

class LeakLensServer {
  private readonly docs = new OpenDocuments();
  private readonly publisher: DiagnosticsPublisher;
  private readonly analysisStatus: AnalysisStatusReporter;
  private config!: WorkspaceConfig;
  private support!: ClientSupport;
  private settings: Settings = { overrides: {}, scope: 'workspace', maxFileSize: DEFAULT_MAX_FILE_SIZE, helm: {} };
  private engineSettings?: EngineSettings;
  /** Engine messages held back until the first configuration is loaded. */
  private outbox: ToEngine[] | undefined = [];
  private readonly tooLargeNotified = new Set<string>();
  private readonly scans: WorkspaceScans;
  private configuring: Promise<void> = Promise.resolve();
  private pendingReconfigure?: Promise<void>;

  constructor(
    private readonly connection: Connection,
    private readonly host: EngineHost,
  ) {
    this.publisher = new DiagnosticsPublisher(connection);
    this.analysisStatus = new AnalysisStatusReporter(connection);
    this.scans = new WorkspaceScans(connection, this.publisher, (m) => this.toEngine(m));
    host.attach({
      onMessage: (m) => this.fromEngine(m),
      onRestart: () => this.replayToEngine(),
      log: (level, message) => this.log(level, message),
    });
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(guarded(c, 'initialized', () => this.initialized()));
    c.onDidOpenTextDocument(guarded(c, 'didOpen', (p) => this.didOpen(p.textDocument)));
    c.onDidChangeTextDocument(guarded(c, 'didChange', (p) => this.didChange(p.textDocument.uri, p.textDocument.version, p.contentChanges)));
    c.onDidCloseTextDocument(guarded(c, 'didClose', (p) => this.didClose(p.textDocument.uri)));
    c.onDidChangeConfiguration(
      guarded(c, 'didChangeConfiguration', (p) => {
        if (!this.support.configurationPull) this.config.pushedSettings = (p.settings as { leaklens?: unknown })?.leaklens;
        return this.reconfigure();
      }),
    );
    c.onDidChangeWatchedFiles(guarded(c, 'didChangeWatchedFiles', (p) => this.filesChanged(p.changes)));
    const actionContext = () => ({
      docs: this.docs,
      publisher: this.publisher,
      documentChanges: this.support.documentChanges,
      resolveEdit: this.support.resolveEdit,
      fixAllEdit: (d: OpenDocument) => this.fixAllEdit(d),
      waitMs: FINDINGS_WAIT_MS,
    });
    c.onCodeAction(guarded(c, 'codeAction', (p) => codeActionsFor(p, actionContext()), []));
    c.onCodeActionResolve(guarded(c, 'codeAction/resolve', (a) => this.resolveCodeAction(a), (a) => a));
    c.onExecuteCommand(
      guarded(c, 'executeCommand', async (p) => {
        if (p.command !== SUPPRESS_COMMAND) throw new Error(`unknown command ${p.command}`);
        await runSuppressCommand(c, p.arguments);
        return null;
      }, null),
    );
    c.onRequest(FixAllRequest, guarded(c, FixAllRequest.method, (p) => this.fixAllRequest(p.uri), null));
    c.onRequest(LintWorkspaceRequest, guarded(c, LintWorkspaceRequest.method, () => this.scans.run(true).then(() => null), null));
    c.onRequest(ServerStatusRequest, guarded(c, ServerStatusRequest.method, () => this.status()));
    c.onNotification(
      RuntimeEvidenceNotification,
      guarded(c, RuntimeEvidenceNotification.method, (p) => {
        const evidence = validItems(p);
        if (evidence) this.publisher.setRuntimeEvidence(evidence.source, evidence.label, evidence.items);
        else this.log('warn', `${RuntimeEvidenceNotification.method}: ignored malformed params`);
      }),
    );
    c.onShutdown(() => this.host.dispose());
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const caps = params.capabilities;
    this.support = {
      documentChanges: !!caps.workspace?.workspaceEdit?.documentChanges,
      resolveEdit: !!caps.textDocument?.codeAction?.resolveSupport?.properties.includes('edit'),
      watchRegistration: !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      configRegistration: !!caps.workspace?.didChangeConfiguration?.dynamicRegistration,
      configurationPull: !!caps.workspace?.configuration,
      workspaceFolders: !!caps.workspace?.workspaceFolders,
    };
    this.config = new WorkspaceConfig(this.connection, this.support.configurationPull);
    this.config.folders = foldersOf(params.workspaceFolders, params.rootUri);
    // Clients that cannot answer workspace/configuration may pass the settings here, bare or as { leaklens }.
    const init = params.initializationOptions as { leaklens?: unknown } | undefined;
    this.config.pushedSettings = init?.leaklens ?? init;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        executeCommandProvider: { commands: [SUPPRESS_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'leaklens', version },
    };
  }

  private async initialized(): Promise<void> {
    const c = this.connection;
    // Registrations are not awaited: the configuration (and first diagnostics) need not wait for them.
    const registered = (what: string) => (err: unknown) => this.log('warn', `registering ${what} failed: ${err}`);
    if (this.support.watchRegistration) {
      const watchers = WATCHED_GLOBS.map((globPattern) => ({ globPattern }));
      c.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(registered('file watchers'));
    }
    if (this.support.configRegistration) {
      c.client.register(DidChangeConfigurationNotification.type, { section: 'leaklens' }).catch(registered('configuration changes'));
    }
    if (this.support.workspaceFolders) {
      c.workspace.onDidChangeWorkspaceFolders(
        guarded(c, 'didChangeWorkspaceFolders', (e) => {
          const gone = new Set(e.removed.map((f) => f.uri));
          this.config.folders = [...this.config.folders.filter((f) => !gone.has(f.uri)), ...foldersOf(e.added, null)];
          return this.reconfigure();
        }),
      );
    }
    await this.reconfigure();
  }

  // ---- documents ------------------------------------------------------------------------------

  private didOpen(item: { uri: string; languageId: string; version: number; text: string }): void {
    const d = this.docs.open(item.uri, item.languageId, item.version, item.text);
    if (!isAnalyzed(d)) return;
    // Opened again: a file skipped after a hang gets another chance.
    this.host.checkAgain(d.path);
    this.enterEngine(d);
  }

  private didChange(uri: string, version: number, changes: Parameters<OpenDocuments['change']>[2]): void {
    const d = this.docs.change(uri, version, changes);
    if (!d || !isAnalyzed(d)) return;
    this.host.checkAgain(d.path);
    const tooLarge = exceedsSize(d.doc.getText(), this.settings.maxFileSize);
    if (tooLarge !== d.tooLarge) {
      if (!d.tooLarge) this.toEngine({ kind: 'close', uri });
      this.enterEngine(d);
    } else if (!tooLarge) this.toEngine({ kind: 'change', uri, version, changes });
    else this.publisher.publishOpen(uri, version, []);
  }

  private didClose(uri: string): void {
    const d = this.docs.close(uri);
    if (!d || !isAnalyzed(d)) return;
    if (!d.tooLarge) this.toEngine({ kind: 'close', uri });
    // In workspace scope the engine reports the file again from disk; until then its findings stay.
    const underFolder = this.config.folders.some((f) => d.path.startsWith(f.path + path.sep));
    const reportedFromDisk = this.settings.scope === 'workspace' && underFolder && !d.tooLarge;
    this.publisher.closed(uri, reportedFromDisk);
    if (!reportedFromDisk) this.analysisStatus.fileChecked(uri);
  }

  /** Sends a document to the engine, or reports once that it is too large to analyze. */
  private enterEngine(d: OpenDocument & { language: FileLanguage }): void {
    const text = d.doc.getText();
    d.tooLarge = exceedsSize(text, this.settings.maxFileSize);
    if (!d.tooLarge) {
      this.toEngine({ kind: 'open', uri: d.uri, path: d.path, language: d.language, version: d.doc.version, text });
      return;
    }
    this.publisher.publishOpen(d.uri, d.doc.version, []);
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const reason = `it is ${mb(Buffer.byteLength(text))} MB, over the ${mb(this.settings.maxFileSize)} MB limit (setting leaklens.maxFileSize)`;
    this.analysisStatus.fileSkipped(d.uri, reason, false);
    if (this.tooLargeNotified.has(d.uri)) return;
    this.tooLargeNotified.add(d.uri);
    void this.connection.sendNotification('window/showMessage', { type: MessageType.Info, message: `LeakLens skipped ${path.basename(d.path)}: ${reason}.` });
  }

  // ---- engine ---------------------------------------------------------------------------------

  /** Sends what waited for the first configuration (or for its failure: then the engine's defaults apply). */
  private flushOutbox(): void {
    if (!this.outbox) return;
    for (const m of this.outbox) this.host.send(m);
    this.outbox = undefined;
  }

  private toEngine(message: ToEngine): void {
    if (this.outbox) this.outbox.push(message);
    else this.host.send(message);
  }

  /** A restarted engine gets the configuration, every open document and a fresh scan. */
  private replayToEngine(): void {
    if (this.outbox) return;
    if (this.engineSettings) this.host.send({ kind: 'configure', settings: this.engineSettings });
    for (const d of this.docs.all()) {
      if (isAnalyzed(d) && !d.tooLarge) {
        this.host.send({ kind: 'open', uri: d.uri, path: d.path, language: d.language, version: d.doc.version, text: d.doc.getText() });
      }
    }
    this.scans.resume();
  }

  private fromEngine(m: FromEngine): void {
    switch (m.kind) {
      case 'findings': {
        if (m.version !== null) {
          const d = this.docs.get(m.uri);
          // A result for an outdated version is never published.
          if (!d || d.doc.version !== m.version || d.tooLarge) return;
          this.publisher.publishOpen(m.uri, m.version, JSON.parse(m.findingsJson));
        } else if (!this.docs.find(m.uri)) this.publisher.publishFile(m.uri, JSON.parse(m.findingsJson));
        else return;
        if (m.skipped) this.analysisStatus.fileSkipped(m.uri, m.skipped);
        else this.analysisStatus.fileChecked(m.uri);
        return;
      }
      case 'rulesOff':
        this.analysisStatus.rulesOff(m.rules);
        return;
      case 'log':
        this.log(m.level, m.message);
        return;
      case 'scanProgress':
      case 'scanDone':
        this.scans.receive(m);
        return;
    }
  }

  // ---- configuration and workspace --------------------------------------------------------------

  /**
   * Reloads settings and .leaklens.yaml, re-analyzes everything and rescans. Serialized, and
   * coalesced: requests arriving while one waits to start share it (a client that both registers
   * for changes and synchronizes them sends each change twice).
   */
  private reconfigure(): Promise<void> {
    this.pendingReconfigure ??= this.configuring.then(async () => {
      this.pendingReconfigure = undefined;
      try {
        await this.applyConfiguration();
      } catch (err) {
        this.log('error', `reloading the configuration failed: ${(err as Error)?.stack ?? err}`);
      } finally {
        this.flushOutbox();
      }
    });
    this.configuring = this.pendingReconfigure;
    return this.pendingReconfigure;
  }

  private async applyConfiguration(): Promise<void> {
    const before = this.settings;
    const { engine, settings } = await this.config.load();
    this.settings = settings;
    this.engineSettings = engine;
    this.host.send({ kind: 'configure', settings: engine });
    this.flushOutbox();
    if (settings.maxFileSize !== before.maxFileSize) this.recheckSizes();
    if (settings.scope === 'openFiles' && before.scope !== 'openFiles') this.publisher.clearNotOpen();
    void this.scans.run(false);
  }

  private recheckSizes(): void {
    for (const d of this.docs.all()) {
      if (!isAnalyzed(d)) continue;
      if (exceedsSize(d.doc.getText(), this.settings.maxFileSize) === d.tooLarge) continue;
      if (!d.tooLarge) this.toEngine({ kind: 'close', uri: d.uri });
      this.enterEngine(d);
    }
  }

  private filesChanged(changes: readonly { uri: string; type: FileChangeType }[]): Promise<void> | void {
    const forEngine: { path: string; deleted: boolean }[] = [];
    let configChanged = false;
    let goModChanged = false;
    for (const change of changes) {
      const file = pathOfUri(change.uri);
      if (this.config.isConfigFile(file)) configChanged = true;
      else if (path.basename(file) === 'go.mod' || languageOf(file)) {
        goModChanged ||= path.basename(file) === 'go.mod';
        forEngine.push({ path: file, deleted: change.type === FileChangeType.Deleted });
        this.host.checkAgain(file);
      }
    }
    if (forEngine.length) this.toEngine({ kind: 'filesChanged', changes: forEngine });
    if (configChanged) return this.reconfigure();
    // Go semantics of every file below the go.mod may have changed.
    if (goModChanged && this.settings.scope === 'workspace') void this.scans.run(false);
  }

  // ---- fix all --------------------------------------------------------------------------------

  /** The edit that applies every preferred fix (repeatedly) to the document; null when nothing is fixable. */
  private async fixAllEdit(d: OpenDocument): Promise<WorkspaceEdit | null> {
    if (!isAnalyzed(d) || d.tooLarge) return null;
    // The engine answers for the version it has; if the editor moved on meanwhile, ask again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.host.request<'fixAllResult'>((requestId) => ({ kind: 'fixAll', requestId, uri: d.uri }));
      if (this.docs.get(d.uri) !== d || result.text === null) return null;
      if (result.version !== d.doc.version) continue;
      const edits = minimalEdits(d.doc.getText(), result.text);
      if (edits.length === 0) return null;
      const target: EditTarget = { uri: d.uri, version: d.doc.version, documentChanges: this.support.documentChanges };
      return workspaceEdit(target, edits);
    }
    return null;
  }

  private fixAllRequest(uri: string): Promise<WorkspaceEdit | null> | null {
    const d = this.docs.find(uri);
    return d ? this.fixAllEdit(d) : null;
  }

  private async resolveCodeAction(action: CodeAction): Promise<CodeAction> {
    const data = fixAllData(action);
    const d = data && this.docs.get(data.uri);
    if (!d || d.doc.version !== data.version) return action;
    const edit = await this.fixAllEdit(d);
    return edit ? { ...action, edit } : action;
  }

  private async status(): Promise<ServerStatus> {
    const { status } = await this.host.request<'statusResult'>((requestId) => ({ kind: 'status', requestId }));
    return {
      ...status,
      ...this.analysisStatus.current(),
      engineRestarts: this.host.restarts,
      lastRestartReason: this.host.lastRestartReason,
      rssBytes: process.memoryUsage().rss,
    };
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.connection.console[level](message);
  }
}
