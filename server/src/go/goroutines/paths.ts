/**
 * Walks a function's IR path by path, keeping for each path what happened to each channel so far:
 * sends, receives, close, whether the channel escaped, which goroutines were started and what they
 * will do. Paths that reach the same facts are merged, so the walk stays small; loops are walked
 * once and their effect multiplied by the loop's count. A walk that grows past a fixed budget
 * gives up (the model then says nothing), so the cost is bounded however the code is shaped.
 */
import type { Node } from 'web-tree-sitter';
import { add, canExceed, isZero, MANY, ONE, since, times, ZERO, type Count } from './counts';
import { typeOf } from '../syntax';
import { forEachStmt, namesIn, type ChanKey, type FunctionIR, type LoopCount, type Start, type Stmt } from './ir';
import { mayLeadToMade } from './madeFields';
import { derivedChans, sameState, stateHash } from './stateIdentity';
import type { ChanEffect, Summary } from './summaries';

/** What one path did to one channel. */
export interface ChanFacts {
  /** Which `make` on this path created the channel (0: not made in this function). */
  readonly made: number;
  readonly makeNode?: Node;
  readonly buffer: Count;
  /** Values sent by this function (plain sends and select cases taken; through calls, the fewest they make). */
  readonly sends: Count;
  /** Sends that block until received: plain sends and one-case selects (through calls, the most they make). */
  readonly blockingSends: Count;
  /** Values received by this function. */
  readonly recvs: Count;
  readonly closed: boolean;
  readonly escaped: boolean;
  /** Received until closed or forever: this function takes whatever is sent. */
  readonly drained: boolean;
  /**
   * Perhaps sent on / closed in an earlier iteration of a loop this path left from inside: the walk
   * counts only the iteration it left in, so supply is not ruled out.
   */
  readonly maybeSent: boolean;
  readonly maybeClosed: boolean;
  /** Received in a select with a `default`: the function checks for a value without waiting for one. */
  readonly polled: boolean;
  /** Blocking sends made before anything else could take them: before a receive, an escape or a goroutine that mentions it. */
  readonly leadingSends: Count;
}

/** A goroutine started on a path: where, how many times, and what it does to the channels it reaches. */
export interface Started {
  readonly go: Node;
  readonly times: Count;
  readonly summary: Summary;
}

export interface PathState {
  readonly chans: ReadonlyMap<ChanKey, ChanFacts>;
  readonly started: readonly Started[];
  /** Deferred work, last deferred first. */
  readonly defers: readonly (readonly Stmt[])[];
}

/**
 * Where a path leaves the function (a `return`, or the function's node when control falls off its
 * end; 'abort' for a panic, exit or failed test, whose deferred work still runs), or where a loop iteration ends and the channels made in it are left behind ('iteration',
 * with those channels), or the state a loop with no way out reaches by running forever ('forever').
 */
export interface Exit {
  node: Node;
  state: PathState;
  /** 'stuck': a send (or a call that sends) at `node` that can never complete; the walk goes on past it. */
  kind: 'return' | 'abort' | 'iteration' | 'forever' | 'stuck';
  /** For 'iteration': the channels made during the iteration. */
  madeInside?: ReadonlySet<ChanKey>;
  /** For 'stuck': the channel. */
  stuckOn?: ChanKey;
}

/** How the walk learns what a goroutine or a call does: a summary in the caller's names, or undefined when unknown. */
export type Resolver = (start: Start) => Summary | undefined;

const EMPTY: PathState = { chans: new Map(), started: [], defers: [] };

const BLANK: ChanFacts = {
  made: 0,
  buffer: ZERO,
  sends: ZERO,
  blockingSends: ZERO,
  recvs: ZERO,
  closed: false,
  escaped: false,
  drained: false,
  maybeSent: false,
  maybeClosed: false,
  polled: false,
  leadingSends: ZERO,
};

