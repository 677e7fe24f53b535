/**
 * How each node looks: label, description, icon and colour (codicon and theme colour ids), the
 * context value menus key on, and a Markdown tooltip. Pure data; the vscode adapter wraps it.
 */
import type { ClusterExplorer } from './explorer';
import { ageOf, humanDuration } from './humanDuration';
import { workloadKey } from './namespaceStore';
import type { ClusterNode, MessageNode, PodNode, WorkloadNode } from './nodes';
import { hasPreviousLogs, restartsColumn, type PodHealth, type PodSummary } from './podStatus';
import { serviceIdentity } from './traces';
import { readyColumn, type WorkloadSummary } from './workloads';
import { plural } from '../plural';

export interface Icon {
  id: string;
  color?: string;
}

export interface NodeView {
  id: string;
  label: string;
  description?: string;
  icon: Icon;
  /** Menus match on this (`viewItem`). */
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
}

const POD_ICONS: Record<PodHealth, Icon> = {
  ready: { id: 'pass-filled', color: 'testing.iconPassed' },
  notReady: { id: 'warning', color: 'list.warningForeground' },
  pending: { id: 'clock', color: 'charts.yellow' },
  failed: { id: 'error', color: 'list.errorForeground' },
  succeeded: { id: 'check', color: 'disabledForeground' },
  terminating: { id: 'trash', color: 'disabledForeground' },
  unknown: { id: 'question', color: 'list.warningForeground' },
};

const WORKLOAD_ICONS: Record<WorkloadSummary['kind'], string> = {
  Deployment: 'layers',
  StatefulSet: 'database',
  DaemonSet: 'server',
  Job: 'play-circle',
  CronJob: 'history',
};

const MESSAGE_ICONS: Record<MessageNode['severity'], Icon> = {
  error: { id: 'error', color: 'list.errorForeground' },
  warning: { id: 'warning', color: 'list.warningForeground' },
  info: { id: 'info' },
  loading: { id: 'loading~spin' },
};

/**
 * Escapes text that comes from the cluster for the tooltip's Markdown (inline, in table cells):
 * emphasis, code, links, HTML, table pipes, and `$(` (theme icons are on).
 */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|~$]/g, (c) => `\\${c}`).replace(/\n/g, '  \n');
}


/**
 * A pod's row: the status comes first (a narrow sidebar cuts the end of a row, never the
 * CrashLoopBackOff), and it is part of the label, which tree find (Ctrl+Alt+F) matches.
 */
export function podLabel(p: PodSummary): string {
  return `${p.status} · ${p.name}`;
}

/** After the label: what kubectl hides (the reason behind a crash loop), READY, RESTARTS, why a pod is not scheduled. */
export function podDescription(p: PodSummary): string {
  const parts: string[] = [];
  const last = p.lastTermination?.reason;
  if (last && last !== p.status && (p.health === 'failed' || p.health === 'notReady')) parts.push(`last: ${last}`);
  parts.push(`${p.ready}/${p.total}`);
  if (p.restarts) parts.push(plural(p.restarts, 'restart'));
  if (p.unscheduled) parts.push(`${p.unscheduled.reason}${p.unscheduled.message ? `: ${p.unscheduled.message}` : ''}`);
  return parts.join(' · ');
}

function workloadHealthIcon(w: WorkloadSummary, failing: number): Icon {
  const id = WORKLOAD_ICONS[w.kind];
  if (failing > 0) return { id, color: 'list.errorForeground' };
  if (w.kind === 'CronJob') return { id };
  if (w.desired !== undefined && w.ready < w.desired) return { id, color: 'list.warningForeground' };
  return { id, color: 'testing.iconPassed' };
}

