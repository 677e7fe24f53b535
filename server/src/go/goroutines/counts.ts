/**
 * How many times something happens on a path: a small exact number, plus loop counts known only by
 * name (`#items` for "once per element of items"), or unboundedly often. Names let the model see
 * that N goroutines started in `for _, x := range items` meet N receives in `for range items` and a
 * buffer of `len(items)`, without knowing N.
 */

/** Exact counts are capped (loop counts multiply): beyond this the model only needs "more than the other side". */
const CAP = 1_000_000;

export interface Count {
  /** The exact part (capped). */
  readonly n: number;
  /** Named loop counts, each once per occurrence (a multiset, sorted). */
  readonly syms: readonly string[];
  /** Unboundedly many (a loop with no known count). */
  readonly inf: boolean;
}

export const ZERO: Count = { n: 0, syms: [], inf: false };
export const ONE: Count = { n: 1, syms: [], inf: false };
export const MANY: Count = { n: 0, syms: [], inf: true };

export function exactly(n: number): Count {
  return { n: Math.min(n, CAP), syms: [], inf: false };
}

export function named(sym: string): Count {
  return { n: 0, syms: [sym], inf: false };
}

export function isZero(c: Count): boolean {
  return c.n === 0 && c.syms.length === 0 && !c.inf;
}

/** Only an exact number: no named or unbounded part. */
export function isExact(c: Count): boolean {
  return c.syms.length === 0 && !c.inf;
}

export function add(a: Count, b: Count): Count {
  if (isZero(a)) return b;
  if (isZero(b)) return a;
  return { n: Math.min(a.n + b.n, CAP), syms: [...a.syms, ...b.syms].sort(), inf: a.inf || b.inf };
}

/** `later - earlier` for a count that only grew: what happened in between. */
export function since(later: Count, earlier: Count): Count {
  const syms = [...later.syms];
  for (const s of earlier.syms) {
    const i = syms.indexOf(s);
    if (i >= 0) syms.splice(i, 1);
  }
  return { n: Math.max(0, later.n - earlier.n), syms, inf: later.inf && !earlier.inf };
}

/**
 * What `perIteration` adds up to over a loop: once per iteration of a loop counted by `loop` (a
 * name, or `=N` for a constant count), or unboundedly often (`undefined`: the count is not known).
 */
export function times(perIteration: Count, loop: string | undefined): Count {
  if (isZero(perIteration)) return ZERO;
  if (loop !== undefined && loop.startsWith('=') && isExact(perIteration)) return exactly(perIteration.n * Number(loop.slice(1)));
  if (loop === undefined || perIteration.inf || perIteration.syms.length > 0 || perIteration.n > 1) return MANY;
  return named(loop);
}

export function max(a: Count, b: Count): Count {
  if (a.inf || b.inf) return MANY;
  if (isZero(a)) return b;
  if (isZero(b)) return a;
  // Different names cannot be ordered: keep the larger exact part and every name either has.
  const syms = [...new Set([...a.syms, ...b.syms])].sort();
  return { n: Math.max(a.n, b.n), syms, inf: false };
}

/**
 * True when `need` can exceed `have`: some run does more of the one than the other allows. Only
 * said when the comparison is sure to matter: an exact `have` against a larger exact need, or
 * against a named need (once per element of some list) that `have` does not match name for name.
 * Unbounded counts on either side, and named `have`s short of names, are never judged.
 */
export function canExceed(need: Count, have: Count): boolean {
  // A loop whose count is unknown (it runs until its data ends) does not say how much it needs.
  if (have.inf || need.inf) return false;
  const missing = [...need.syms];
  for (const s of have.syms) {
    const i = missing.indexOf(s);
    if (i >= 0) missing.splice(i, 1);
  }
  // A count known only by name against a fixed one: said only against room for at most one (the
  // first-of-N pattern); a larger fixed buffer was likely sized for the count.
  if (missing.length > 0) return have.syms.length === 0 ? have.n <= 1 : have.syms.every((s) => need.syms.includes(s));
  return have.syms.length === need.syms.length && need.n > have.n;
}

/** For messages: the exact number, or "one per iteration" / "many". */
export function describe(c: Count): string {
  if (c.inf) return 'an unbounded number of';
  if (c.syms.length) return c.n ? `${c.n} plus one per iteration of` : 'one per iteration of';
  return String(c.n);
}

export function key(c: Count): string {
  return `${c.n}${c.syms.join(',')}${c.inf ? '*' : ''}`;
}
