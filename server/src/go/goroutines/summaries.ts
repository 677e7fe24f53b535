/**
 * What a goroutine or a call does to the channels it is handed, in the caller's names: how many
 * values it sends and receives, whether it closes them, lets them escape or drains them, where it
 * blocks waiting, and which goroutines it starts. Func literals are read where they stand; named
 * functions and methods are read from their declarations in the same file.
 */
import type { Node } from 'web-tree-sitter';
import { isStopKey } from '../channels';
import { constructorOf, type Constructor } from './constructors';
import { madeFieldNames } from './madeFields';
import type { GoFile } from '../file';
import { namedChildren, resultsOf, textOf, typeOf } from '../syntax';
import { isZero, key as countKey, MANY, max, ZERO, type Count } from './counts';
import { buildFunctionIR, FRESH, NIL, readConstants, typeName, type BuildOptions, type ChanKey, type FunctionIR, type Start, type Stmt } from './ir';
import { factsIn, factsOf, walkFunction, type ChanFacts, type Exit, type Resolver, type Started } from './paths';

/** What a function does to one channel, over all the paths that leave it. */
export interface ChanEffect {
  /** Values it sends or receives on every path (the least over paths). */
  minSends: Count;
  minRecvs: Count;
  /** Sends on the path with the most: blocking ones (what can be stranded), and all (what may reach a receiver). */
  maxBlockingSends: Count;
  maxSends: Count;
  maxRecvs: Count;
  /** Closes it on every path / on some path. */
  closesAlways: boolean;
  closesSometimes: boolean;
  escapes: boolean;
  /** Blocking sends it makes on every path before anything else could take them (see ChanFacts.leadingSends). */
  leadingSends: Count;
  /** Receives from it until it is closed, or forever. */
  drains: boolean;
  /**
   * When it drains it only in loops that also leave on a signal of other channels (`case <-s.stop:
   * return`): those channels. Once one of them is signalled the drain stops, and a send still to
   * come is left without a receiver.
   */
  drainsUntil?: readonly ChanKey[];
}

/** A place where a function blocks until one of `keys` is sent on or closed. */
export interface Wait {
  /** 'recv': a receive or a select of receives; 'range': ranging (needs a close); 'exit': a loop whose only ways out are these receives. */
  kind: 'recv' | 'range' | 'exit';
  keys: readonly ChanKey[];
  node: Node;
}

/** One way through a function: the blocking sends it makes, and the channels it signals (sends on or closes). */
export interface PathEffect {
  blockingSends: ReadonlyMap<ChanKey, Count>;
  signals: ReadonlySet<ChanKey>;
  /** Channels it may have signalled in earlier iterations of a loop it returned from. */
  mightSignal: ReadonlySet<ChanKey>;
  /** Where the path returns, for a path that returns (not one that aborts or runs forever). */
  returnsAt?: Node;
}

export interface Summary {
  effects: ReadonlyMap<ChanKey, ChanEffect>;
  /**
   * Its paths one by one, so that a caller who saw one of its signals (received from a `done` it
   * closes on success) knows which path it took (the one that did not also send an error).
   */
  paths: readonly PathEffect[];
  waits: readonly Wait[];
  /** Goroutines a call starts (`w.Start()`): they outlive it. */
  starts: readonly Started[];
  /** A `for` with no way out at all: the function never returns once there. */
  loopsForever?: Node;
}

/** The file-wide facts summaries read: declarations by name and constant values. */
export interface FileScope {
  file: GoFile;
  options: BuildOptions;
  functions: ReadonlyMap<string, Node>;
  /** Methods by receiver type and name: `Pool.run`. */
  methods: ReadonlyMap<string, Node>;
  /** The field names channels are made under in the file (see madeFields.ts). */
  madeFields: ReadonlySet<string>;
}

const scopes = new WeakMap<GoFile, FileScope>();

