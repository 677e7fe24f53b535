/**
 * A real LSP client for tests and benchmarks: spawns `node dist/server.js --stdio` and talks to it
 * over stdio with vscode-languageserver-protocol, answering the server's requests
 * (workspace/configuration, registrations, progress creation) like an editor would, and recording
 * everything the server sends.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  type ClientCapabilities,
  type FileEvent,
  type InitializeResult,
  type LogMessageParams,
  type MessageConnection,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type ShowMessageParams,
  type TextDocumentContentChangeEvent,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { applyEdits } from '../../server/src/engine/text';

export const SERVER_JS = path.join(__dirname, '..', '..', 'dist', 'server.js');

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

/** A temporary workspace folder holding `files` (relative path -> text); removed by the caller. */
export function makeWorkspace(files: Record<string, string | Buffer> = {}): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-lsp-')));
  for (const [rel, text] of Object.entries(files)) writeFile(root, rel, text);
  return root;
}

export function writeFile(root: string, rel: string, text: string | Buffer): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ['edit'] },
    },
  },
  window: { workDoneProgress: true, showMessage: {} },
};

export interface StartOptions {
  /** The workspace folder (none when absent). */
  root?: string;
  /** The `leaklens` settings section the client answers workspace/configuration with. */
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
}

export interface ProgressEvent {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; percentage?: number };
}

export class LspClient {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly logs: LogMessageParams[] = [];
  readonly messages: ShowMessageParams[] = [];
  readonly progress: ProgressEvent[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly registrations: string[] = [];
  stderr = '';
  settings: Record<string, unknown>;
  initializeResult!: InitializeResult;
  readonly startedAt = performance.now();
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
  }

  static async start(options: StartOptions = {}): Promise<LspClient> {
    const proc = spawn(process.execPath, [SERVER_JS, '--stdio'], { env: { ...process.env, ...options.env }, stdio: 'pipe' });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const client = new LspClient(proc, connection, options);
    proc.stderr.on('data', (d) => (client.stderr += d));
    client.wire();
    connection.listen();
    const folders = options.root ? [{ uri: uriOf(options.root), name: path.basename(options.root) }] : null;
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: options.root ? uriOf(options.root) : null,
      workspaceFolders: folders,
      capabilities: options.capabilities ?? FULL_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private wire(): void {
    const c = this.connection;
    const record = <T>(list: T[]) => (params: T) => {
      list.push(params);
      this.changed();
    };
    c.onNotification(PublishDiagnosticsNotification.type, record(this.diagnostics));
    c.onNotification(LogMessageNotification.type, record(this.logs));
    c.onNotification(ShowMessageNotification.type, record(this.messages));
    // A protocol connection is a jsonrpc MessageConnection; $/progress never reaches a catch-all handler.
    const rpc = c as unknown as MessageConnection;
    rpc.onUnhandledProgress((p) => record(this.progress)(p as ProgressEvent));
    rpc.onNotification((method: string, params: unknown) => record(this.notifications)({ method, params }));
    c.onRequest(ConfigurationRequest.type, (p) => p.items.map((item) => (item.section === 'leaklens' ? this.settings : null)));
    c.onRequest(RegistrationRequest.type, (p) => {
      for (const r of p.registrations) this.registrations.push(r.method);
      this.changed();
    });
    c.onRequest(WorkDoneProgressCreateRequest.type, () => {});
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Calls `listener` after every message from the server is recorded; returns the unsubscribe function. */
  onMessage(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first truthy value of `probe`, re-checked on every message from the server. */
  waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 15000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let value: T | undefined | null | false;
        try {
          value = probe();
        } catch (err) {
          done();
          reject(err);
          return;
        }
        if (value) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nserver stderr:\n${this.stderr}\nlogs:\n${this.logs.map((l) => l.message).join('\n')}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Diagnostics published for `uri` (optionally for one version), the latest first satisfying `accept`. */
  waitForDiagnostics(uri: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true, what = `diagnostics for ${uri}`, timeoutMs?: number): Promise<PublishDiagnosticsParams> {
    return this.waitFor(() => {
      const latest = this.latestDiagnostics(uri);
      return latest && accept(latest) ? latest : undefined;
    }, what, timeoutMs);
  }

  latestDiagnostics(uri: string): PublishDiagnosticsParams | undefined {
    for (let i = this.diagnostics.length - 1; i >= 0; i--) if (this.diagnostics[i].uri === uri) return this.diagnostics[i];
    return undefined;
  }

  async open(file: string, text: string, languageId = languageIdOf(file)): Promise<ClientDocument> {
    const doc = new ClientDocument(this, uriOf(file), text);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: doc.uri, languageId, version: doc.version, text },
    });
    return doc;
  }

