/** The cluster view's commands. All of them only read from the cluster. */
import * as vscode from 'vscode';
import { documentUri, type ClusterDocument } from './documents';
import type { ClusterExplorer } from './explorer';
import { objectPath, PODS } from './kinds';
import type { KubeObject, ObjectRef } from './kube';
import { findInManifest, rankLocations, type ManifestLocation } from './manifestLocator';
import type { ClusterNode, MessageNode, PodNode, WorkloadNode } from './nodes';
import type { ContainerSummary } from './podStatus';
import { problemFromError } from './problems';
import { KUBECONFIG_SETTING, logTailLines, traceSettings } from './settings';
import { traceLink, type TraceTarget } from './traces';

type Handler = (node: ClusterNode) => unknown;

export function registerClusterCommands(explorer: ClusterExplorer, view: vscode.TreeView<ClusterNode>): vscode.Disposable[] {
  /** Menus pass the node; the command palette passes nothing, so fall back to the selection. */
  const onNode = (handler: Handler) => async (arg?: unknown) => {
    const node = isNode(arg) ? arg : view.selection[0];
    if (!node) {
      void vscode.window.showInformationMessage('LeakLens: select an item in the Cluster view first.');
      return;
    }
    try {
      await handler(node);
    } catch (e) {
      void vscode.window.showErrorMessage(`LeakLens: ${(e as Error)?.message ?? e}`);
    }
  };
  const register = (id: string, handler: Handler) => vscode.commands.registerCommand(`leaklens.cluster.${id}`, onNode(handler));
  return [
    vscode.commands.registerCommand('leaklens.cluster.refresh', (arg?: unknown) => explorer.refresh(isNode(arg) ? arg : undefined)),
    vscode.commands.registerCommand('leaklens.cluster.chooseKubeconfig', chooseKubeconfig),
    vscode.commands.registerCommand('leaklens.cluster.showProblemsOnly', () => setProblemsOnly(explorer, true)),
    vscode.commands.registerCommand('leaklens.cluster.showAll', () => setProblemsOnly(explorer, false)),
    register('useContext', (n) => n.type === 'context' && explorer.useContext(n.context)),
    register('useNamespace', (n) => n.type === 'namespace' && explorer.useNamespace(n.context, n.namespace)),
    register('showLogs', (n) => showLogs(explorer, n, false)),
    register('showPreviousLogs', (n) => showLogs(explorer, n, true)),
    register('describe', (n) => openDocument(n, 'describe')),
    register('showEvents', (n) => openDocument(n, 'events')),
    register('copyName', (n) => copyName(n)),
    register('revealManifest', (n) => revealManifest(explorer, n)),
    register('openTraces', (n) => openTraces(explorer, n)),
    register('showProblem', (n) => n.type === 'message' && showProblem(n)),
  ];
}

/** The view title's filter button shows the state through this context key. */
export const PROBLEMS_ONLY_KEY = 'leaklens.cluster.problemsOnly';

async function setProblemsOnly(explorer: ClusterExplorer, on: boolean): Promise<void> {
  explorer.setProblemsOnly(on);
  await vscode.commands.executeCommand('setContext', PROBLEMS_ONLY_KEY, on);
}

function isNode(x: unknown): x is ClusterNode {
  return !!x && typeof x === 'object' && typeof (x as ClusterNode).type === 'string' && typeof (x as ClusterNode).id === 'string';
}

async function chooseKubeconfig(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use this kubeconfig', title: 'LeakLens: kubeconfig file' });
  if (!picked?.[0]) return;
  // User settings only: the setting is machine-scoped and never read from a workspace.
  await vscode.workspace.getConfiguration().update(KUBECONFIG_SETTING, picked[0].fsPath, vscode.ConfigurationTarget.Global);
}