/** The declarations and constants of a file, read once per analysis of it. */
export function fileScope(file: GoFile): FileScope {
  let scope = scopes.get(file);
  if (scope) return scope;
  const functions = new Map<string, Node>();
  const methods = new Map<string, Node>();
  const constants = new Map<string, number>();
  for (const decl of file.topLevelDecls()) {
    const type = typeOf(decl);
    const name = decl.childForFieldName('name')?.text;
    if (type === 'function_declaration' && name) functions.set(name, decl);
    else if (type === 'method_declaration' && name) {
      const receiver = decl.childForFieldName('receiver');
      const owner = receiver && typeName(namedChildren(receiver)[0]?.childForFieldName('type'));
      if (owner) methods.set(`${owner}.${name}`, decl);
    }
    else if (type === 'const_declaration') readConstants(decl, constants);
  }
  const declared = new Set([...functions.keys(), ...[...methods.keys()].map((m) => m.slice(m.indexOf('.') + 1))]);
  // A constructor makes a channel: most functions are told apart by their text, the rest walked when a call names them.
  const makesChannel = (text: string) => text.includes('make') && text.includes('chan');
  const mayConstruct = [...functions].filter(([, decl]) => makesChannel(textOf(decl))).map(([name]) => name);
  const constructors = new Map<string, Constructor | undefined>();
  const constructorNamed = (name: string) => {
    if (!constructors.has(name)) {
      const decl = mayConstruct.includes(name) ? functions.get(name) : undefined;
      constructors.set(name, decl && constructorOf(decl));
    }
    return constructors.get(name);
  };
  // Read when a variable is initialized by a call of the function: few are.
  const resultTypes = new Map<string, string | undefined>();
  const resultTypeOf = (name: string) => {
    if (!resultTypes.has(name)) {
      const decl = functions.get(name);
      // What a constructor returns is its literal's type, even behind an interface result.
      resultTypes.set(name, (decl && (constructorNamed(name)?.type ?? typeName(resultsOf(decl)[0]))) || undefined);
    }
    return resultTypes.get(name);
  };
  const options = { file, constants, declared, resultTypeOf, mayConstruct, constructorNamed };
  scope = { file, functions, methods, madeFields: madeFieldNames(file.topLevelDecls()), options };
  scopes.set(file, scope);
  return scope;
}

/** A declaration's function and the func literals in it. */
type BuiltIR = NonNullable<ReturnType<typeof buildFunctionIR>>;

/** Calls nested this deep are not followed: recursion and long call chains stay cheap. */
export const MAX_CALL_DEPTH = 5;

/** Summaries of a file's functions, each computed once in its own names and mapped to each caller's. */
export class Summaries {
  private readonly own = new Map<FunctionIR, Summary | null>();
  private readonly inProgress = new Set<FunctionIR>();
  /** IRs of the file's declarations by node id; null: too deeply nested to model. */
  private readonly built = new Map<number, BuiltIR | null>();

  constructor(private readonly scope: FileScope) {}

  /** A resolver for walking a function: goroutines and calls mapped into its names. */
  resolver(depth = 0): Resolver {
    return (start) => this.forStart(start, depth);
  }

  /** The function a `go` or call runs: its func literal, or its declaration in the file. */
  targetOf(start: Start): FunctionIR | undefined {
    return start.literal ?? this.declarationOf(start);
  }

  /** What running `start` does, in the caller's names; undefined when unknown. */
  forStart(start: Start, depth: number): Summary | undefined {
    const target = this.targetOf(start);
    if (!target || depth >= MAX_CALL_DEPTH) return undefined;
    const own = this.summaryOf(target, depth + 1);
    if (!own) return undefined;
    return mapSummary(own, bindings(target, start), !!start.literal);
  }

  private declarationOf(start: Start): FunctionIR | undefined {
    if (!start.name) return undefined;
    const decl = start.receiver
      ? start.receiverType && this.scope.methods.get(`${start.receiverType}.${start.name}`)
      : this.scope.functions.get(start.name);
    if (!decl) return undefined;
    return this.irOf(decl)?.root;
  }

