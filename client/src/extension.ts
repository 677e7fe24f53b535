/**
 * Extension entry point: starts the LeakLens language server, the status bar item, the commands
 * and (in trusted workspaces) the cluster view.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerClusterView } from './cluster';
import { registerCommands } from './commands';
import { createLanguageClient } from './languageClient';
import { AnalysisStatusNotification, FindingCountNotification, type FindingCount } from './protocol';
import { registerRuntime } from './runtime';
import { FindingsStatusBar } from './statusBar';

/** What `activate` returns: for other extensions, and for the editor tests. */
export interface LeakLensApi {
  readonly client: LanguageClient;
  /** Resolves once the server has started (rejects if it could not). */
  readonly ready: Promise<void>;
  /** The workspace's finding count as last reported by the server. */
  findingCount(): FindingCount | undefined;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): LeakLensApi {
  const output = vscode.window.createOutputChannel('LeakLens', { log: true });
  const statusBar = new FindingsStatusBar();
  const languageClient = createLanguageClient(context, output);
  client = languageClient;
  let count: FindingCount | undefined;
  context.subscriptions.push(
    output,
    statusBar,
    languageClient.onDidChangeState((e) => statusBar.setState(e.newState)),
    languageClient.onNotification(FindingCountNotification, (c) => {
      count = c;
      statusBar.setCount(c);
    }),
    languageClient.onNotification(AnalysisStatusNotification, (s) => statusBar.setAnalysisStatus(s)),
    ...registerCommands({
      extensionUri: context.extensionUri,
      client: languageClient,
      output,
      findingCount: () => count,
    }),
  );
  const ready = languageClient.start();
  ready.catch((err: unknown) => {
    output.error(`could not start the language server: ${(err as Error)?.message ?? err}`);
    void vscode.window.showErrorMessage('LeakLens: the language server did not start.', 'Show Output').then(
      (choice) => choice && output.show(),
    );
  });
  whenTrusted(context, () => {
    const runtime = registerRuntime(context, languageClient, output);
    runtime.attachCluster(registerClusterView(context, runtime.podAttachments));
  });
  return { client: languageClient, ready, findingCount: () => count };
}

export function deactivate(): Promise<void> | undefined {
  return client?.needsStop() ? client.stop() : undefined;
}

/** Runs `start` now in a trusted workspace, or once the user trusts it (Restricted Mode keeps it off). */
function whenTrusted(context: vscode.ExtensionContext, start: () => void): void {
  if (vscode.workspace.isTrusted) start();
  else context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(start));
}