function objectOf(n: ClusterNode): { kind: string; namespace: string; name: string; context: string } | undefined {
  switch (n.type) {
    case 'pod':
      return { kind: 'Pod', namespace: n.namespace, name: n.name, context: n.context };
    case 'workload':
      return { kind: n.kind, namespace: n.namespace, name: n.name, context: n.context };
    case 'namespace':
      return { kind: 'Namespace', namespace: n.namespace, name: n.namespace, context: n.context };
    default:
      return undefined;
  }
}

async function openDocument(n: ClusterNode, view: 'describe' | 'events'): Promise<void> {
  const o = objectOf(n);
  if (!o) return;
  const doc = await vscode.workspace.openTextDocument(documentUri({ view, ...o }));
  await vscode.window.showTextDocument(doc, { preview: true });
}

async function copyName(n: ClusterNode): Promise<void> {
  const name = n.type === 'context' ? n.context : n.type === 'namespace' ? n.namespace : n.type === 'message' ? n.text : n.type === 'runtime' ? n.label : n.name;
  await vscode.env.clipboard.writeText(name);
}

/** The pod node itself, or for a workload one of its pods (asking when there are several). */
export async function pickPod(explorer: ClusterExplorer, n: ClusterNode): Promise<PodNode | undefined> {
  if (n.type === 'pod') return n;
  if (n.type !== 'workload') return undefined;
  const pods = explorer.store(n.context, n.namespace)?.podsOf(`${n.kind}/${n.name}`) ?? [];
  if (pods.length <= 1) return pods[0] && { type: 'pod', id: '', context: n.context, namespace: n.namespace, name: pods[0].name };
  const picked = await vscode.window.showQuickPick(
    pods.map((p) => ({ label: p.name, description: p.status })),
    { title: `Pods of ${n.kind} ${n.name}` },
  );
  return picked && { type: 'pod', id: '', context: n.context, namespace: n.namespace, name: picked.label };
}

async function pickContainer(containers: ContainerSummary[], title: string): Promise<string | undefined> {
  if (containers.length <= 1) return containers[0]?.name;
  const picked = await vscode.window.showQuickPick(
    containers.map((c) => ({ label: c.name, description: `${c.init ? 'init · ' : ''}${c.state}${c.lastTermination ? ` · last: ${c.lastTermination.reason}` : ''}` })),
    { title },
  );
  return picked?.label;
}

/** Follows the current container's log, or shows the previous (crashed) container's. */
async function showLogs(explorer: ClusterExplorer, n: ClusterNode, previous: boolean): Promise<void> {
  const podNode = await pickPod(explorer, n);
  if (!podNode) return;
  const pod = explorer.pod(podNode);
  if (pod && !pod.node && !previous) {
    // No node, no kubelet to ask: say why instead of opening an empty log.
    const why = pod.unscheduled ? ` (${pod.unscheduled.reason}${pod.unscheduled.message ? `: ${pod.unscheduled.message}` : ''})` : '';
    void vscode.window.showInformationMessage(`LeakLens: ${podNode.name} is not scheduled to a node yet${why}, so it has no log.`);
    return;
  }
  const candidates = (pod?.containers ?? []).filter((c) => !previous || c.lastTermination);
  if (previous && !candidates.length) {
    void vscode.window.showInformationMessage(`LeakLens: no container of ${podNode.name} has restarted, so there is no previous log.`);
    return;
  }
  const container = await pickContainer(candidates, `${previous ? 'Previous logs' : 'Logs'} of ${podNode.name}: container`);
  if (!container) return;
  const d: ClusterDocument = { view: 'logs', context: podNode.context, namespace: podNode.namespace, pod: podNode.name, container, previous, tailLines: logTailLines(), node: pod?.node };
  const doc = await vscode.workspace.openTextDocument(documentUri(d));
  await vscode.window.showTextDocument(doc, { preview: false });
}

/** The object a manifest would define: the workload of a pod that has one. */
function manifestRef(explorer: ClusterExplorer, n: ClusterNode): ObjectRef | undefined {
  if (n.type === 'pod') {
    const parent = explorer.parent(n);
    if (parent?.type === 'workload') return { kind: parent.kind, namespace: parent.namespace, name: parent.name };
  }
  const o = objectOf(n);
  return o && { kind: o.kind, namespace: o.namespace, name: o.name };
}