/** Work allowed per walk (statements visited over all paths); past it the walk gives up. */
const BUDGET = 20_000;
/**
 * Distinct facts allowed at one point of the function; past it the walk gives up. It was 48 when
 * states also held every name a path had used (see madeFields.ts). With those gone, on the judged
 * real code 32 gives up on no walk that finished then, and still gives up on walks whose paths a flag
 * decides (set in one select case, tested after it), which the walk cannot follow.
 */
const MAX_STATES = 32;

class GaveUp extends Error {}

export function factsOf(state: PathState, ch: ChanKey): ChanFacts {
  return factsIn(state.chans, ch);
}

/** The facts a map of channels holds for `ch` (blank ones when it holds none). */
export function factsIn(chans: ReadonlyMap<ChanKey, ChanFacts>, ch: ChanKey): ChanFacts {
  return chans.get(ch) ?? BLANK;
}

function withFacts(state: PathState, ch: ChanKey, change: (f: ChanFacts) => ChanFacts): PathState {
  return withFactsOf(state, [ch], change);
}

/** Every field the same object or value: what a change that changed nothing returns. */
function sameFields(a: ChanFacts, b: ChanFacts): boolean {
  return (
    a.made === b.made &&
    a.makeNode === b.makeNode &&
    a.buffer === b.buffer &&
    a.sends === b.sends &&
    a.blockingSends === b.blockingSends &&
    a.recvs === b.recvs &&
    a.leadingSends === b.leadingSends &&
    a.closed === b.closed &&
    a.escaped === b.escaped &&
    a.drained === b.drained &&
    a.maybeSent === b.maybeSent &&
    a.maybeClosed === b.maybeClosed &&
    a.polled === b.polled
  );
}

/** `withFacts` for each of `keys` in turn, with one copy of the state's channels for them all. */
function withFactsOf(state: PathState, keys: Iterable<ChanKey>, change: (f: ChanFacts, ch: ChanKey) => ChanFacts): PathState {
  let chans: Map<ChanKey, ChanFacts> | undefined;
  const changed = new Set<ChanKey>();
  for (const ch of keys) {
    const old = (chans ?? state.chans).get(ch);
    const next = change(old ?? BLANK, ch);
    // Nothing new about a channel already tracked (a name used again, a call that only uses it): no
    // copy, and the state keeps its hash.
    if (old && (next === old || sameFields(next, old))) continue;
    chans ??= new Map(state.chans);
    chans.set(ch, next);
    changed.add(ch);
  }
  if (!chans) return state;
  derivedChans(state.chans, chans, changed);
  return { ...state, chans };
}

const markEscaped = (f: ChanFacts): ChanFacts => (f.escaped ? f : { ...f, escaped: true });
const markClosed = (f: ChanFacts): ChanFacts => (f.closed ? f : { ...f, closed: true });
const markDrained = (f: ChanFacts): ChanFacts => (f.drained ? f : { ...f, drained: true });
const markMaybeSent = (f: ChanFacts): ChanFacts => (f.maybeSent ? f : { ...f, maybeSent: true });
const markMaybeClosed = (f: ChanFacts): ChanFacts => (f.maybeClosed ? f : { ...f, maybeClosed: true });

/** The distinct states of `states` (the last of each kind, in the order each kind first came). */
function dedupe(states: PathState[]): PathState[] {
  if (states.length < 2) return states;
  const out: PathState[] = [];
  const byHash = new Map<number, number[]>();
  for (const s of states) {
    const hash = stateHash(s);
    const slots = byHash.get(hash);
    const same = slots?.find((i) => sameState(out[i], s));
    if (same !== undefined) out[same] = s;
    else if (slots) slots.push(out.push(s) - 1);
    else byHash.set(hash, [out.push(s) - 1]);
  }
  if (out.length > MAX_STATES) throw new GaveUp();
  return out;
}

/** The label a `return` in a func literal run in place jumps to: the end of the literal. */
const RETURN = '#return';

