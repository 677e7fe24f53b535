/** Starts the bundled language server (dist/server.js) over IPC and keeps it alive. */
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SUPPRESS_COMMAND, type SuppressArgs } from './protocol';
import { pickSuppression } from './suppressPicker';

/**
 * Go files, YAML files, and JSON files under directories that conventionally hold Kubernetes
 * manifests (other JSON — package.json, tsconfig.json — is never a manifest).
 */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'go' },
  { scheme: 'file', language: 'yaml' },
  {
    scheme: 'file',
    language: 'json',
    pattern: '**/{k8s,kube,kubernetes,manifests,deploy,deployments,charts,helm,kustomize}/**/*.json',
  },
];

/** Files whose changes on disk the server hears about (workspace scan, go.mod semantics, config). */
const WATCHED_FILES = ['**/*.go', '**/*.{yaml,yml,json}', '**/.leaklens.yaml', '**/go.mod'];

/** Crashes allowed within CRASH_WINDOW_MS before the client gives up restarting. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 3 * 60_000;

export function createLanguageClient(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const fileEvents = WATCHED_FILES.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  context.subscriptions.push(...fileEvents);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: 'leaklens', fileEvents },
    diagnosticCollectionName: 'leaklens',
    outputChannel: output,
    errorHandler: new RestartOnCrash(output),
    middleware: {
      // "Suppress…" asks with a quick pick here; other editors get the server's question.
      executeCommand: (command, args, next) =>
        command === SUPPRESS_COMMAND ? pickSuppression(client, args[0] as SuppressArgs) : next(command, args),
    },
  };
  const client = new LanguageClient('leaklens', 'LeakLens', serverOptions, clientOptions);
  return client;
}

/**
 * Restarts the server whenever its process dies, telling the user the first time only; after
 * MAX_CRASHES within CRASH_WINDOW_MS it stops trying (a server that dies on start would loop forever).
 */
class RestartOnCrash implements ErrorHandler {
  private crashes: number[] = [];
  private toldUser = false;

  constructor(private readonly output: vscode.LogOutputChannel) {}

  error(error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    this.output.error(`connection error: ${error.message}`);
    // A few transport errors in a row mean the pipe is gone; closed() then decides about restarting.
    return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.crashes.length >= MAX_CRASHES) {
      const message = `The LeakLens server crashed ${MAX_CRASHES} times in 3 minutes and was not restarted. Run "LeakLens: Restart Server" after checking the output.`;
      this.output.error(message);
      void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => choice && this.output.show());
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.output.warn('the language server stopped unexpectedly; restarting it');
    if (!this.toldUser) {
      this.toldUser = true;
      void vscode.window
        .showWarningMessage('The LeakLens server stopped unexpectedly and was restarted.', 'Show Output')
        .then((choice) => choice && this.output.show());
    }
    return { action: CloseAction.Restart, handled: true };
  }
}
