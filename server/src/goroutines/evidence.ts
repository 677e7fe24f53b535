/**
 * What a goroutine group says about the code: where its goroutines were created and where they
 * are blocked, mapped to workspace files, and the words for it — the tree's labels, the CLI's
 * lines and the runtime diagnostics (`leaklens-runtime`) the language server publishes.
 */
import type { AssessedGroup, Verdict } from './assess';
import type { FrameMapper, MappedFrame } from './mapping';
import { isStandardPackage, packageOf, shortPlace, type Frame, type GoroutineGroup } from './profile';

export interface Site {
  frame: Frame;
  /** The workspace file, when the frame maps to one. */
  mapped?: MappedFrame;
}

export interface GroupSites {
  /** Where they wait: the innermost frame in the workspace's own code, else in vendored code, else outside the standard library, else the innermost. */
  blocked?: Site;
  /** The `go` statement that started them (not in the aggregated formats). */
  created?: Site;
}

export function sitesOf(group: GoroutineGroup, mapper?: FrameMapper): GroupSites {
  const sites = group.stack.map((frame) => ({ frame, mapped: mapper?.map(frame) }));
  const blocked =
    sites.find((s) => s.mapped && !s.mapped.vendored) ??
    sites.find((s) => s.mapped) ??
    sites.find((s) => !isStandardPackage(packageOf(s.frame.func))) ??
    sites[0];
  const created = group.createdBy && { frame: group.createdBy, mapped: mapper?.map(group.createdBy) };
  return { blocked, created };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "812 KB", "63.9 MB". */
export function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "+12/min", "−3/min", "±0/min". */
export function growthText(perMinute: number): string {
  const rounded = Math.abs(perMinute) >= 10 ? Math.round(perMinute) : Math.round(perMinute * 10) / 10;
  return rounded > 0 ? `+${rounded}/min` : rounded < 0 ? `−${-rounded}/min` : '±0/min';
}

/** "chan send, up to 41 min" (the state; the longest wait when the runtime printed one). */
function waitText(g: GoroutineGroup): string {
  const state = g.state || 'state not in this format';
  return g.maxWaitMinutes > 0 ? `${state}, up to ${g.maxWaitMinutes} min` : state;
}

/** The tree's label of a group: "312 × chan send, up to 41 min". */
export function groupTitle(g: GoroutineGroup): string {
  return `${g.count.toLocaleString('en-US')} × ${waitText(g)}`;
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  leaked: 'leaked (proven by the garbage collector)',
  leaking: 'leaking',
  growing: 'growing',
  blocked: 'blocked',
  ok: '',
};

/** "created at orders/fetch.go:58, blocked at orders/fetch.go:61" (paths relative to the workspace when mapped). */
export function placesText(sites: GroupSites, relative: (file: string) => string = (f) => f): string {
  const place = (s: Site) => (s.mapped ? `${relative(s.mapped.file)}:${s.mapped.line}` : shortPlace(s.frame));
  const parts: string[] = [];
  if (sites.created) parts.push(`created at ${place(sites.created)}`);
  if (sites.blocked) parts.push(`${sites.blocked.frame === sites.created?.frame ? 'at' : 'blocked at'} ${place(sites.blocked)}`);
  return parts.join(', ');
}

/** "(up to 41 min, +12/min)", or ''. */
function detailsText(a: AssessedGroup): string {
  const g = a.group;
  const details = [g.maxWaitMinutes > 0 ? `up to ${g.maxWaitMinutes} min` : '', a.growthPerMinute !== undefined ? growthText(a.growthPerMinute) : ''].filter(Boolean);
  return details.length ? ` (${details.join(', ')})` : '';
}

/** "312 goroutines blocked on chan send (up to 41 min, +12/min)". */
export function summaryText(a: AssessedGroup, where = ''): string {
  const g = a.group;
  return `${plural(g.count, 'goroutine')} ${a.verdict === 'leaked' ? 'leaked' : 'blocked'}${where}${g.state ? ` on ${g.state}` : ''}${detailsText(a)}`;
}

export type RuntimeCode = 'runtime/goroutines-leaked' | 'runtime/goroutines-leaking' | 'runtime/goroutines-blocked';
export type RuntimeSeverity = 'error' | 'warning' | 'info';

/** One piece of runtime evidence on a line of a workspace file. */
export interface RuntimeFinding {
  file: string;
  /** Zero-based. */
  line: number;
  severity: RuntimeSeverity;
  code: RuntimeCode;
  message: string;
  /** What a static finding on the same line quotes: "312 goroutines blocked on chan send (+12/min)". */
  summary: string;
  /** A leak: proven by the garbage collector, or growing while blocked. */
  confirmsLeak: boolean;
  /** The group's other site (created ↔ blocked), when it maps to the workspace. */
  related: { file: string; line: number; message: string }[];
}

const CODE: Partial<Record<Verdict, [RuntimeCode, RuntimeSeverity]>> = {
  leaked: ['runtime/goroutines-leaked', 'error'],
  leaking: ['runtime/goroutines-leaking', 'warning'],
  blocked: ['runtime/goroutines-blocked', 'info'],
};

/**
 * The runtime findings of a sample: for each leaked, leaking or blocked group, one at its
 * creation site and one where it is blocked (one when both are the same line). Groups that map
 * nowhere in the workspace give none (they stay in the tree and the CLI's report).
 */
export function runtimeFindings(groups: readonly AssessedGroup[], mapper: FrameMapper, where: string, relative?: (file: string) => string): RuntimeFinding[] {
  const out: RuntimeFinding[] = [];
  for (const a of groups) {
    const code = CODE[a.verdict];
    if (!code) continue;
    const sites = sitesOf(a.group, mapper);
    const blocked = sites.blocked?.mapped;
    const created = sites.created?.mapped;
    if (!blocked && !created) continue;
    const summary = summaryText(a);
    const verdict = a.verdict === 'leaked' ? ' — proven leaked by the garbage collector' : a.verdict === 'leaking' ? ' — growing: a leak' : '';
    const same = blocked && created && blocked.file === created.file && blocked.line === created.line;
    const at = (m: MappedFrame) => `${relative ? relative(m.file) : m.file}:${m.line}`;
    const base = { severity: code[1], code: code[0], summary, confirmsLeak: a.verdict === 'leaked' || a.verdict === 'leaking' };
    if (blocked) {
      const origin = same ? ' (started here too)' : created ? `; created at ${at(created)}` : '';
      out.push({
        ...base,
        file: blocked.file,
        line: blocked.line - 1,
        message: `${summaryText(a, ' here')} in ${where}${verdict}${origin}`,
        related: created && !same ? [{ file: created.file, line: created.line - 1, message: `created here: ${summary}` }] : [],
      });
    }
    if (created && !same) {
      const target = blocked ? `; blocked at ${at(blocked)}` : sites.blocked ? `; blocked in ${sites.blocked.frame.func}` : '';
      out.push({
        ...base,
        file: created.file,
        line: created.line - 1,
        message: `Started here: ${summary} in ${where}${verdict}${target}`,
        related: blocked ? [{ file: blocked.file, line: blocked.line - 1, message: `blocked here: ${summary}` }] : [],
      });
    }
  }
  return out;
}