  /**
   * The IR of a top-level declaration, built once whether the model of the declaration or a call of
   * it asks first; undefined when it is too deeply nested to model.
   */
  irOf(decl: Node): BuiltIR | undefined {
    let ir = this.built.get(decl.id);
    if (ir === undefined) this.built.set(decl.id, (ir = buildFunctionIR(decl, this.scope.options) ?? null));
    return ir ?? undefined;
  }

  /** A function's summary in its own names. */
  summaryOf(ir: FunctionIR, depth: number): Summary | undefined {
    if (this.own.has(ir)) return this.own.get(ir) ?? undefined;
    if (this.inProgress.has(ir)) return undefined;
    this.inProgress.add(ir);
    const exits = walkFunction(ir, this.resolver(depth), this.scope.madeFields);
    this.inProgress.delete(ir);
    const summary = exits ? summarize(ir, exits) : undefined;
    this.own.set(ir, summary ?? null);
    return summary;
  }
}

/** A channel a function does nothing to. */
const NOTHING: ChanEffect = {
  minSends: ZERO,
  minRecvs: ZERO,
  maxBlockingSends: ZERO,
  maxSends: ZERO,
  maxRecvs: ZERO,
  closesAlways: false,
  closesSometimes: false,
  escapes: false,
  leadingSends: ZERO,
  drains: false,
};

/** Folds a function's exits into a summary. */
function summarize(ir: FunctionIR, exits: readonly Exit[]): Summary {
  const leaving = exits.filter((e) => e.kind !== 'iteration' && e.kind !== 'stuck');
  const returning = leaving.filter((e) => e.kind === 'return');
  // Exits often share their state's channels, and channels their facts: each map is read for its
  // names once, and each distinct fact counted once (the folds below ignore repeats).
  const leavingMaps = new Set(leaving.map((e) => e.state.chans));
  const returningMaps = new Set(returning.map((e) => e.state.chans));
  const keys = new Set<ChanKey>();
  for (const chans of leavingMaps) for (const ch of chans.keys()) keys.add(ch);
  const effects = new Map<ChanKey, ChanEffect>();
  const { waits, forever } = waitsOf(ir.body);
  for (const ch of keys) {
    if (ch === FRESH || ch === NIL) continue;
    const all = distinctFacts(leavingMaps, ch);
    // Made here: a channel of this function's own, not one it was handed.
    if (all.some((f) => f.made)) continue;
    const ret = distinctFacts(returningMaps, ch);
    const drains = all.some((f) => f.drained);
    effects.set(ch, {
      minSends: ret.length ? ret.map((f) => f.sends).reduce(minCount) : ZERO,
      minRecvs: ret.length ? ret.map((f) => f.recvs).reduce(minCount) : ZERO,
      maxBlockingSends: all.map((f) => f.blockingSends).reduce(max, ZERO),
      maxSends: all.map((f) => f.sends).reduce(max, ZERO),
      maxRecvs: all.map((f) => f.recvs).reduce(max, ZERO),
      closesAlways: ret.length > 0 && ret.every((f) => f.closed),
      closesSometimes: all.some((f) => f.closed || f.maybeClosed),
      escapes: all.some((f) => f.escaped),
      leadingSends: all.map((f) => f.leadingSends).reduce(minCount),
      drains,
      drainsUntil: drains ? stopsOfDrains(leaving, waits, ch) : undefined,
    });
  }
  const starts = new Map<Node, Started>();
  for (const e of leaving) for (const g of e.state.started) if (!starts.has(g.go)) starts.set(g.go, g);
  // What the goroutines it starts may do to the channels it was handed (a worker that starts its
  // own workers, which send): maybe sent or closed, after this function may have returned.
  for (const g of starts.values()) {
    for (const [ch, e] of g.summary.effects) {
      if (leaving.some((x) => factsOf(x.state, ch).made)) continue;
      const mine = effects.get(ch) ?? NOTHING;
      effects.set(ch, {
        ...mine,
        maxSends: isZero(e.maxSends) ? mine.maxSends : MANY,
        closesSometimes: mine.closesSometimes || e.closesSometimes,
        escapes: mine.escapes || e.escapes,
        drains: mine.drains || e.drains,
        drainsUntil: (mine.drains && !mine.drainsUntil) || (e.drains && !e.drainsUntil) ? undefined : [...(mine.drainsUntil ?? []), ...(e.drainsUntil ?? [])],
      });
    }
  }
  return { effects, paths: pathEffects(leaving, effects), waits, starts: [...starts.values()], loopsForever: forever };
}