/** How the statements of a list can end: falling through, or jumping out by label ('' for the nearest). */
interface Flow {
  fall: PathState[];
  breaks: Map<string, PathState[]>;
  continues: Map<string, PathState[]>;
}

const noFlow = (): Flow => ({ fall: [], breaks: new Map(), continues: new Map() });

function addTo(map: Map<string, PathState[]>, label: string, states: PathState[]): void {
  if (states.length) map.set(label, [...(map.get(label) ?? []), ...states]);
}

/**
 * Walks a function: the exits with their facts, or undefined when the walk gave up. `resolve` says
 * what `go` statements and calls do.
 */
export function walkFunction(ir: FunctionIR, resolve: Resolver, madeFields: ReadonlySet<string>): Exit[] | undefined {
  const walker = new Walker(ir.node, resolve, unownable(ir), (ch) => mayLeadToMade(ch, madeFields));
  try {
    const flow = walker.list(ir.body, [EMPTY]);
    for (const s of flow.fall) walker.exit(ir.node, s);
    return walker.exits;
  } catch (err) {
    if (err instanceof GaveUp) return undefined;
    throw err;
  }
}

class Walker {
  readonly exits: Exit[] = [];
  private steps = 0;
  private makes = 0;
  /** How many func literals run in place the walk is inside. */
  private scopes = 0;
  /** Whether the deferred work being walked runs on a panic (or a failed test) rather than a return. */
  private panicking = true;
  /** For each loop being walked, outermost first: the channels its body may signal in some iteration. */
  private readonly loopSignals: LoopSignals[] = [];
  /**
   * What each `go` and call resolved to, asked once per walk rather than once per path state: within
   * a walk the answer cannot change (a callee being summarized stays unknown until the walk is over).
   */
  private readonly resolved = new Map<Start, Summary | undefined>();

  constructor(
    /** The function walked: where an aborted path is said to end. */
    private readonly root: Node,
    private readonly resolve: Resolver,
    /** Names whose channels the function cannot own: see unownable(). */
    private readonly shared: (ch: ChanKey) => boolean,
    /** Names whose escape can matter: see madeFields.ts. */
    private readonly escapeMatters: (ch: ChanKey) => boolean,
  ) {}

  exit(node: Node, state: PathState, kind: Exit['kind'] = 'return'): void {
    // Deferred work runs on the way out, last deferred first (a panic in it is not followed); on a
    // normal return a deferred `if recover() != nil` branch does not run.
    let states = [state];
    const outer = this.panicking;
    this.panicking = kind === 'abort';
    for (const body of state.defers) states = this.list(body, states.map((s) => ({ ...s, defers: [] }))).fall;
    this.panicking = outer;
    for (const s of states) this.exits.push({ node, state: s, kind });
  }

  list(stmts: readonly Stmt[], start: PathState[]): Flow {
    const out = noFlow();
    let live = start;
    for (const s of stmts) {
      if (live.length === 0) break;
      const f = this.stmt(s, live);
      for (const [l, st] of f.breaks) addTo(out.breaks, l, st);
      for (const [l, st] of f.continues) addTo(out.continues, l, st);
      live = dedupe(f.fall);
    }
    out.fall = live;
    return out;
  }

