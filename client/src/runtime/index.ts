/**
 * Runtime leak evidence in VS Code: "Inspect Goroutines" on a pod (or a workload: pick a pod), on a
 * local process and on a saved dump. Only on the user's command, never polled, and only in a
 * trusted workspace (the extension registers this after trust is granted). Each inspection shows
 * its groups under the pod and in the Goroutines view, and hands its evidence to the language
 * server, which puts it on the lines of code.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { FrameMapper } from '../../../server/src/goroutines/mapping';
import { findGoModules } from '../../../server/src/goroutines/modules';
import { ProfileTooLargeError } from '../../../server/src/goroutines/reader';
import { CancelledError, describeFetchError, readProfileFromFile, readProfileFromUrl } from '../../../server/src/goroutines/sources';
import { pickPod } from '../cluster/commands';
import type { PodAttachments } from '../cluster/explorer';
import type { ClusterExplorer } from '../cluster/explorer';
import type { ClusterNode, RuntimeNode } from '../cluster/nodes';
import { problemFromError } from '../cluster/problems';
import { RuntimeEvidenceNotification } from '../protocol';
import { evidenceParams } from './evidence';
import { PprofUnavailableError, ProxyForbiddenError, readPodProfile } from './podProfile';
import { podKey, RuntimeSessions, type PodRef, type SessionSettings, type Target } from './sessions';
import { sessionChildren, sessionNode, type TreeOptions } from './tree';
import { GoroutinesTreeProvider, OPEN_COMMAND } from './view';

const GOROUTINES_VIEW = 'leaklens.goroutines';
const DOCS = 'https://github.com/leaklens/leaklens/blob/main/docs/runtime-leaks.md';

function runtimeSettings(): SessionSettings & { pprofPort?: number } {
  const c = vscode.workspace.getConfiguration('leaklens.runtime');
  const num = (key: string, fallback: number) => {
    const v = c.get<number>(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  const port = c.get<number | null>('pprofPort');
  return {
    secondSampleMs: num('secondSampleSeconds', 30) * 1000,
    minWaitMinutes: num('leakMinWaitMinutes', 1),
    maxBytes: Math.max(1, num('maxProfileMB', 64)) * 1024 * 1024,
    pprofPort: typeof port === 'number' && port > 0 ? port : undefined,
  };
}

function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

function relative(file: string): string {
  return vscode.workspace.asRelativePath(file, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

export interface RuntimeFeature {
  sessions: RuntimeSessions;
  /** Goroutine groups under pods, for the Cluster view's explorer. */
  podAttachments: PodAttachments;
  /** The Cluster view exists (trusted workspace): pods can be inspected. */
  attachCluster(explorer: ClusterExplorer): void;
}

