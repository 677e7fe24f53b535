/**
 * Which goroutine groups leak. One sample shows where goroutines wait and for how long; a second
 * sample some seconds later shows which groups grow. A group is
 * - leaked:  the garbage collector proved it (Go 1.26's goroutineleak profile marks "(leaked)");
 * - leaking: it only grew between the samples while its goroutines are parked, the longest for
 *            at least the wait threshold (a pile-up, not a burst of short-lived work);
 * - growing: it grew, but nothing has waited that long yet;
 * - blocked: two or more parked on a channel, select or lock for at least the threshold, without
 *            growth seen (one goroutine waiting long is a service's main loop or a worker, not a pile);
 * - ok:      anything else.
 */
import type { GoroutineGroup, GoroutineProfile } from './profile';

export type Verdict = 'leaked' | 'leaking' | 'growing' | 'blocked' | 'ok';

export interface Sample {
  profile: GoroutineProfile;
  /** Epoch milliseconds. */
  takenAt: number;
}

export interface LeakCriteria {
  /** Goroutines must have waited at least this long (the runtime reports whole minutes, from 1). */
  minWaitMinutes: number;
}

export interface AssessedGroup {
  group: GoroutineGroup;
  /** The group's count in the first sample (0 when it was not there), when there are two. */
  before?: number;
  /** Goroutines added per minute between the two samples. */
  growthPerMinute?: number;
  verdict: Verdict;
}

/** Statuses of goroutines that are doing something, not parked. '' (unknown: debug=1) counts as parked. */
const ACTIVE = new Set(['running', 'runnable', 'syscall', 'preempted', 'copystack']);

/** Waiting on a channel, a select or a lock: the ways goroutines strand. */
function isSynchronizationWait(state: string): boolean {
  return state.startsWith('chan ') || state.startsWith('select') || state.startsWith('sync.') || state === 'semacquire';
}

/** A single goroutine waiting is how services wait for work or for shutdown; a pile starts at two. */
const MIN_BLOCKED = 2;

function isBlocked(g: GoroutineGroup, criteria: LeakCriteria): boolean {
  return g.count >= MIN_BLOCKED && isSynchronizationWait(g.state) && g.maxWaitMinutes >= criteria.minWaitMinutes;
}

export function assess(latest: Sample, criteria: LeakCriteria, first?: Sample): AssessedGroup[] {
  const before = first && new Map(first.profile.groups.map((g) => [g.key, g.count]));
  const minutes = first ? Math.max(latest.takenAt - first.takenAt, 1) / 60_000 : 0;
  const waitedEnough = (g: GoroutineGroup) => g.maxWaitMinutes >= criteria.minWaitMinutes;
  const assessed = latest.profile.groups.map((group): AssessedGroup => {
    if (!before) {
      const verdict = group.leaked > 0 ? 'leaked' : isBlocked(group, criteria) ? 'blocked' : 'ok';
      return { group, verdict };
    }
    const was = before.get(group.key) ?? 0;
    const growth = group.count - was;
    const growthPerMinute = growth / minutes;
    let verdict: Verdict;
    if (group.leaked > 0) verdict = 'leaked';
    else if (growth > 0 && !ACTIVE.has(group.state) && waitedEnough(group)) verdict = 'leaking';
    else if (growth > 0) verdict = 'growing';
    else if (isBlocked(group, criteria)) verdict = 'blocked';
    else verdict = 'ok';
    return { group, before: was, growthPerMinute, verdict };
  });
  return assessed.sort((a, b) => RANK[a.verdict] - RANK[b.verdict] || b.group.count - a.group.count);
}

const RANK: Record<Verdict, number> = { leaked: 0, leaking: 1, growing: 2, blocked: 3, ok: 4 };

/** True for the verdicts that fail `leaklens goroutines --fail-on-leak`. */
export function isLeak(verdict: Verdict): boolean {
  return verdict === 'leaked' || verdict === 'leaking';
}