  private stmt(s: Stmt, states: PathState[]): Flow {
    this.steps += states.length;
    if (this.steps > BUDGET) throw new GaveUp();
    const fall = (next: PathState[]): Flow => ({ ...noFlow(), fall: next });
    switch (s.k) {
      case 'send': {
        const blocking = s.failure ? ZERO : ONE;
        for (const st of states) this.noteStuck(st, s.ch, blocking, s.node);
        return fall(
          states.map((st) =>
            withFacts(st, s.ch, (f) => ({
              ...f,
              sends: add(f.sends, ONE),
              blockingSends: add(f.blockingSends, blocking),
              leadingSends: handedOn(st, s.ch) ? f.leadingSends : add(f.leadingSends, blocking),
            })),
          ),
        );
      }
      case 'recv':
        return fall(states.map((st) => withFacts(st, s.ch, (f) => ({ ...f, recvs: add(f.recvs, ONE) }))));
      case 'close':
        return fall(states.map((st) => withFacts(st, s.ch, markClosed)));
      case 'use':
      case 'assign':
        return this.escapeMatters(s.ch) ? fall(states.map((st) => withFacts(st, s.ch, markEscaped))) : fall(states);
      case 'make': {
        const made = ++this.makes;
        const escaped = this.shared(s.ch);
        // A new channel under an old name (a second `c := make(…)` in a sibling block, a loop): what
        // goroutines started earlier do to the name was done to the old channel, not this one.
        const fresh = new Set([s.ch]);
        return fall(
          states.map((st) => ({
            ...withFacts(st, s.ch, () => ({ ...BLANK, made, makeNode: s.node, buffer: s.buffer, escaped })),
            started: st.started.map((g) => (mentions(g.summary, s.ch) ? { ...g, summary: withoutChannels(g.summary, fresh) } : g)),
          })),
        );
      }
      case 'nil':
        return fall(states);
      case 'return': {
        // In a func literal run in place, `return` ends only the literal.
        if (this.scopes > 0) return { ...noFlow(), breaks: new Map([[RETURN, states]]) };
        for (const st of states) this.exit(s.node, maybeSignalled(st, this.loopSignals));
        return noFlow();
      }
      case 'end':
        if (s.why === 'abort' && this.scopes === 0) for (const st of states) this.exit(this.root, st, 'abort');
        return noFlow();
      case 'scope': {
        this.scopes++;
        const inner = this.list(s.body, states);
        this.scopes--;
        return fall([...inner.fall, ...(inner.breaks.get(RETURN) ?? [])]);
      }
      case 'jump': {
        const out = noFlow();
        addTo(s.kind === 'break' ? out.breaks : out.continues, s.label ?? '', states);
        return out;
      }
      case 'defer':
        return fall(states.map((st) => ({ ...st, defers: [s.body, ...st.defers] })));
      case 'if': {
        const skip = this.panicking ? undefined : s.panicking;
        const a = skip === 'then' ? noFlow() : this.list(s.then, states);
        const b = skip === 'else' ? noFlow() : this.list(s.else, states);
        return merge(a, b);
      }
      case 'switch': {
        const flows = s.cases.map((c) => this.list(c, states));
        if (!s.hasDefault) flows.push(fall(states));
        return leaveBreakable(merge(...flows), s.label);
      }
      case 'select':
        return this.select(s, states);
      case 'loop':
        return this.loop(s, states);
      case 'go':
        return fall(states.map((st) => this.started(st, s.node, s.start, 'go')));
      case 'call':
        return fall(states.map((st) => this.started(st, s.node, s.start, 'call')));
    }
  }

  /**
   * `sends` more blocking sends on `ch` at `node`, where nothing but this function holds the channel
   * and it has not received from it: past its buffer, they can never complete.
   */
  private noteStuck(st: PathState, ch: ChanKey, sends: Count, node: Node): void {
    if (isZero(sends) || handedOn(st, ch)) return;
    const f = factsOf(st, ch);
    if (f.made && canExceed(add(f.blockingSends, sends), f.buffer)) this.exits.push({ node, state: st, kind: 'stuck', stuckOn: ch });
  }

