/**
 * The LeakLens cluster view (`leaklens.cluster`): wires the vscode-free ClusterExplorer model to a
 * TreeView, the commands, the read-only documents, settings and the kubeconfig file. The extension
 * calls this only in a trusted workspace (kubeconfig exec plugins run programs).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerClusterCommands } from './commands';
import { ClusterDocumentProvider, SCHEME } from './documents';
import { ClusterExplorer, type PodAttachments } from './explorer';
import { loadKubeconfig } from './kubeconfig';
import { createLinter } from './liveLint';
import type { ClusterNode } from './nodes';
import { kubeconfigSetting, namespaceSettings } from './settings';
import { ClusterTreeProvider } from './treeProvider';

export const VIEW_ID = 'leaklens.cluster';
/** Context key for viewsWelcome: loading | ready | noKubeconfig | problem (shown as a node). */
const STATE_KEY = 'leaklens.cluster.state';

export function registerClusterView(context: vscode.ExtensionContext, podAttachments?: PodAttachments): ClusterExplorer {
  let watchedFiles: string[] = [];
  const explorer = new ClusterExplorer({
    podAttachments,
    loadKubeconfig: async () => {
      const result = await loadKubeconfig(kubeconfigSetting());
      watchedFiles = result.ok ? result.config.location.files : [];
      return result;
    },
    namespaceSettings,
    linter: createLinter(),
  });
  const provider = new ClusterTreeProvider(explorer);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const documents = new ClusterDocumentProvider(
    (ctx) => explorer.api(ctx),
    (ctx) => explorer.credentialInfo(ctx),
  );

  // Welcome content only shows in an empty view without a message, so problems other than "no
  // kubeconfig at all" are tree nodes (with their details and a Retry), not view.message.
  const showState = () => {
    const s = explorer.state;
    const key = s.kind === 'problem' ? (s.problem.kind === 'noKubeconfig' ? 'noKubeconfig' : 'problem') : s.kind;
    void vscode.commands.executeCommand('setContext', STATE_KEY, key);
  };

  // The kubeconfig changes under us (kubectl config use-context, a cloud CLI login): re-read it.
  let fileWatchers: vscode.Disposable[] = [];
  let reloadTimer: NodeJS.Timeout | undefined;
  const watchKubeconfigFiles = () => {
    for (const w of fileWatchers) w.dispose();
    fileWatchers = watchedFiles.map((file) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
      const later = () => {
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => void explorer.reload(), 500);
      };
      watcher.onDidChange(later);
      watcher.onDidCreate(later);
      watcher.onDidDelete(later);
      return watcher;
    });
  };

  const onReloaded = () => {
    showState();
    watchKubeconfigFiles();
  };
  void vscode.commands.executeCommand('setContext', STATE_KEY, 'loading');
  void explorer.roots().then(onReloaded);

  // Goroutine groups newly under a pod are shown: the pod is expanded once per inspection, after
  // the view has redrawn it (a pod without children cannot be expanded).
  const expanded = new Set<string>();
  const expandInspected = (nodes: ClusterNode[] | undefined) => {
    for (const n of nodes ?? []) {
      if (n.type !== 'pod') continue;
      const key = n.id;
      if (!explorer.hasAttachments(n)) expanded.delete(key);
      else if (!expanded.has(key)) {
        expanded.add(key);
        void view.reveal(n, { expand: true, select: false, focus: false }).then(undefined, () => expanded.delete(key));
      }
    }
  };
  context.subscriptions.push(
    view,
    provider,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    // The whole tree changes after a reload (Refresh, a new kubeconfig, or the file changing).
    { dispose: explorer.onDidChange((nodes) => nodes === undefined && onReloaded()) },
    { dispose: explorer.onDidChange(expandInspected) },
    view.onDidCollapseElement((e) => explorer.collapse(e.element)),
    view.onDidChangeVisibility((e) => explorer.setVisible(e.visible)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('leaklens.cluster.kubeconfig')) void explorer.reload();
      else if (e.affectsConfiguration('leaklens.cluster.namespaces')) explorer.refreshNamespaceOrder();
    }),
    ...registerClusterCommands(explorer, view as vscode.TreeView<ClusterNode>),
    { dispose: () => {
      clearTimeout(reloadTimer);
      for (const w of fileWatchers) w.dispose();
      explorer.dispose();
    } },
  );
  // The explorer starts visible; if the view is hidden at activation, stop watching until it is shown.
  if (!view.visible) explorer.setVisible(false);
  return explorer;
}
