/**
 * The tree nodes of an inspection, built already rendered after each sample: a summary line, then
 * the goroutine groups (leaked, leaking, growing, blocked first), each with its stack. Shown under
 * the pod in the Cluster view and under the session in the Goroutines view. Free of vscode.
 */
import type { AssessedGroup, Verdict } from '../../../server/src/goroutines/assess';
import { groupTitle, growthText, placesText, sitesOf, VERDICT_TEXT, type GroupSites } from '../../../server/src/goroutines/evidence';
import { shortPlace, type Frame } from '../../../server/src/goroutines/profile';
import type { RuntimeNode } from '../cluster/nodes';
import { md } from '../cluster/presentation';
import type { Session } from './sessions';

/** More groups than this are summarised in one node (a service can have thousands of one-goroutine groups). */
const MAX_GROUP_NODES = 300;

const VERDICT_ICON: Record<Verdict, RuntimeNode['icon']> = {
  leaked: { id: 'error', color: 'list.errorForeground' },
  leaking: { id: 'warning', color: 'list.warningForeground' },
  growing: { id: 'arrow-up', color: 'charts.yellow' },
  blocked: { id: 'debug-pause', color: 'charts.blue' },
  ok: { id: 'circle-outline' },
};

export interface TreeOptions {
  /** Workspace-relative form of a file path. */
  relative: (file: string) => string;
  /** A human reason for a failed read. */
  describeError: (e: unknown) => string;
}

const count = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;

/** "package.Func" of "example.com/x/package.Func.func1" (the import path's directories dropped). */
function shortFunc(func: string): string {
  return func.slice(func.lastIndexOf('/', func.indexOf('[') >= 0 ? func.indexOf('[') : func.length) + 1);
}

function statusNode(session: Session, opts: TreeOptions, id: string, parent: RuntimeNode | undefined): RuntimeNode {
  const base = { type: 'runtime' as const, id, children: [], parent, session: session.target.key, pod: parent ? undefined : session.target.pod, contextValue: 'leaklens.runtime.status', collapsible: 'none' as const };
  const latest = session.samples.at(-1)?.profile;
  if (!latest) {
    if (session.phase === 'failed') {
      const why = opts.describeError(session.error);
      return { ...base, label: 'No goroutine profile', description: why, icon: { id: 'error', color: 'list.errorForeground' }, tooltip: md(why) };
    }
    return { ...base, label: 'Reading the goroutine profile…', icon: { id: 'loading~spin' }, tooltip: md(`Reading from ${session.target.label}`) };
  }
  const verdicts = new Map<Verdict, number>();
  for (const g of session.groups) verdicts.set(g.verdict, (verdicts.get(g.verdict) ?? 0) + 1);
  const findings = (['leaked', 'leaking', 'growing', 'blocked'] as const).filter((v) => verdicts.get(v)).map((v) => `${verdicts.get(v)} ${v}`);
  const phase =
    session.phase === 'waiting' ? 'second sample pending' : session.phase === 'reading' && session.samples.length === 1 ? 'taking the second sample…' : session.samples.length > 1 ? `2 samples, ${Math.round((session.samples[1].takenAt - session.samples[0].takenAt) / 1000)} s apart` : 'one sample';
  const problems = [latest.truncated ? `cut at the size limit: counts are lower bounds` : '', session.secondSkipped ? `second sample skipped${session.error ? `: ${opts.describeError(session.error)}` : ''}` : ''].filter(Boolean);
  const label = `${count(latest.total, 'goroutine')} in ${count(latest.groups.length, 'group')}`;
  const description = [findings.join(', '), phase, ...problems].filter(Boolean).join(' · ');
  const tooltip = [
    `**${md(session.target.label)}**: ${md(label)}`,
    '',
    `Read from ${md(session.detail ?? '')} (${latest.format === 'debug2' ? 'debug=2 text' : latest.format === 'debug1' ? 'debug=1 text' : 'protobuf'}${latest.leakDetection ? ', with leak detection by the garbage collector' : ''}).`,
    ...problems.map((p) => `\n$(warning) ${md(p)}`),
  ].join('\n');
  const icon = problems.length ? { id: 'warning', color: 'list.warningForeground' } : session.phase === 'waiting' || session.phase === 'reading' ? { id: 'loading~spin' } : { id: 'pulse' };
  return { ...base, label, description, icon, tooltip };
}

/** Where a click on a group goes: where it blocks in the workspace's own code, else where it was created. */
function openOf(sites: GroupSites): RuntimeNode['open'] {
  const m = sites.blocked?.mapped && !sites.blocked.mapped.vendored ? sites.blocked.mapped : (sites.created?.mapped ?? sites.blocked?.mapped);
  return m && { file: m.file, line: m.line };
}