  private select(s: Extract<Stmt, { k: 'select' }>, states: PathState[]): Flow {
    // `select {}` blocks forever: no path goes on.
    if (s.cases.length === 0) return noFlow();
    // With a `default`, the select only checks its receives for a value, on every branch.
    if (s.hasDefault) {
      for (const c of s.cases) {
        const op = c.op;
        if (op?.kind === 'recv') states = states.map((st) => withFacts(st, op.ch, (f) => (f.polled ? f : { ...f, polled: true })));
      }
    }
    const flows = s.cases.map((c) => {
      const op = c.op;
      // A case on a channel nothing can signal or take from by now is never taken.
      const live = op ? states.filter((st) => (op.kind === 'recv' ? !neverSignalled(st, op.ch) : !neverTaken(st, op.ch))) : states;
      const entered = op
        ? live.map((st) =>
            withFacts(st, op.ch, (f) =>
              op.kind === 'recv'
                ? { ...f, recvs: add(f.recvs, ONE) }
                : { ...f, sends: add(f.sends, ONE), blockingSends: s.cases.length === 1 ? add(f.blockingSends, ONE) : f.blockingSends },
            ),
          )
        : live;
      return this.list(c.body, entered);
    });
    return leaveBreakable(merge(...flows), s.label);
  }

  /** A goroutine started or a call made: what it does joins the path's facts. */
  private started(st: PathState, node: Node, start: Start, kind: 'go' | 'call'): PathState {
    if (!this.resolved.has(start)) this.resolved.set(start, this.resolve(start));
    const summary = this.resolved.get(start);
    if (!summary) {
      // Unknown code gets the names passed to it, and a literal those it mentions (calls nested too
      // deep to follow: a goroutine's goroutine may send on a channel it captured).
      const names = [start.receiver, ...start.args, ...(start.literal ? namesIn(start.literal.body) : [])];
      return withFactsOf(st, names.filter((k): k is ChanKey => !!k && k[0] !== '#' && this.escapeMatters(k)), markEscaped);
    }
    if (kind === 'go') return { ...st, started: [...st.started, { go: node, times: ONE, summary: rangedChannelsUncounted(summary, st) }] };
    for (const [ch, effect] of summary.effects) this.noteStuck(st, ch, effect.leadingSends, node);
    // Goroutines the call starts are reported at the call (`w.Start()`), where this function made them.
    const out: PathState = { ...st, started: [...st.started, ...summary.starts.map((g) => ({ ...g, go: node }))] };
    return withFactsOf(out, summary.effects.keys(), (f, ch) => {
      const effect = summary.effects.get(ch)!;
      // Most effects a method has on its receiver's fields only use them: nothing new to a path that
      // has seen them used before, and no copy of the facts.
      if (isUseOnly(effect) && (f.escaped || !effect.escapes) && (f.drained || !effect.drains)) return f;
      return {
        ...f,
        sends: add(f.sends, effect.minSends),
        // Sends as a lower bound (what surely reaches a receiver), blocking sends as an upper one (what may be stranded).
        blockingSends: add(f.blockingSends, effect.maxBlockingSends),
        recvs: add(f.recvs, effect.minRecvs),
        leadingSends: isZero(effect.leadingSends) || handedOn(st, ch) ? f.leadingSends : add(f.leadingSends, effect.leadingSends),
        closed: f.closed || effect.closesAlways,
        // What the call does on some of its paths only (`if !s.stopped { close(s.stop) }`).
        maybeSent: f.maybeSent || !isZero(effect.maxSends),
        maybeClosed: f.maybeClosed || effect.closesSometimes,
        escaped: f.escaped || effect.escapes,
        drained: f.drained || effect.drains,
      };
    });
  }