export function viewOf(ex: ClusterExplorer, node: ClusterNode): NodeView {
  switch (node.type) {
    case 'context': {
      const info = ex.contextInfo(node.context);
      const current = ex.isCurrentContext(node.context);
      const state = ex.contextState(node.context);
      const broken = state && (state.phase === 'failed' || state.phase === 'retrying') && state.problem.kind !== 'forbidden';
      return {
        id: node.id,
        label: node.context,
        description: [current ? 'current' : '', info?.server ? hostOf(info.server) : ''].filter(Boolean).join(' · '),
        icon: broken ? { id: 'cloud', color: 'list.errorForeground' } : { id: 'cloud', color: current ? 'charts.blue' : undefined },
        contextValue: current ? 'leaklens.context.current' : 'leaklens.context',
        collapsible: current ? 'expanded' : 'collapsed',
      };
    }
    case 'namespace': {
      const current = ex.currentNamespace(node.context) === node.namespace;
      const store = ex.store(node.context, node.namespace);
      const problems = store?.problems() ?? [];
      return {
        id: node.id,
        label: node.namespace,
        description: current ? 'current' : undefined,
        icon: problems.length ? { id: 'symbol-namespace', color: 'list.warningForeground' } : { id: 'symbol-namespace' },
        contextValue: current ? 'leaklens.namespace.current' : 'leaklens.namespace',
        collapsible: current && ex.isCurrentContext(node.context) ? 'expanded' : 'collapsed',
      };
    }
    case 'workload':
      return workloadView(ex, node);
    case 'pod':
      return podView(ex, node);
    case 'runtime':
      return { id: node.id, label: node.label, description: node.description, icon: node.icon, contextValue: node.contextValue, collapsible: node.collapsible };
    case 'message':
      return {
        id: node.id,
        label: node.text,
        description: node.problem && node.severity !== 'info' ? node.problem.action : undefined,
        icon: MESSAGE_ICONS[node.severity],
        contextValue: node.problem ? 'leaklens.message.problem' : 'leaklens.message',
        collapsible: 'none',
      };
  }
}

function workloadView(ex: ClusterExplorer, node: WorkloadNode): NodeView {
  const w = ex.workload(node);
  const store = ex.store(node.context, node.namespace);
  const key = workloadKey(node.kind, node.name);
  if (!w || !store) return { id: node.id, label: node.name, description: node.kind, icon: { id: 'circle-slash' }, contextValue: 'leaklens.gone', collapsible: 'none' };
  const failing = store.failingPods(key);
  const findings = store.lint.get(key) ?? [];
  // Health first, then what it is, then lint (a narrow sidebar cuts the end).
  const parts = failing ? [`${failing} failing`] : [];
  parts.push(readyColumn(w), node.kind);
  if (findings.length) parts.push(plural(findings.length, 'lint finding'));
  return {
    id: node.id,
    label: node.name,
    description: parts.join(' · '),
    icon: workloadHealthIcon(w, failing),
    contextValue: `leaklens.workload.${node.kind.toLowerCase()}`,
    collapsible: store.podCount(key) ? 'collapsed' : 'none',
  };
}

function podView(ex: ClusterExplorer, node: PodNode): NodeView {
  const p = ex.pod(node);
  if (!p) return { id: node.id, label: node.name, description: 'gone', icon: { id: 'circle-slash' }, contextValue: 'leaklens.gone', collapsible: 'none' };
  return {
    id: node.id,
    label: podLabel(p),
    description: podDescription(p),
    icon: POD_ICONS[p.health],
    contextValue: hasPreviousLogs(p) ? 'leaklens.pod.restarted' : 'leaklens.pod',
    collapsible: ex.hasAttachments(node) ? 'expanded' : 'none',
  };
}

function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