/** The facts the maps hold for `ch`, each distinct object once (a map without it: a blank one). */
function distinctFacts(maps: ReadonlySet<ReadonlyMap<ChanKey, ChanFacts>>, ch: ChanKey): ChanFacts[] {
  const out = new Set<ChanFacts>();
  for (const chans of maps) out.add(factsIn(chans, ch));
  return [...out];
}

/**
 * The channels whose signal ends every loop that drains `ch` (see ChanEffect.drainsUntil); undefined
 * when some drain has no such way out (a loop that runs forever, a range until close, a loop that
 * may leave right after taking a value of `ch`).
 */
function stopsOfDrains(leaving: readonly Exit[], waits: readonly Wait[], ch: ChanKey): ChanKey[] | undefined {
  const draining = leaving.filter((e) => factsOf(e.state, ch).drained);
  if (draining.length === 0) return undefined;
  const stops = new Set<ChanKey>();
  for (const e of draining) {
    const exit = e.kind === 'forever' ? waits.find((w) => w.kind === 'exit' && w.node.id === e.node.id) : undefined;
    if (!exit || exit.keys.includes(ch)) return undefined;
    for (const k of exit.keys) stops.add(k);
  }
  return [...stops];
}

/** The distinct paths of a function, as the channels it was handed see them. */
function pathEffects(leaving: readonly Exit[], handed: ReadonlyMap<ChanKey, ChanEffect>): PathEffect[] {
  const seen = new Map<string, PathEffect>();
  // Exits that share a map of channels share what they did to them: read once per map.
  const byMap = new Map<ReadonlyMap<ChanKey, ChanFacts>, Omit<PathEffect, 'returnsAt'> & { id: string }>();
  for (const e of leaving) {
    let path = byMap.get(e.state.chans);
    if (!path) byMap.set(e.state.chans, (path = pathEffect(e.state.chans, handed)));
    const returns = e.kind === 'return';
    const id = path.id + (returns ? '|r' : '');
    const { blockingSends, signals, mightSignal } = path;
    if (!seen.has(id)) seen.set(id, { blockingSends, signals, mightSignal, returnsAt: returns ? e.node : undefined });
  }
  return [...seen.values()];
}

/** What one path's facts say it did to the channels it was handed, and an id for telling paths apart. */
function pathEffect(chans: ReadonlyMap<ChanKey, ChanFacts>, handed: ReadonlyMap<ChanKey, ChanEffect>): Omit<PathEffect, 'returnsAt'> & { id: string } {
  const blockingSends = new Map<ChanKey, Count>();
  const signals = new Set<ChanKey>();
  const mightSignal = new Set<ChanKey>();
  for (const ch of handed.keys()) {
    const f = factsIn(chans, ch);
    if (!isZero(f.blockingSends)) blockingSends.set(ch, f.blockingSends);
    if (f.closed || !isZero(f.sends) || !isZero(f.blockingSends)) signals.add(ch);
    if (f.maybeSent || f.maybeClosed) mightSignal.add(ch);
  }
  const id = [...blockingSends].map(([k, c]) => `${k}=${countKey(c)}`).join(',') + '|' + [...signals].sort().join(',') + '|' + [...mightSignal].sort().join(',');
  return { blockingSends, signals, mightSignal, id };
}

/** The smaller of two counts, when one is known to be smaller; otherwise the exact part of the smaller. */
function minCount(a: Count, b: Count): Count {
  if (a.inf && !b.inf) return b;
  if (b.inf && !a.inf) return a;
  if (a.syms.length === 0 && b.syms.length === 0) return a.n <= b.n ? a : b;
  return a.n <= b.n && a.syms.every((s) => b.syms.includes(s)) ? a : b.n <= a.n && b.syms.every((s) => a.syms.includes(s)) ? b : ZERO;
}