  private loop(s: Extract<Stmt, { k: 'loop' }>, states: PathState[]): Flow {
    const out = noFlow();
    const signalled = signalledIn(s.body);
    for (const before of states) {
      const count = countFor(s.count, before);
      const ranged = count.kind === 'channel' ? count.ch : undefined;
      // Ranging over a channel receives every iteration and ends only when the channel is closed.
      const entry = ranged
        ? withFacts(before, ranged, (f) => ({ ...f, recvs: add(f.recvs, ONE) }))
        : s.count.kind === 'over'
          ? withFacts(before, s.count.ch, markDrained)
          : before;
      this.loopSignals.push(signalled);
      const body = this.list(s.body, [entry]);
      this.loopSignals.pop();
      const own = (m: Map<string, PathState[]>) => [...(m.get('') ?? []), ...(s.label ? (m.get(s.label) ?? []) : [])];
      // Leaving from inside an iteration: what earlier iterations did is not counted (a lower bound
      // for receives), but what they may have signalled is kept.
      out.fall.push(...own(body.breaks).map((st) => maybeSignalled(st, [signalled])));
      for (const [l, st] of body.breaks) if (l !== '' && l !== s.label) addTo(out.breaks, l, st);
      for (const [l, st] of body.continues) if (l !== '' && l !== s.label) addTo(out.continues, l, st);
      const iterationEnds = dedupe([...body.fall, ...own(body.continues)]);
      for (const end of iterationEnds) {
        // Channels made in the iteration are left behind when it ends.
        const madeInside = new Set([...end.chans].filter(([ch, f]) => f.made && f.made !== before.chans.get(ch)?.made).map(([ch]) => ch));
        if (madeInside.size) this.exits.push({ node: s.node, state: end, kind: 'iteration', madeInside });
      }
      if (count.kind === 'forever') {
        // No normal end; a summary still needs what running forever does.
        for (const end of iterationEnds) this.exit(s.node, repeat(before, end, undefined), 'forever');
        continue;
      }
      // A named count includes zero (a second loop over the same items runs as often as the first);
      // an unknown count is taken as unboundedly many, so nothing is judged short of it.
      const sym = count.kind === 'named' ? count.sym : undefined;
      // A body that never comes round again (every path returns or breaks) still may not run at all.
      if (iterationEnds.length === 0 && !ranged) out.fall.push(before);
      for (const end of iterationEnds) {
        const after = repeat(before, end, sym);
        out.fall.push(ranged ? withFacts(after, ranged, markDrained) : after);
      }
    }
    out.fall = dedupe(out.fall);
    return out;
  }
}

/**
 * How often a loop runs on a path: ranging over a channel made on the path runs until it is
 * closed; ranging over another name runs once per element (and, should the name be a channel
 * after all, takes all it holds: marked drained, which only matters to a caller that made it).
 */
function countFor(count: LoopCount, state: PathState): { kind: 'forever' | 'unknown' } | { kind: 'named'; sym: string } | { kind: 'channel'; ch: ChanKey } {
  if (count.kind !== 'over') return count;
  if (factsOf(state, count.ch).made) return { kind: 'channel', ch: count.ch };
  return count.sym ? { kind: 'named', sym: count.sym } : { kind: 'unknown' };
}

/**
 * Channels a function makes but cannot own: stored in something it did not declare (a field of
 * its receiver or a parameter, a package variable), or in a variable a closure captures (the
 * closure sees every later value, whenever it runs).
 */
export function unownable(ir: FunctionIR): (ch: ChanKey) => boolean {
  const captured = new Set<ChanKey>();
  forEachStmt(ir.body, (s) => {
    if (s.k === 'use' && typeOf(s.node) === 'func_literal') captured.add(s.ch);
  });
  return (ch) => {
    const root = ch.split('.')[0];
    return !ir.locals.has(root) || captured.has(ch) || captured.has(root);
  };
}

/** Neither sends, receives nor closes: what an effect does is at most escape or drain. */
function isUseOnly(e: ChanEffect): boolean {
  return (
    isZero(e.minSends) && isZero(e.maxSends) && isZero(e.maxBlockingSends) && isZero(e.minRecvs) && isZero(e.leadingSends) && !e.closesAlways && !e.closesSometimes
  );
}