function table(rows: [string, string | undefined][]): string {
  const kept = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  return ['| | |', '|---|---|', ...kept.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

function podTooltip(p: PodSummary, now: number): string {
  const age = (t: number | undefined) => (t === undefined ? undefined : `${humanDuration(now - t)} ago`);
  const last = p.lastTermination;
  const rows: [string, string | undefined][] = [
    ['Status', md(p.status)],
    ['Not scheduled', p.unscheduled && md(`${p.unscheduled.reason}${p.unscheduled.message ? `: ${p.unscheduled.message}` : ''}`)],
    ['Ready', `${p.ready}/${p.total}`],
    ['Restarts', md(restartsColumn(p, now, humanDuration))],
    ['Last termination', last ? md(`${last.reason} (exit ${last.exitCode ?? '?'}) in ${last.container}${last.finishedAt ? `, ${age(last.finishedAt)}` : ''}`) : undefined],
    ['Age', ageOf(p.createdAt, now)],
    ['Terminating since', age(p.deletingSince)],
    ['Phase', p.phase],
    ['Node', p.node && md(p.node)],
    ['IP', p.podIP],
    ['Controlled by', p.owner && md(`${p.owner.kind} ${p.owner.name}`)],
  ];
  const containers = p.containers.map((c) => {
    const bits = [md(c.state), c.ready ? 'ready' : 'not ready'];
    if (c.restarts) bits.push(plural(c.restarts, 'restart'));
    if (c.lastTermination) bits.push(`last: ${md(c.lastTermination.reason)} (exit ${c.lastTermination.exitCode ?? '?'})`);
    const line = `- \`${c.name}\`${c.init ? ' (init)' : ''}: ${bits.join(' · ')}`;
    return c.message ? `${line}\n  > ${md(c.message.slice(0, 300))}` : line;
  });
  return [`**Pod ${md(p.name)}**`, '', table(rows), ...(p.message ? ['', `> ${md(p.message)}`] : []), '', '**Containers**', '', ...containers].join('\n');
}

function workloadTooltip(ex: ClusterExplorer, node: WorkloadNode, now: number): string {
  const w = ex.workload(node);
  const store = ex.store(node.context, node.namespace);
  if (!w || !store) return `${node.kind} ${md(node.name)} (gone)`;
  const key = workloadKey(node.kind, node.name);
  const st = w.object.status ?? {};
  const findings = store.lint.get(key) ?? [];
  const service = serviceIdentity({ namespace: node.namespace, workload: w.object, workloadName: w.name });
  const rows: [string, string | undefined][] = [
    [w.kind === 'CronJob' ? 'Active jobs' : w.kind === 'Job' ? 'Succeeded' : 'Ready', readyColumn(w)],
    ['Up to date', st.updatedReplicas !== undefined ? String(st.updatedReplicas) : st.updatedNumberScheduled !== undefined ? String(st.updatedNumberScheduled) : undefined],
    ['Available', st.availableReplicas !== undefined ? String(st.availableReplicas) : st.numberAvailable !== undefined ? String(st.numberAvailable) : undefined],
    ['Failed', w.kind === 'Job' && st.failed ? String(st.failed) : undefined],
    ['Schedule', w.kind === 'CronJob' ? md(String(w.object.spec?.schedule ?? '')) : undefined],
    ['Last schedule', w.kind === 'CronJob' && st.lastScheduleTime ? `${humanDuration(now - Date.parse(st.lastScheduleTime))} ago` : undefined],
    ['Pods', String(store.podCount(key))],
    ['Failing pods', String(store.failingPods(key))],
    ['Age', ageOf(w.createdAt, now)],
    ['Trace service', `${md(service.service)} (${md(service.source)})`],
  ];
  const lint = findings.length
    ? ['', `**Live lint: ${plural(findings.length, 'finding')}**`, '', ...findings.map((f) => `- ${f.severity === 'error' ? '$(error)' : f.severity === 'warning' ? '$(warning)' : '$(info)'} \`${f.rule}\`: ${md(f.message)}`)]
    : ['', 'Live lint: no findings'];
  return [`**${w.kind} ${md(w.name)}**`, '', table(rows), ...lint].join('\n');
}

export function tooltipOf(ex: ClusterExplorer, node: ClusterNode, now = Date.now()): string {
  switch (node.type) {
    case 'pod': {
      const p = ex.pod(node);
      return p ? podTooltip(p, now) : `Pod ${md(node.name)} (gone)`;
    }
    case 'workload':
      return workloadTooltip(ex, node, now);
    case 'context': {
      const info = ex.contextInfo(node.context);
      const cred = ex.credentialInfo(node.context);
      const state = ex.contextState(node.context);
      const rows: [string, string | undefined][] = [
        ['Server', info?.server && md(info.server)],
        ['User', cred?.user && md(cred.user)],
        ['Namespace', md(ex.currentNamespace(node.context))],
      ];
      const problem = state && (state.phase === 'failed' || state.phase === 'retrying') ? state.problem : undefined;
      return [`**Context ${md(node.context)}**`, '', table(rows), ...(problem ? ['', problemMarkdown(problem)] : [])].join('\n');
    }
    case 'namespace': {
      const watched = ex.watchedNamespaces().includes(`${node.context}/${node.namespace}`);
      const problems = ex.store(node.context, node.namespace)?.problems() ?? [];
      return [`**Namespace ${md(node.namespace)}**`, '', watched ? 'Watching live (collapse to stop).' : 'Not watched (expand to watch).', ...problems.map((p) => `\n${problemMarkdown(p.problem)}`)].join('\n');
    }
    case 'message':
      return node.problem ? problemMarkdown(node.problem) : md(node.text);
    case 'runtime':
      return node.tooltip;
  }
}

function problemMarkdown(p: { title: string; detail?: string; action: string }): string {
  return [`**${md(p.title)}**`, ...(p.detail ? ['', `> ${md(p.detail)}`] : []), '', md(p.action)].join('\n');
}