export function registerRuntime(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): RuntimeFeature {
  const sessions = new RuntimeSessions({
    mapper: () => {
      const roots = workspaceRoots();
      return new FrameMapper(findGoModules(roots), roots);
    },
    settings: runtimeSettings,
  });
  let explorer: ClusterExplorer | undefined;

  const describeError = (e: unknown, target?: Target): string => {
    if (e instanceof PprofUnavailableError || e instanceof ProxyForbiddenError) return e.message;
    if (e instanceof ProfileTooLargeError) return `${e.message}: raise leaklens.runtime.maxProfileMB`;
    const pod = target?.pod;
    if (pod) {
      const p = problemFromError(e, { what: `read the goroutine profile of pod ${pod.namespace}/${pod.name}` }, explorer?.credentialInfo(pod.context) ?? { server: '', user: '' });
      return `${p.title}. ${p.action}${p.detail ? ` (${p.detail})` : ''}`;
    }
    return target?.live ? describeFetchError(e, target.label) : ((e as Error)?.message ?? String(e));
  };
  const treeOptions = (target: Target): TreeOptions => ({ relative, describeError: (e) => describeError(e, target) });

  // Rendered trees per session, rebuilt on each change, before the views hear of it.
  const podTrees = new Map<string, RuntimeNode[]>();
  const viewTrees = new Map<string, RuntimeNode>();
  const podListeners = new Set<(pod: PodRef) => void>();
  const provider = new GoroutinesTreeProvider(() => [...viewTrees.values()]);

  const sendEvidence = (key: string) => {
    if (!client.isRunning()) return;
    const s = sessions.get(key);
    const params = s ? evidenceParams(s, relative) : { source: key, label: key, items: [] };
    client.sendNotification(RuntimeEvidenceNotification, params).catch((e: unknown) => output.warn(`sending runtime evidence failed: ${(e as Error)?.message ?? e}`));
  };
  const podOf = new Map<string, PodRef>();
  const onSessionChange = (key: string) => {
    const s = sessions.get(key);
    if (s) {
      if (s.target.pod) {
        podOf.set(key, s.target.pod);
        podTrees.set(key, sessionChildren(s, treeOptions(s.target), `r/${key}`));
      }
      viewTrees.set(key, sessionNode(s, treeOptions(s.target)));
    } else {
      podTrees.delete(key);
      viewTrees.delete(key);
    }
    void vscode.commands.executeCommand('setContext', 'leaklens.runtime.hasSessions', viewTrees.size > 0);
    provider.refresh();
    const pod = podOf.get(key);
    if (pod) for (const l of podListeners) l(pod);
    if (!s) podOf.delete(key);
    // Evidence comes with each sample, and goes with the session or a failed re-inspection.
    if (!s || s.samples.length || s.phase === 'failed') sendEvidence(key);
  };

  const podAttachments: PodAttachments = {
    childrenOf: (pod) => podTrees.get(podKey(pod)) ?? [],
    podGone: (pod) => sessions.remove(podKey(pod)),
    onDidChange: (listener) => {
      podListeners.add(listener);
      return () => podListeners.delete(listener);
    },
  };

  const inspect = async (target: Target) => {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'LeakLens', cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      try {
        await sessions.inspect(target, { signal: abort.signal, onProgress: (message) => progress.report({ message }) });
      } catch (e) {
        if (e instanceof CancelledError) return;
        const message = describeError(e, target);
        output.warn(`inspecting goroutines of ${target.label}: ${message}`);
        const actions = e instanceof PprofUnavailableError ? ['How to Expose pprof'] : ['Show Output'];
        void vscode.window.showErrorMessage(`LeakLens: ${message}`, ...actions).then((choice) => {
          if (choice === 'How to Expose pprof') void vscode.env.openExternal(vscode.Uri.parse(DOCS));
          else if (choice) output.show();
        });
      }
    });
  };

  const podTarget = (pod: PodRef): Target | undefined => {
    const api = explorer?.api(pod.context);
    if (!api) return undefined;
    return {
      key: podKey(pod),
      label: `pod ${pod.namespace}/${pod.name}`,
      pod,
      live: true,
      read: async (opts) => {
        const r = await readPodProfile(api, pod.namespace, pod.name, { ...opts, settingPort: runtimeSettings().pprofPort });
        return { profile: r.profile, detail: `port ${r.port} (${r.portSource}), ${r.endpoint.path}` };
      },
    };
  };

  const urlTarget = (url: string): Target => ({
    key: `url:${url}`,
    label: `process ${url}`,
    live: true,
    read: async (opts) => {
      const r = await readProfileFromUrl(url, opts);
      return { profile: r.profile, detail: `${url} ${r.endpoint.path}` };
    },
  });

  const fileTarget = (file: string): Target => ({
    key: `file:${file}`,
    label: `dump ${path.basename(file)}`,
    live: false,
    read: async (opts) => ({ profile: await readProfileFromFile(file, opts), detail: file }),
  });

  const isNode = (x: unknown): x is ClusterNode => !!x && typeof x === 'object' && typeof (x as ClusterNode).type === 'string';

  context.subscriptions.push(
    provider,
    vscode.window.createTreeView(GOROUTINES_VIEW, { treeDataProvider: provider, showCollapseAll: true }),
    { dispose: sessions.onDidChange(onSessionChange) },
    client.onDidChangeState((e) => {
      // A restarted server has forgotten the evidence.
      if (e.newState === State.Running) for (const s of sessions.all()) sendEvidence(s.target.key);
    }),
    vscode.commands.registerCommand('leaklens.runtime.inspectGoroutines', async (arg?: unknown) => {
      if (!explorer || !isNode(arg)) {
        void vscode.window.showInformationMessage('LeakLens: run Inspect Goroutines on a pod or workload in the Cluster view.');
        return;
      }
      const pod = await pickPod(explorer, arg);
      if (!pod) return;
      const target = podTarget(pod);
      if (target) await inspect(target);
      else void vscode.window.showErrorMessage(`LeakLens: context ${pod.context} is not in the kubeconfig any more.`);
    }),
    vscode.commands.registerCommand('leaklens.runtime.inspectProcess', async () => {
      const url = await vscode.window.showInputBox({
        title: 'LeakLens: Inspect Goroutines of a Local Process',
        prompt: 'The address of its net/http/pprof server (the goroutine profile is read from /debug/pprof/…)',
        value: 'http://127.0.0.1:6060',
        validateInput: (v) => (/^https?:\/\/[^/\s]+/.test(v.trim()) ? undefined : 'An http:// or https:// URL'),
      });
      if (url) await inspect(urlTarget(url.trim()));
    }),
    vscode.commands.registerCommand('leaklens.runtime.openDump', async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Inspect', title: 'LeakLens: Goroutine Dump (debug=2 or debug=1 text, or the protobuf)' }))?.[0];
      if (!uri) return;
      await inspect(fileTarget(uri.fsPath));
      await vscode.commands.executeCommand(`${GOROUTINES_VIEW}.focus`);
    }),
    vscode.commands.registerCommand('leaklens.runtime.inspectAgain', async (arg?: unknown) => {
      const s = isNode(arg) && arg.type === 'runtime' ? sessions.get(arg.session) : undefined;
      if (s) await inspect(s.target.pod ? (podTarget(s.target.pod) ?? s.target) : s.target);
    }),
    vscode.commands.registerCommand('leaklens.runtime.clearEvidence', (arg?: unknown) => {
      if (isNode(arg) && arg.type === 'runtime') sessions.remove(arg.session);
      else if (isNode(arg) && arg.type === 'pod') sessions.remove(podKey(arg));
      else sessions.clear();
    }),
    vscode.commands.registerCommand(OPEN_COMMAND, async (at?: { file: string; line: number }) => {
      if (!at) return;
      const pos = new vscode.Position(Math.max(at.line - 1, 0), 0);
      await vscode.window.showTextDocument(vscode.Uri.file(at.file), { selection: new vscode.Range(pos, pos), preview: true });
    }),
    { dispose: () => sessions.clear() },
  );
  return {
    sessions,
    podAttachments,
    attachCluster: (e) => (explorer = e),
  };
}