/** How a callee's parameter and receiver names meet the caller's keys. */
function bindings(target: FunctionIR, start: Start): Map<string, ChanKey | undefined> {
  const map = new Map<string, ChanKey | undefined>();
  target.params.forEach((p, i) => {
    if (p !== '_') map.set(p, start.args[i]);
  });
  if (target.receiver && target.receiver !== '_') map.set(target.receiver, start.receiver);
  // A constructor's value is the variable the caller assigns it to.
  if (start.result) map.set(start.result.callee, start.result.caller);
  return map;
}

/**
 * A key of the callee in the caller's names: a parameter or the receiver (and fields of them) map
 * to what was passed; for a func literal other names are the caller's own (captured). Undefined
 * for names the caller cannot see.
 */
function mapKey(ch: ChanKey, bound: Map<string, ChanKey | undefined>, captures: boolean): ChanKey | undefined {
  const dot = ch.indexOf('.');
  const root = dot < 0 ? ch : ch.slice(0, dot);
  if (bound.has(root)) {
    const to = bound.get(root);
    return to === undefined ? undefined : to + ch.slice(root.length);
  }
  return captures ? ch : undefined;
}

function mapSummary(own: Summary, bound: Map<string, ChanKey | undefined>, captures: boolean): Summary {
  const mapped = (ch: ChanKey) => mapKey(ch, bound, captures);
  // Counts named after the callee's own names (`#items` for its `range items`) are the caller's
  // only when the name maps; otherwise they are unknown: none as a lower bound, many as an upper one.
  const count = (c: Count, bound: 'low' | 'high'): Count => {
    if (c.syms.length === 0) return c;
    const syms = c.syms.map((sym) => (sym.startsWith('#') ? mapped(sym.slice(1)) : undefined));
    if (syms.every((sym): sym is ChanKey => !!sym)) return { ...c, syms: syms.map((sym) => `#${sym}`).sort() };
    return bound === 'low' ? ZERO : MANY;
  };
  const effects = new Map<ChanKey, ChanEffect>();
  for (const [ch, e] of own.effects) {
    const to = mapped(ch);
    if (!to) continue;
    effects.set(to, {
      ...e,
      // A stop the caller cannot name cannot be signalled by it.
      drainsUntil: e.drainsUntil?.map(mapped).filter((k): k is ChanKey => !!k),
      minSends: count(e.minSends, 'low'),
      minRecvs: count(e.minRecvs, 'low'),
      maxSends: count(e.maxSends, 'high'),
      maxBlockingSends: count(e.maxBlockingSends, 'high'),
      maxRecvs: count(e.maxRecvs, 'high'),
      leadingSends: count(e.leadingSends, 'low'),
    });
  }
  const waits: Wait[] = [];
  for (const w of own.waits) {
    const keys = w.keys.map(mapped);
    if (keys.every((k): k is ChanKey => !!k)) waits.push({ ...w, keys });
  }
  const starts = own.starts.map((g) => ({ ...g, times: count(g.times, 'high'), summary: mapSummary(g.summary, bound, captures) }));
  const paths = own.paths.map((p) => ({
    ...p,
    blockingSends: new Map([...p.blockingSends].flatMap(([ch, c]): [ChanKey, Count][] => (mapped(ch) ? [[mapped(ch)!, count(c, 'high')]] : []))),
    signals: new Set([...p.signals].map(mapped).filter((ch): ch is ChanKey => !!ch)),
    mightSignal: new Set([...p.mightSignal].map(mapped).filter((ch): ch is ChanKey => !!ch)),
  }));
  return { effects, paths, waits, starts, loopsForever: own.loopsForever };
}

/**
 * Where a function blocks waiting on channels (a path-insensitive look: every receive, select and
 * range it may reach), and the first loop it can never leave.
 */