  async close(doc: ClientDocument): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: doc.uri } });
  }

  async setSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { leaklens: settings } });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /** The params of every notification of `method` the server sent (beyond the ones recorded above). */
  notificationsOf(method: string): unknown[] {
    return this.notifications.filter((n) => n.method === method).map((n) => n.params);
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) resolve();
      else this.proc.once('exit', () => resolve());
    });
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 3000))]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // the server may already be gone
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}

function languageIdOf(file: string): string {
  const ext = path.extname(file).toLowerCase();
  return ext === '.go' ? 'go' : ext === '.json' ? 'json' : 'yaml';
}

/** An open document on the client side: its text and version, kept in step with what was sent. */
export class ClientDocument {
  version = 1;

  constructor(
    readonly client: LspClient,
    readonly uri: string,
    public text: string,
  ) {}

  /** Sends one incremental change and returns the new version. */
  async edit(range: Range, newText: string): Promise<number> {
    return this.send([{ range, text: newText }]);
  }

  async replaceAll(text: string): Promise<number> {
    return this.send([{ text }]);
  }

  async send(changes: TextDocumentContentChangeEvent[]): Promise<number> {
    for (const change of changes) {
      this.text = 'range' in change ? applyEdits(this.text, [{ range: change.range, newText: change.text }]) : change.text;
    }
    this.version++;
    await this.client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: this.uri, version: this.version },
      contentChanges: changes,
    });
    return this.version;
  }

  /** Applies a workspace edit's changes for this document to the local text, and sends them as one change. */
  async apply(edit: WorkspaceEdit): Promise<number> {
    const edits = editsFor(edit, this.uri);
    // Send back to front so each range refers to the text as it was.
    const sorted = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    return this.send(sorted.map((e) => ({ range: e.range, text: e.newText })));
  }

  /** Diagnostics published for exactly this document's current version. */
  diagnostics(timeoutMs?: number): Promise<PublishDiagnosticsParams> {
    const version = this.version;
    return this.client.waitForDiagnostics(this.uri, (p) => p.version === version, `diagnostics for ${this.uri} v${version}`, timeoutMs);
  }
}

/** The text edits a workspace edit makes to one document. */
export function editsFor(edit: WorkspaceEdit, uri: string) {
  if (edit.documentChanges) {
    return edit.documentChanges
      .flatMap((c) => ('textDocument' in c && c.textDocument.uri === uri ? c.edits : []))
      .map((e) => ({ range: e.range, newText: 'newText' in e ? e.newText : e.snippet.value }));
  }
  return edit.changes?.[uri] ?? [];
}

/** Applies a workspace edit's changes for `uri` to `text`. */
export function applyWorkspaceEdit(text: string, edit: WorkspaceEdit, uri: string): string {
  return applyEdits(text, editsFor(edit, uri));
}

/** A Go module workspace, the usual starting point of a protocol test. */
export const GO_MODULE: Record<string, string> = { 'go.mod': 'module example.com/svc\n\ngo 1.22\n' };

/**
 * A server on a fresh workspace for the tests of one describe block: started before them,
 * stopped and its workspace removed after.
 */
export function serverForSuite(options: Omit<StartOptions, 'root'>, files = GO_MODULE): { root: string; client: LspClient } {
  const server = { root: '', client: undefined as unknown as LspClient };
  before(async () => {
    server.root = makeWorkspace(files);
    server.client = await LspClient.start({ root: server.root, ...options });
  });
  after(async () => {
    await server.client?.stop();
    fs.rmSync(server.root, { recursive: true, force: true });
  });
  return server;
}
