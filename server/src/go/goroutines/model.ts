/**
 * The channel-and-goroutine model of a declaration, which the goroutine rules read. For each
 * function that makes a channel (a declaration or a func literal in it), the paths that leave it
 * are walked with what they send, receive and close and which goroutines they start; a goroutine
 * that can never finish on some path is a leak:
 * - a stranded sender: more blocking sends than the owner receives plus the buffer holds;
 * - a stranded receiver: it waits on a channel nobody sends on or closes on that path (a plain
 *   receive, a range that needs a close, or a loop whose only way out is a stop channel);
 * - the owner itself waiting on a channel nobody ever sends on or closes.
 * Only channels made in the function and never handed to unknown code are judged: whatever the
 * model cannot see might send or receive.
 */
import type { Node } from 'web-tree-sitter';
import { chunkIndexAt, declChunks } from '../declChunks';
import type { GoFile } from '../file';
import { add, canExceed, isExact, isZero, key as countKey, MANY, max, times, ZERO, type Count } from './counts';
import { forEachStmt, FRESH, namesIn, NIL, type ChanKey, type FunctionIR, type Stmt } from './ir';
import { factsOf, unownable, walkFunction, type Exit, type PathState, type Started } from './paths';
import { fileScope, MAX_CALL_DEPTH, Summaries, waitsOf, type ChanEffect, type FileScope, type Wait } from './summaries';
import { callParts, isInside, namedChildren, textOf, typeOf } from '../syntax';
import { statementsByKeyword } from '../wordNodes';
import { alternationOf, forEachWordOf, mentionsWord, WORD_START, wordFinder } from '../words';

export type LeakShape = 'sender' | 'receiver' | 'range' | 'stop' | 'owner' | 'skipped';

export interface ChannelLeak {
  shape: LeakShape;
  /** Where the leak is reported: the `go` statement (or the call that started the goroutine), or the owner's receive. */
  at: Node;
  channel: ChanKey;
  /** The `make` of the channel. */
  made?: Node;
  /** Where the path that strands it leaves (a return, the end of the function, the end of a loop iteration). */
  exit: Exit;
  /** For senders: sends that block, and what receives them (receives plus buffer). */
  sends?: Count;
  taken?: Count;
  /** No goroutine sends on or closes the channel: closing it when the owner returns cannot panic. */
  ownerAloneSends?: boolean;
  /** For senders: the stop channel, signalled on the path, that ends the loop that would have received. */
  receiverStoppedBy?: ChanKey;
  /** For 'skipped': the return of the goroutine's path that leaves without signalling. */
  silentReturn?: Node;
}

/** A goroutine whose body runs a loop it can never leave. */
export interface EndlessGoroutine {
  go: Node;
  loop: Node;
  /** The func literal or declaration it runs. */
  fn: Node;
}

/**
 * An operation that can never complete: on a nil channel, on a channel made on the spot, an empty
 * select, or a send (or a call that sends) past the buffer of a channel nothing else holds yet.
 */
export interface BlockedForever {
  node: Node;
  why: 'nil' | 'fresh' | 'empty-select' | 'full';
  channel?: ChanKey;
}

export interface GoroutineModel {
  leaks: ChannelLeak[];
  endless: EndlessGoroutine[];
  blocked: BlockedForever[];
}

const models = new WeakMap<GoFile, Map<number, GoroutineModel>>();

/** The model of one top-level declaration, built once per analysis of the file. */
export function goroutineModel(file: GoFile, decl: Node): GoroutineModel {
  let byDecl = models.get(file);
  if (!byDecl) models.set(file, (byDecl = new Map()));
  let model = byDecl.get(decl.id);
  if (!model) byDecl.set(decl.id, (model = buildModel(file, decl)));
  return model;
}

const summariesOf = new WeakMap<GoFile, Summaries>();

/**
 * Without a `go` statement — its own, or one in a function of the file it calls, as far as calls
 * are followed — nothing can leak or loop on its own; what is left to find is a channel that is nil
 * for sure: declared without a value (`var c chan T`) or the literal nil.
 */