export function waitsOf(body: readonly Stmt[]): { waits: Wait[]; forever?: Node } {
  const waits: Wait[] = [];
  let forever: Node | undefined;
  // `stops`: the exit channels of the loops around; a select on one of them is the loop's own wait, already said.
  const visit = (stmts: readonly Stmt[], stops: ReadonlySet<ChanKey>) => {
    for (const s of stmts) {
      switch (s.k) {
        case 'recv':
          waits.push({ kind: 'recv', keys: [s.ch], node: s.node });
          break;
        case 'select': {
          const ops = s.cases.map((c) => c.op);
          if (!s.hasDefault && ops.length > 0 && ops.every((op) => op?.kind === 'recv') && !ops.some((op) => stops.has(op!.ch))) {
            waits.push({ kind: 'recv', keys: ops.map((op) => op!.ch), node: s.node });
          }
          for (const c of s.cases) visit(c.body, stops);
          break;
        }
        case 'if':
          visit(s.then, stops);
          visit(s.else, stops);
          break;
        case 'switch':
          for (const c of s.cases) visit(c, stops);
          break;
        case 'defer':
        case 'scope':
          visit(s.body, stops);
          break;
        case 'loop': {
          let inner = stops;
          if (s.count.kind === 'over') waits.push({ kind: 'range', keys: [s.count.ch], node: s.node });
          if (s.count.kind === 'forever') {
            const ways = waysOut(s.body, s.label);
            // A loop that receives from a stop-like channel (`<-s.quit`, `ctx.Done()`) is meant to end by it.
            if (ways.length === 0 && ![...receivedIn(s.body)].some(isStopKey)) forever ??= s.node;
            else if (ways.length > 0 && ways.every((w) => w !== undefined)) {
              const keys = [...new Set(ways as ChanKey[])];
              waits.push({ kind: 'exit', keys, node: s.node });
              inner = new Set([...stops, ...keys]);
            }
          }
          visit(s.body, inner);
          break;
        }
      }
    }
  };
  visit(body, new Set());
  return { waits, forever };
}

/** The channels a body receives from, plainly or in select cases (nested blocks included). */
function receivedIn(body: readonly Stmt[], into = new Set<ChanKey>()): Set<ChanKey> {
  for (const s of body) {
    switch (s.k) {
      case 'recv':
        into.add(s.ch);
        break;
      case 'select':
        for (const c of s.cases) {
          if (c.op?.kind === 'recv') into.add(c.op.ch);
          receivedIn(c.body, into);
        }
        break;
      case 'if':
        receivedIn(s.then, into);
        receivedIn(s.else, into);
        break;
      case 'switch':
        for (const c of s.cases) receivedIn(c, into);
        break;
      case 'loop':
        if (s.count.kind === 'over') into.add(s.count.ch);
        receivedIn(s.body, into);
        break;
      case 'scope':
        receivedIn(s.body, into);
        break;
    }
  }
  return into;
}

/**
 * The ways out of a `for {}` body: for each return, break out of it, or end of the path (panic,
 * os.Exit), the channel whose select case it sits in (undefined when it does not sit in one).
 */
function waysOut(body: readonly Stmt[], label: string | undefined): (ChanKey | undefined)[] {
  const out: (ChanKey | undefined)[] = [];
  const visit = (stmts: readonly Stmt[], via: ChanKey | undefined, loops: number, breakables: number) => {
    for (const s of stmts) {
      switch (s.k) {
        case 'return':
        case 'end':
          out.push(via);
          break;
        // A `return` in a func literal run in place leaves only the literal.
        case 'scope':
          break;
        case 'jump':
          if (s.kind === 'break' && ((s.label && s.label === label) || (!s.label && loops === 0 && breakables === 0))) out.push(via);
          break;
        case 'if':
          visit(s.then, via, loops, breakables);
          visit(s.else, via, loops, breakables);
          break;
        case 'switch':
          for (const c of s.cases) visit(c, via, loops, breakables + 1);
          break;
        case 'select':
          for (const c of s.cases) visit(c.body, c.op?.kind === 'recv' ? c.op.ch : via, loops, breakables + 1);
          break;
        case 'loop':
          visit(s.body, via, loops + 1, breakables);
          break;
      }
    }
  };
  visit(body, undefined, 0, 0);
  return out;
}