async function revealManifest(explorer: ClusterExplorer, n: ClusterNode): Promise<void> {
  const ref = manifestRef(explorer, n);
  if (!ref) return;
  const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/{node_modules,.git}/**', 10_000);
  const found: ManifestLocation[] = [];
  for (const uri of files) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    // A cheap filter before parsing: the name must occur in the file.
    if (text.includes(ref.name)) found.push(...findInManifest(uri.toString(), text, ref));
  }
  const ranked = rankLocations(found);
  if (!ranked.length) {
    void vscode.window.showInformationMessage(`LeakLens: no manifest in this workspace defines ${ref.kind} ${ref.name}.`);
    return;
  }
  let target = ranked[0];
  if (ranked.length > 1) {
    const picked = await vscode.window.showQuickPick(
      ranked.map((l) => ({ label: vscode.workspace.asRelativePath(vscode.Uri.parse(l.file)), description: `line ${l.line + 1}${l.namespaceMatched ? ' · namespace matches' : ''}`, l })),
      { title: `Manifests defining ${ref.kind} ${ref.name}` },
    );
    if (!picked) return;
    target = picked.l;
  }
  const pos = new vscode.Position(target.line, target.character);
  await vscode.window.showTextDocument(vscode.Uri.parse(target.file), { selection: new vscode.Range(pos, pos) });
}

async function traceTarget(explorer: ClusterExplorer, n: WorkloadNode | PodNode): Promise<TraceTarget | undefined> {
  if (n.type === 'workload') {
    const w = explorer.workload(n);
    return w && { namespace: n.namespace, workload: w.object, workloadName: w.name };
  }
  const pod = explorer.pod(n);
  const container = pod?.containers.find((c) => !c.init)?.name;
  const parent = explorer.parent(n);
  if (parent?.type === 'workload') {
    const w = explorer.workload(parent);
    if (w) return { namespace: n.namespace, workload: w.object, workloadName: w.name, pod: n.name, container };
  }
  // A standalone pod: its own spec carries the env vars and labels.
  const api = explorer.api(n.context);
  const obj = await api?.getJson<KubeObject>(objectPath(PODS, n.namespace, n.name));
  return obj && { namespace: n.namespace, workload: obj, workloadName: n.name, pod: n.name, container };
}

async function openTraces(explorer: ClusterExplorer, n: ClusterNode): Promise<void> {
  if (n.type !== 'workload' && n.type !== 'pod') return;
  let target: TraceTarget | undefined;
  try {
    target = await traceTarget(explorer, n);
  } catch (e) {
    const p = problemFromError(e, { what: `get pod ${n.name}` }, explorer.credentialInfo(n.context) ?? { server: '', user: '' });
    void vscode.window.showErrorMessage(`LeakLens: ${p.title}. ${p.action}`);
    return;
  }
  if (!target) return;
  const link = traceLink(target, traceSettings());
  if (!link.ok) {
    const choice = await vscode.window.showInformationMessage(`LeakLens: ${link.reason}`, 'Open Settings');
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'leaklens.traces');
    return;
  }
  await vscode.env.openExternal(vscode.Uri.parse(link.url, true));
}

async function showProblem(n: MessageNode): Promise<void> {
  const p = n.problem;
  if (!p) return;
  const message = `${p.title}. ${p.action}${p.detail ? ` (${p.detail})` : ''}`;
  const choice = await vscode.window.showWarningMessage(`LeakLens: ${message}`, 'Retry', 'Copy Details');
  if (choice === 'Retry') await vscode.commands.executeCommand('leaklens.cluster.refresh', n);
  if (choice === 'Copy Details') await vscode.env.clipboard.writeText([p.title, p.detail, p.action].filter(Boolean).join('\n'));
}