/** `before` plus what one iteration (`before` → `end`) did, done `count` times (a name, or unboundedly often). */
function repeat(before: PathState, end: PathState, count: string | undefined): PathState {
  let chans: Map<ChanKey, ChanFacts> | undefined;
  const changed: ChanKey[] = [];
  // Goroutines started in the iteration on a channel made in it belong to that iteration (judged at
  // its end, see Walker.loop): after the loop they only count for the channels that outlive it.
  const perIteration = new Set<ChanKey>();
  for (const [ch, f] of end.chans) {
    const old = before.chans.get(ch);
    // Facts the iteration left as they were: repeating nothing changes nothing.
    if (f === old) continue;
    chans ??= new Map(before.chans);
    changed.push(ch);
    const b = old ?? BLANK;
    // A channel made in the loop body is a new one each iteration, judged at each iteration's end;
    // after the loop the model no longer judges it.
    if (b.made !== f.made) {
      perIteration.add(ch);
      chans.set(ch, { ...f, escaped: true });
      continue;
    }
    const recvDelta = since(f.recvs, b.recvs);
    chans.set(ch, {
      ...f,
      sends: add(b.sends, times(since(f.sends, b.sends), count)),
      blockingSends: add(b.blockingSends, times(since(f.blockingSends, b.blockingSends), count)),
      recvs: add(b.recvs, times(recvDelta, count)),
      drained: f.drained || (count === undefined && !isZero(recvDelta)),
    });
  }
  const fresh = end.started.slice(before.started.length).map((g) => ({
    ...g,
    times: times(g.times, count),
    summary: perIteration.size ? withoutChannels(g.summary, perIteration) : g.summary,
  }));
  if (chans) derivedChans(before.chans, chans, changed);
  return { chans: chans ?? before.chans, started: [...before.started, ...fresh], defers: end.defers };
}

/**
 * True when, on this path, nothing can send on or close `ch` any more: the function made it, kept it,
 * has not sent on or closed it, and no goroutine it started may. (Code after a blocked statement
 * does not run, so later goroutines cannot help.)
 */
function neverSignalled(st: PathState, ch: ChanKey): boolean {
  const f = factsOf(st, ch);
  if (!f.made || f.escaped || f.closed || f.maybeSent || f.maybeClosed || !isZero(f.sends)) return false;
  return !st.started.some((g) => {
    const e = g.summary.effects.get(ch);
    return !!e && (e.escapes || e.closesSometimes || !isZero(e.maxSends));
  });
}

/** What a loop body may do to channels in some iteration. */
interface LoopSignals {
  sent: ReadonlySet<ChanKey>;
  closed: ReadonlySet<ChanKey>;
}

/** The channels a loop body sends on, closes, or hands to goroutines and calls (which may do either), nested blocks included. */
function signalledIn(body: readonly Stmt[]): LoopSignals {
  const sent = new Set<ChanKey>();
  const closed = new Set<ChanKey>();
  forEachStmt(body, (s) => {
    if (s.k === 'send') sent.add(s.ch);
    else if (s.k === 'close') closed.add(s.ch);
    else if (s.k === 'go' || s.k === 'call') {
      for (const k of namesIn([s])) {
        sent.add(k);
        closed.add(k);
      }
    } else if (s.k === 'select') {
      for (const c of s.cases) if (c.op?.kind === 'send') sent.add(c.op.ch);
    }
  });
  return { sent, closed };
}

/** `st` with what the loops it leaves may have done in earlier iterations. */
function maybeSignalled(st: PathState, loops: readonly LoopSignals[]): PathState {
  let out = st;
  for (const { sent, closed } of loops) out = withFactsOf(withFactsOf(out, sent, markMaybeSent), closed, markMaybeClosed);
  return out;
}

/**
 * True when, on this path, nothing can take a value sent on `ch`: the function made it unbuffered,
 * kept it, and no goroutine it started may receive from it.
 */