function startsNothing(file: GoFile, text: string): boolean {
  if (mentionsWord(text, 'go') || /\bvar\b[^=\n]*\bchan\b|\bvar\s*\(|<-\s*nil\b|\bnil\s*<-/.test(text)) return false;
  return !startersOf(file)?.test(text);
}

const startersByFile = new WeakMap<GoFile, RegExp | null>();

/**
 * A search for calls (`name(`, `x.name(`) of the file's functions and methods that start
 * goroutines, directly or through calls (MAX_CALL_DEPTH levels); null when none does.
 */
function startersOf(file: GoFile): RegExp | null {
  let starters = startersByFile.get(file);
  if (starters !== undefined) return starters;
  const { text } = file;
  const funcs = (declChunks(text) ?? []).filter((c) => c.keyword === 'func');
  const found = new Set(funcs.filter((c) => c.funcName && mentionsWord(text.slice(c.start, c.end), 'go')).map((c) => c.funcName!));
  // Each level finds the functions not yet found that call one the last level found.
  let frontier = [...found];
  for (let depth = 1; depth < MAX_CALL_DEPTH && frontier.length > 0; depth++) {
    const callers = new Set<string>();
    forEachWordOf(text, frontier, (at, name) => {
      // A call: the name, then `(`, within the caller's chunk.
      OPEN_PAREN.lastIndex = at + name.length;
      const caller = OPEN_PAREN.test(text) ? funcs[chunkIndexAt(funcs, at)] : undefined;
      if (caller?.funcName && OPEN_PAREN.lastIndex <= caller.end && !found.has(caller.funcName)) callers.add(caller.funcName);
    });
    frontier = [...callers];
    for (const name of frontier) found.add(name);
  }
  startersByFile.set(file, (starters = found.size > 0 ? callsOf([...found]) : null));
  return starters;
}

/** A search for a call of one of `names`: the whole identifier, then `(`. */
function callsOf(names: readonly string[]): RegExp {
  return new RegExp(`${WORD_START}(?:${alternationOf(names)})\\s*\\(`);
}

/** Blanks and `(` right at lastIndex: what follows a name that is called. */
const OPEN_PAREN = /\s*\(/y;

function buildModel(file: GoFile, decl: Node): GoroutineModel {
  const text = textOf(decl);
  if (startsNothing(file, text)) return { leaks: [], endless: [], blocked: [] };
  const scope = fileScope(file);
  if (touchesNoChannel(scope, text) && !mayStartEndless(scope, decl, text)) return { leaks: [], endless: [], blocked: [] };
  let summaries = summariesOf.get(file);
  if (!summaries) summariesOf.set(file, (summaries = new Summaries(scope)));
  const model: GoroutineModel = { leaks: [], endless: [], blocked: [] };
  // Too deeply nested to model: the goroutine rules stay silent on it.
  const functions = summaries.irOf(decl)?.functions;
  if (!functions) return model;
  const goroutines = new Set<FunctionIR>();
  for (const fn of functions) for (const go of goStatements(fn.body)) if (go.start.literal) goroutines.add(go.start.literal);
  for (const fn of functions) {
    model.blocked.push(...blockedForever(fn.body, goroutines.has(fn)));
    for (const go of goStatements(fn.body)) {
      // Whether the goroutine loops forever is read from its body: no walk of its paths needed.
      const target = summaries.targetOf(go.start);
      const loop = target && waitsOf(target.body).forever;
      if (loop && target && servesAnInstance(loop, target, go.start.literal ? enclosing(functions, target) : [])) {
        model.endless.push({ go: go.node, loop, fn: target.node });
      }
    }
    if (!makesOwnableChannel(fn)) continue;
    const exits = walkFunction(fn, summaries.resolver(), scope.madeFields);
    if (!exits) continue;
    model.leaks.push(...leaksOf(fn, exits));
    model.blocked.push(...stuckSends(exits));
  }
  // A literal run in place (`func() { … }()`) is walked in its own right and inlined in the function
  // around it: one leak per goroutine, shape and channel, the one found first.
  const seen = new Set<string>();
  model.leaks = model.leaks.filter((leak) => {
    const id = `${leak.shape}:${leak.at.id}:${leak.channel}`;
    return !seen.has(id) && !!seen.add(id);
  });
  return model;
}

/**
 * A declaration with no channel syntax of its own — no `chan`, `<-` or `select`, no call of a
 * constructor of the file — makes no channel, sends, receives or waits on none, and holds no nil
 * one: nothing in it can leak or block, and its model need not be built unless a goroutine it
 * starts may loop forever (most such declarations only pass a `go` word or call a function that
 * starts one).
 */
function touchesNoChannel(scope: FileScope, text: string): boolean {
  if (mentionsWord(text, 'chan') || mentionsWord(text, 'select') || text.includes('<-')) return false;
  for (const name of scope.options.mayConstruct) if (mentionsWord(text, name) && scope.options.constructorNamed(name)) return false;
  return true;
}

/**
 * Whether a goroutine the declaration starts may loop: it starts one (a `go` statement, or errgroup's
 * `g.Go(func…)`), and has a loop of its own or a `go` starts a function of the file that has one.
 */
function mayStartEndless(scope: FileScope, decl: Node, text: string): boolean {
  const starts = statementsByKeyword(decl, ['go'], text);
  if (mentionsWord(text, 'for')) return starts.length > 0 || mentionsWord(text, 'Go');
  for (const go of starts) {
    const call = namedChildren(go)[0];
    const parts = call && typeOf(call) === 'call_expression' ? callParts(call) : undefined;
    const fn = parts && typeOf(parts.fn);
    if (fn === 'func_literal') continue;
    if (fn !== 'identifier' && fn !== 'selector_expression') return true;
    if (declarationsNamed(scope, parts!.name).some((d) => mentionsWord(textOf(d), 'for'))) return true;
  }
  return false;
}

/** The file's functions and methods (of any receiver type) called `name`. */
function declarationsNamed(scope: FileScope, name: string): Node[] {
  const out: Node[] = [];
  const fn = scope.functions.get(name);
  if (fn) out.push(fn);
  for (const [key, method] of scope.methods) if (key.slice(key.indexOf('.') + 1) === name) out.push(method);
  return out;
}

/** The functions around a func literal, innermost last. */
function enclosing(functions: readonly FunctionIR[], literal: FunctionIR): FunctionIR[] {
  return functions.filter((f) => f !== literal && isInside(literal.node, f.node));
}

/**
 * True when an endless loop works on state of one instance: a parameter or receiver of the function
 * it runs in, or a local or parameter of the functions around a func literal. A loop on
 * package-level state only (a process-wide signal handler, the finalizer queue, a pool on a global
 * queue) serves the whole process, started once; one on an instance's state leaks one goroutine
 * per instance.
 */
function servesAnInstance(loop: Node, target: FunctionIR, outer: readonly FunctionIR[]): boolean {
  const names = new Set<string>();
  for (const f of [target, ...outer]) {
    for (const p of f.params) names.add(p);
    if (f.receiver) names.add(f.receiver);
    if (f !== target) for (const l of f.locals) names.add(l);
  }
  names.delete('_');
  return names.size > 0 && wordFinder([...names])(textOf(loop)).size > 0;
}

/** The `go` statements of a function's own body (not those of func literals in it, which are functions of their own). */
function goStatements(body: readonly Stmt[]): Extract<Stmt, { k: 'go' }>[] {
  const out: Extract<Stmt, { k: 'go' }>[] = [];
  forEachStmt(body, (s) => {
    if (s.k === 'go') out.push(s);
  });
  return out;
}

/**
 * Whether the function makes a channel it can own. Leaks and stuck sends are judged only on such
 * channels: one stored in a field, a package variable or a captured variable is shared from the
 * start, and walking the paths of a function that makes only those would find nothing.
 */
function makesOwnableChannel(fn: FunctionIR): boolean {
  const shared = unownable(fn);
  let found = false;
  forEachStmt(fn.body, (s) => {
    if (s.k === 'make' && !shared(s.ch)) found = true;
  });
  return found;
}

// ---------------------------------------------------------------------------------------------
// Leaks at the exits of a channel's owner

/** What the goroutines started on a path do to one channel. */
function effect(g: Started, ch: ChanKey): ChanEffect | undefined {
  return g.summary.effects.get(ch);
}

/** `n` per goroutine, for a goroutine started `times` times. */
function perGoroutine(n: Count, count: Count): Count {
  if (isZero(n) || isZero(count)) return ZERO;
  if (count.inf) return MANY;
  if (count.syms.length === 0) {
    let total = n;
    for (let i = 1; i < count.n; i++) total = add(total, n);
    return total;
  }
  if (count.n > 0 || count.syms.length > 1) return MANY;
  return times(n, count.syms[0]);
}

/**
 * A channel this path made and kept to itself (and the goroutines it started): neither it nor what
 * holds it (`w` for `w.done`) escaped.
 */
function ownedAt(state: PathState, ch: ChanKey): boolean {
  if (!factsOf(state, ch).made) return false;
  for (let k = ch; ; k = k.slice(0, k.lastIndexOf('.'))) {
    if (factsOf(state, k).escaped || state.started.some((g) => effect(g, k)?.escapes)) return false;
    if (!k.includes('.')) return true;
  }
}

function mayBeSent(state: PathState, ch: ChanKey): boolean {
  const f = factsOf(state, ch);
  return !isZero(f.sends) || f.maybeSent || state.started.some((g) => !isZero(effect(g, ch)?.maxSends ?? ZERO));
}

function mayBeClosed(state: PathState, ch: ChanKey): boolean {
  const f = factsOf(state, ch);
  return f.closed || f.maybeClosed || state.started.some((g) => effect(g, ch)?.closesSometimes);
}

function leaksOf(fn: FunctionIR, exits: readonly Exit[]): ChannelLeak[] {
  const found = new Map<string, ChannelLeak>();
  const note = (leak: ChannelLeak) => {
    const id = `${leak.shape}:${leak.at.id}:${leak.channel}`;
    const known = found.get(id);
    if (!known || exitOrder(leak.exit) < exitOrder(known.exit)) found.set(id, leak);
  };
  // Paths that run forever or abort (a panic, a failed test) leave nothing to judge.
  const ordered = exits.filter((e) => e.kind === 'return' || e.kind === 'iteration');
  for (const exit of ordered) {
    const { state } = exit;
    const channels = exit.kind === 'iteration' ? [...exit.madeInside!] : [...state.chans.keys()];
    for (const ch of channels) {
      if (!ownedAt(state, ch) || handedToCaller(fn, ch)) continue;
      const sender = strandedSender(state, ch);
      if (sender) note({ shape: 'sender', at: sender.go, channel: ch, made: factsOf(state, ch).makeNode, exit, sends: sender.sends, taken: sender.taken, receiverStoppedBy: stopGiven(state, ch) });
    }
    for (const g of state.started) {
      for (const wait of g.summary.waits) {
        const shape = strandedWait(state, wait);
        const ch = wait.keys[0];
        if (wait.keys.some((k) => handedToCaller(fn, k))) continue;
        const ownerAloneSends = !state.started.some((h) => !isZero(effect(h, ch)?.maxSends ?? ZERO) || effect(h, ch)?.closesSometimes);
        if (shape) note({ shape, at: g.go, channel: ch, made: factsOf(state, ch).makeNode, exit, ownerAloneSends });
      }
    }
  }
  for (const leak of ownerWaits(fn, ordered)) note(leak);
  return [...found.values()];
}

/** A channel of the value a constructor returns: its callers own it, and it is judged in them. */
function handedToCaller(fn: FunctionIR, ch: ChanKey): boolean {
  return !!fn.constructs && (ch === fn.constructs || ch.startsWith(`${fn.constructs}.`));
}

/** Exits by where they are in the source: the first one is reported. */
function exitOrder(e: Exit): number {
  return e.kind === 'return' && typeOf(e.node) === 'return_statement' ? e.node.startIndex : e.node.endIndex;
}

/**
 * The first goroutine whose blocking sends on `ch`, added to the function's own and to those of the
 * goroutines started before it, are more than the receives on the path (the function's and every
 * goroutine's) plus the buffer can take.
 */
function strandedSender(state: PathState, ch: ChanKey): { go: Node; sends: Count; taken: Count } | undefined {
  const f = factsOf(state, ch);
  if (f.drained || state.started.some((g) => drainsOnPath(state, g, ch))) return undefined;
  let taken = add(f.recvs, f.buffer);
  for (const g of state.started) taken = add(taken, perGoroutine(effect(g, ch)?.minRecvs ?? ZERO, g.times));
  let sends: Count = f.blockingSends;
  for (const g of state.started) {
    // A channel only polled (`select` with `default`) is an error channel checked in passing: only
    // a goroutine that sends on every path is sure to be left with its value.
    const own = f.polled ? (effect(g, ch)?.minSends ?? ZERO) : blockingSendsSeen(state, g, ch);
    if (isZero(own)) continue;
    sends = add(sends, copiesSend(own, effect(g, ch)?.minSends ?? ZERO, g.times));
    if (canExceed(sends, taken)) return { go: g.go, sends, taken };
  }
  return undefined;
}

/**
 * The goroutine takes every value sent on `ch` on this path: it drains it, and not in a loop that
 * leaves on a signal this path gives (the owner or a goroutine closes or sends on its stop channel).
 */
function drainsOnPath(state: PathState, g: Started, ch: ChanKey): boolean {
  return !!effect(g, ch)?.drains && !stopOf(state, g, ch);
}

/** The stop channel of the goroutine's draining loop that this path signals. */
function stopOf(state: PathState, g: Started, ch: ChanKey): ChanKey | undefined {
  return effect(g, ch)?.drainsUntil?.find((k) => k !== ch && (mayBeSent(state, k) || mayBeClosed(state, k)));
}

/** The stop a goroutine draining `ch` is given on this path, if one is. */
function stopGiven(state: PathState, ch: ChanKey): ChanKey | undefined {
  for (const g of state.started) {
    const stop = effect(g, ch)?.drains ? stopOf(state, g, ch) : undefined;
    if (stop) return stop;
  }
  return undefined;
}

/**
 * What the copies of a goroutine started `count` times send: each at least `least`, and one of them
 * `most`. Copies that send only on some path (`if atomic.AddInt32(&n, 1) == total { done <- x }`,
 * the last one signals) decide among themselves which one sends: counting `most` for each would
 * strand senders that never send.
 */
function copiesSend(most: Count, least: Count, count: Count): Count {
  const once = count.syms.length === 0 && !count.inf && count.n === 1;
  if (once || countKey(least) === countKey(most)) return perGoroutine(most, count);
  return isZero(least) ? most : max(perGoroutine(least, count), most);
}

/**
 * The most a goroutine can send on `ch` on the paths it may have taken, given what this path saw:
 * when the function received from a channel only this goroutine signals, the goroutine took one
 * of the paths that signal it (closed `done` on success, so it did not also send an error).
 */
function blockingSendsSeen(state: PathState, g: Started, ch: ChanKey): Count {
  const all = effect(g, ch)?.maxBlockingSends ?? ZERO;
  if (isZero(all)) return all;
  const observed = [...state.chans].filter(
    ([k, f]) =>
      !isZero(f.recvs) &&
      isExact(f.recvs) &&
      f.sends.n === 0 &&
      !f.closed &&
      g.summary.paths.some((p) => p.signals.has(k)) &&
      !state.started.some((h) => h !== g && (h.summary.paths.some((p) => p.signals.has(k)) || !isZero(effect(h, k)?.maxSends ?? ZERO))),
  );
  if (observed.length === 0 || g.summary.paths.length === 0) return all;
  const taken = g.summary.paths.filter((p) => observed.every(([k]) => p.signals.has(k)));
  return taken.map((p) => p.blockingSends.get(ch) ?? ZERO).reduce(max, ZERO);
}

/** How a goroutine's wait is never satisfied on this path, if it is not: every channel it waits on owned here, none sent on or closed. */
function strandedWait(state: PathState, wait: Wait): LeakShape | undefined {
  if (!wait.keys.every((k) => ownedAt(state, k) && !mayBeClosed(state, k))) return undefined;
  if (wait.kind === 'range') return 'range';
  if (wait.keys.some((k) => mayBeSent(state, k))) return undefined;
  return wait.kind === 'exit' ? 'stop' : 'receiver';
}

/** Receives of the owner itself that nothing can ever satisfy: on every path that makes the channel, nobody sends on it or closes it. */
function ownerWaits(fn: FunctionIR, exits: readonly Exit[]): ChannelLeak[] {
  const out: ChannelLeak[] = [];
  const returns = exits.filter((e) => e.kind === 'return');
  // A channel made only to wait on (`block := make(chan struct{}); <-block`) blocks forever on purpose.
  const handed = new Set<ChanKey>();
  forEachStmt(fn.body, (s) => {
    if (s.k === 'go' || s.k === 'call') for (const k of namesIn([s])) handed.add(k);
  });
  for (const wait of waitsOf(fn.body).waits) {
    if (wait.kind === 'exit' || !wait.keys.some((k) => handed.has(k)) || wait.keys.some((k) => handedToCaller(fn, k))) continue;
    const relevant = returns.filter((e) => wait.keys.every((k) => factsOf(e.state, k).made));
    if (relevant.length === 0) continue;
    const never = relevant.every(
      (e) => wait.keys.every((k) => ownedAt(e.state, k) && !mayBeClosed(e.state, k) && (wait.kind === 'range' || !mayBeSent(e.state, k))),
    );
    const made = factsOf(relevant[0].state, wait.keys[0]).makeNode;
    if (never) {
      out.push({ shape: 'owner', at: wait.node, channel: wait.keys[0], made, exit: relevant[0] });
      continue;
    }
    const silent = relevant.map((e) => silentSignaller(e.state, wait.keys));
    if (silent.every((r) => r) && silent[0]) out.push({ shape: 'skipped', at: wait.node, channel: wait.keys[0], made, exit: relevant[0], silentReturn: silent[0] });
  }
  return out;
}

/**
 * The return of a path on which the one goroutine that signals `keys` leaves without signalling
 * any of them, when nothing else can (the owner does not, no other goroutine does): a `done`
 * closed after the work but not on the early return. Undefined otherwise. Only unbuffered
 * channels are judged: a buffered one is often a slot the owner checks before it waits
 * (`if len(errc) != 0 { <-errc }`), which the model does not read.
 */
function silentSignaller(state: PathState, keys: readonly ChanKey[]): Node | undefined {
  if (!keys.every((k) => ownedAt(state, k) && isZero(factsOf(state, k).buffer))) return undefined;
  const own = keys.map((k) => factsOf(state, k));
  if (own.some((f) => f.closed || f.maybeClosed || f.maybeSent || !isZero(f.sends))) return undefined;
  const signallers = state.started.filter((g) => keys.some((k) => !isZero(effect(g, k)?.maxSends ?? ZERO) || effect(g, k)?.closesSometimes));
  if (signallers.length !== 1) return undefined;
  const [g] = signallers;
  if (!isExact(g.times) || g.times.n !== 1) return undefined;
  return g.summary.paths.find((p) => p.returnsAt && !keys.some((k) => p.signals.has(k) || p.mightSignal.has(k)))?.returnsAt;
}

// ---------------------------------------------------------------------------------------------
// Operations that can never complete

/** Sends the walk found stuck past a full buffer, once per place and channel. */
function stuckSends(exits: readonly Exit[]): BlockedForever[] {
  const out = new Map<number, BlockedForever>();
  for (const e of exits) {
    if (e.kind === 'stuck' && !out.has(e.node.id)) out.set(e.node.id, { node: e.node, why: 'full', channel: e.stuckOn });
  }
  return [...out.values()];
}

/**
 * Sends and receives on nil channels and, in the body of a goroutine's func literal, on channels
 * made on the spot and `select {}`, in a function's own body. Elsewhere `<-make(chan struct{})` and
 * `select {}` are the idioms for blocking the caller on purpose (the end of a Run, a fake that
 * never answers); a goroutine started only to block forever is a leak.
 */
function blockedForever(body: readonly Stmt[], goroutine: boolean): BlockedForever[] {
  const out: BlockedForever[] = [];
  const nilVars = new Set<ChanKey>();
  const otherwise = new Set<ChanKey>();
  forEachStmt(body, (s) => {
    if (s.k === 'nil') nilVars.add(s.ch);
    else if (s.k === 'make' || s.k === 'assign' || s.k === 'use') otherwise.add(s.ch);
    else if (s.k === 'go' || s.k === 'call') for (const a of namesIn([s])) otherwise.add(a);
  });
  const isNil = (ch: ChanKey) => ch === NIL || (nilVars.has(ch) && !otherwise.has(ch));
  const why = (ch: ChanKey) => (ch === FRESH ? (goroutine ? 'fresh' : undefined) : isNil(ch) ? 'nil' : undefined);
  forEachStmt(body, (s) => {
    if (s.k === 'send' || s.k === 'recv') {
      const reason = why(s.ch);
      if (reason) out.push({ node: s.node, why: reason, channel: s.ch });
    } else if (s.k === 'select' && !s.hasDefault) {
      const first = s.cases[0]?.op?.ch;
      if (s.cases.length === 0) {
        if (goroutine) out.push({ node: s.node, why: 'empty-select' });
      } else if (first && s.cases.every((c) => c.op && why(c.op.ch))) {
        out.push({ node: s.node, why: why(first)!, channel: first });
      }
    }
  });
  return out;
}