function groupTooltip(a: AssessedGroup, sites: GroupSites, session: Session, opts: TreeOptions): string {
  const g = a.group;
  const rows: [string, string | undefined][] = [
    ['Verdict', a.verdict === 'ok' ? 'nothing to report' : VERDICT_TEXT[a.verdict]],
    ['Goroutines', a.before !== undefined ? `${a.before} → ${g.count}` : String(g.count)],
    ['Growth', a.growthPerMinute !== undefined ? growthText(a.growthPerMinute) : undefined],
    ['State', g.state ? md(g.state) : undefined],
    ['Longest wait', g.maxWaitMinutes ? `${g.maxWaitMinutes} min` : undefined],
    ['Proven leaked', g.leaked ? String(g.leaked) : undefined],
    ['Goroutine ids', g.ids.length ? g.ids.join(', ') : undefined],
  ];
  const table = ['| | |', '|---|---|', ...rows.filter((r) => r[1] !== undefined).map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  const why =
    a.verdict === 'leaking'
      ? `The group only grew between the samples while its goroutines waited at least ${session.settings.minWaitMinutes} min (leaklens.runtime.leakMinWaitMinutes).`
      : a.verdict === 'leaked'
        ? 'The goroutineleak profile (Go 1.26, GOEXPERIMENT=goroutineleakprofile) marked these goroutines leaked: no running goroutine can ever unblock them.'
        : '';
  return [`**${md(groupTitle(g))}** in ${md(session.target.label)}`, '', table, '', md(placesText(sites, opts.relative)), ...(why ? ['', md(why)] : [])].join('\n');
}

function frameNode(frame: Frame, role: 'stack' | 'created', id: string, parent: RuntimeNode, session: Session, opts: TreeOptions): RuntimeNode {
  const mapped = session.mapper.map(frame);
  const label = role === 'created' ? `created by ${shortFunc(frame.func)}` : shortFunc(frame.func);
  return {
    type: 'runtime',
    id,
    label,
    description: mapped ? `${opts.relative(mapped.file)}:${mapped.line}` : `${shortPlace(frame)} · not in the workspace`,
    icon: mapped ? { id: role === 'created' ? 'debug-start' : 'symbol-function', color: 'charts.blue' } : { id: role === 'created' ? 'debug-start' : 'symbol-function', color: 'disabledForeground' },
    tooltip: `\`${md(frame.func)}\`  \n${md(frame.file)}:${frame.line}${mapped ? `  \n→ ${md(mapped.file)}` : ''}`,
    contextValue: mapped ? 'leaklens.runtime.frame.mapped' : 'leaklens.runtime.frame',
    collapsible: 'none',
    open: mapped && { file: mapped.file, line: mapped.line },
    children: [],
    parent,
    session: session.target.key,
  };
}

function groupNode(a: AssessedGroup, id: string, parent: RuntimeNode | undefined, session: Session, opts: TreeOptions): RuntimeNode {
  const sites = sitesOf(a.group, session.mapper);
  const description = [a.growthPerMinute !== undefined ? growthText(a.growthPerMinute) : '', a.verdict === 'ok' ? '' : a.verdict, placesText(sites, opts.relative)].filter(Boolean).join(' · ');
  const node: RuntimeNode = {
    type: 'runtime',
    id,
    label: groupTitle(a.group),
    description,
    icon: VERDICT_ICON[a.verdict],
    tooltip: groupTooltip(a, sites, session, opts),
    contextValue: `leaklens.runtime.group.${a.verdict}`,
    collapsible: 'collapsed',
    open: openOf(sites),
    children: [],
    parent,
    session: session.target.key,
    pod: parent ? undefined : session.target.pod,
  };
  node.children = a.group.stack.map((f, i) => frameNode(f, 'stack', `${id}/f${i}`, node, session, opts));
  if (a.group.createdBy) node.children.push(frameNode(a.group.createdBy, 'created', `${id}/c`, node, session, opts));
  return node;
}

/** Group ids stay the same across samples (VS Code keeps their expansion): numbered by key per session. */
const groupNumbers = new WeakMap<Session['target'], Map<string, number>>();

function groupId(session: Session, key: string): number {
  let numbers = groupNumbers.get(session.target);
  if (!numbers) groupNumbers.set(session.target, (numbers = new Map()));
  let n = numbers.get(key);
  if (n === undefined) numbers.set(key, (n = numbers.size));
  return n;
}

/** The summary and the groups; `parent` is the session node (Goroutines view) or undefined (under a pod). */
export function sessionChildren(session: Session, opts: TreeOptions, prefix: string, parent?: RuntimeNode): RuntimeNode[] {
  const out = [statusNode(session, opts, `${prefix}/status`, parent)];
  for (const a of session.groups.slice(0, MAX_GROUP_NODES)) out.push(groupNode(a, `${prefix}/g${groupId(session, a.group.key)}`, parent, session, opts));
  const rest = session.groups.slice(MAX_GROUP_NODES);
  if (rest.length) {
    const goroutines = rest.reduce((n, a) => n + a.group.count, 0);
    out.push({
      type: 'runtime',
      id: `${prefix}/more`,
      label: `${count(rest.length, 'more group')} (${count(goroutines, 'goroutine')})`,
      description: 'nothing leaking among them',
      icon: { id: 'ellipsis' },
      tooltip: 'Groups are listed leaked, leaking, growing and blocked first, then by size; the rest are summarised here.',
      contextValue: 'leaklens.runtime.more',
      collapsible: 'none',
      children: [],
      parent,
      session: session.target.key,
      pod: parent ? undefined : session.target.pod,
    });
  }
  return out;
}

/** A root of the Goroutines view: the inspected target with its summary and groups. */
export function sessionNode(session: Session, opts: TreeOptions): RuntimeNode {
  const id = `s/${session.target.key}`;
  const node: RuntimeNode = {
    type: 'runtime',
    id,
    label: session.target.label,
    description: session.detail,
    icon: session.phase === 'failed' ? { id: 'error', color: 'list.errorForeground' } : { id: session.target.pod ? 'server-process' : session.target.live ? 'vm-running' : 'file' },
    tooltip: md(session.target.label),
    contextValue: session.target.live ? 'leaklens.runtime.session.live' : 'leaklens.runtime.session',
    collapsible: 'expanded',
    children: [],
    session: session.target.key,
  };
  node.children = sessionChildren(session, opts, id, node);
  return node;
}