function neverTaken(st: PathState, ch: ChanKey): boolean {
  const f = factsOf(st, ch);
  if (!f.made || f.escaped || !isZero(f.buffer)) return false;
  return !st.started.some((g) => {
    const e = g.summary.effects.get(ch);
    return (!!e && (e.escapes || e.drains || !isZero(e.maxRecvs))) || g.summary.waits.some((w) => w.keys.includes(ch));
  });
}

/**
 * A goroutine's counts named after a loop over `x` (`#x`: once per element) say nothing when the
 * caller made `x` a channel: ranging over it runs once per value sent, which the goroutine's own
 * summary cannot know. Such counts become unknown: none as a lower bound, unbounded as an upper one.
 */
function rangedChannelsUncounted(summary: Summary, st: PathState): Summary {
  const isChannel = (sym: string) => sym.startsWith('#') && !!factsOf(st, sym.slice(1)).made;
  const uncounted = (c: Count) => c.syms.some(isChannel);
  if (![...summary.effects.values()].some((e) => [e.minSends, e.maxSends, e.maxBlockingSends, e.minRecvs, e.maxRecvs].some(uncounted))) return summary;
  const low = (c: Count) => (uncounted(c) ? ZERO : c);
  const high = (c: Count) => (uncounted(c) ? MANY : c);
  const effects = new Map(
    [...summary.effects].map(([ch, e]) => [
      ch,
      { ...e, minSends: low(e.minSends), minRecvs: low(e.minRecvs), maxSends: high(e.maxSends), maxBlockingSends: high(e.maxBlockingSends), maxRecvs: high(e.maxRecvs) },
    ]),
  );
  const paths = summary.paths.map((p) => ({ ...p, blockingSends: new Map([...p.blockingSends].map(([ch, c]) => [ch, high(c)])) }));
  return { ...summary, effects, paths };
}

/**
 * Something besides this function may have taken values of `ch` by now: it received from it, it
 * (or what holds it, `w` for `w.ch`) escaped, or a goroutine was started that mentions it.
 */
function handedOn(st: PathState, ch: ChanKey): boolean {
  if (!isZero(factsOf(st, ch).recvs)) return true;
  for (let k = ch; ; k = k.slice(0, k.lastIndexOf('.'))) {
    if (factsOf(st, k).escaped || st.started.some((g) => mentions(g.summary, k))) return true;
    if (!k.includes('.')) return false;
  }
}

function mentions(summary: Summary, ch: ChanKey): boolean {
  return summary.effects.has(ch) || summary.waits.some((w) => w.keys.includes(ch));
}

/** A summary with what it does to `channels` left out. */
function withoutChannels(summary: Summary, channels: ReadonlySet<ChanKey>): Summary {
  return {
    ...summary,
    effects: new Map([...summary.effects].filter(([ch]) => !channels.has(ch))),
    paths: summary.paths.map((p) => ({
      ...p,
      blockingSends: new Map([...p.blockingSends].filter(([ch]) => !channels.has(ch))),
      signals: new Set([...p.signals].filter((ch) => !channels.has(ch))),
      mightSignal: new Set([...p.mightSignal].filter((ch) => !channels.has(ch))),
    })),
    waits: summary.waits.filter((w) => !w.keys.some((k) => channels.has(k))),
  };
}

function merge(...flows: Flow[]): Flow {
  const out = noFlow();
  for (const f of flows) {
    out.fall.push(...f.fall);
    for (const [l, st] of f.breaks) addTo(out.breaks, l, st);
    for (const [l, st] of f.continues) addTo(out.continues, l, st);
  }
  return out;
}

/** A switch or select: a plain `break` (or one with its label) leaves it and goes on after it. */
function leaveBreakable(flow: Flow, label: string | undefined): Flow {
  const out: Flow = { fall: [...flow.fall], breaks: new Map(), continues: flow.continues };
  for (const [l, st] of flow.breaks) {
    if (l === '' || l === label) out.fall.push(...st);
    else addTo(out.breaks, l, st);
  }
  return out;
}
