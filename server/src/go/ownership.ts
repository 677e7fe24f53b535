/**
 * Who owns a resource after the call that created it: a cancel func, ticker, timer, HTTP response,
 * sql.Rows or span. Like go vet's lostcancel, a structured walk over the statements that follow
 * the acquisition decides whether every path leaving the function releases the resource or hands
 * it on (returns, stores, sends or passes it). Every resource rule asks this one module, so they
 * agree on what counts as released — the source of most false positives in other tools.
 */
import type { Node } from 'web-tree-sitter';
import type { Range } from '../engine/types';
import type { GoFile } from './file';
import { defersBefore } from './defers';
import { mentionedBetween, mentionsBetween, mentionsFrom, mentionsInside, mentionsOf, mentionSpan, someMentionWhere } from './identifiers';
import { trailingWord } from './words';
import {
  callParts,
  enclosingFunction,
  enclosingStatement,
  expressionsOf,
  functionBody,
  hasType,
  ifParts,
  isFunctionNode,
  isInside,
  isLeadingChild,
  mayHoldClosures,
  namedChildren,
  nodeMemo,
  nodeRange,
  parentOf,
  statementsOf,
  textOf,
  typeOf,
  unparen,
} from './syntax';

/** What a resource is, as far as ownership goes. */
export interface ResourceKind {
  /** Which result of the acquiring call is the resource: 1 for the cancel func of context.WithCancel. */
  slot: number;
  /**
   * Selectors from the variable to the call that releases it: [] for `cancel()`, ['Stop'] for
   * `t.Stop()`, ['Body', 'Close'] for `resp.Body.Close()`. Passing on any prefix (`resp.Body`,
   * `t.Stop`) hands the resource on.
   */
  releasePath: readonly string[];
  /** Calls that only read what they are given and do not take the resource over (io.Copy of resp.Body). */
  borrows?(call: Node, file: GoFile): boolean;
  /** A field whose receive means the resource is spent: `<-t.C` for a timer that has fired. */
  spentByReceiveFrom?: string;
  /** Calls that consume what they are given to its end, which releases it: io.ReadAll of a response body. */
  drains?(call: Node, arg: Node, file: GoFile): boolean;
  /** A method that releases the resource once it returns false, so a loop on it does: `for rows.Next() {}`. */
  exhaustedBy?: string;
  /**
   * Other variables whose uses settle the resource too: the context of a cancel func (received
   * Done, it is released), the transaction a query's rows belong to (its Rollback closes them).
   */
  companions?(call: Node, file: GoFile, fn: Node): readonly Companion[];
}

/** A variable besides the resource's own whose uses release or hand on the resource. */
export interface Companion {
  name: string;
  /** What a mention of it after the acquisition (or in a `defer` before it) does to the resource. */
  use(ident: Node): 'release' | 'handoff' | 'none';
}

/** Where an expression's value goes, looking through parentheses and `&`. */
export type ValuePosition =
  | { kind: 'called'; call: Node }
  | { kind: 'member'; selector: Node; field: string }
  | { kind: 'argument'; call: Node }
  | { kind: 'assigned'; left: readonly Node[]; right: readonly Node[]; index: number; stmt: Node }
  | { kind: 'returned' | 'element' | 'sent' | 'dropped' | 'target' | 'key' | 'other' };

const ASSIGNMENTS = new Set(['short_var_declaration', 'assignment_statement']);

/** Where an expression's value goes (memoized: every rule asks it of the same calls and mentions). */
export const positionOf: (expr: Node) => ValuePosition = nodeMemo(computePosition);

function computePosition(expr: Node): ValuePosition {
  let n = expr;
  for (let p = parentOf(n); p; p = parentOf(n)) {
    const type = typeOf(p);
    const addressOf = type === 'unary_expression' && p.childForFieldName('operator')?.text === '&';
    if (type !== 'parenthesized_expression' && !addressOf) break;
    n = p;
  }
  const p = parentOf(n);
  if (!p) return { kind: 'other' };
  switch (typeOf(p)) {
    case 'call_expression':
      return isLeadingChild(n, p) ? { kind: 'called', call: p } : { kind: 'other' };
    case 'argument_list': {
      const call = parentOf(p);
      return hasType(call, 'call_expression') ? { kind: 'argument', call } : { kind: 'other' };
    }
    case 'selector_expression':
      // The field is the selector's last token.
      return isLeadingChild(n, p) ? { kind: 'member', selector: p, field: trailingWord(p.text) } : { kind: 'other' };
    case 'literal_element': {
      const element = parentOf(p);
      const keyed = !!element && typeOf(element) === 'keyed_element' && isLeadingChild(p, element);
      return { kind: keyed ? 'key' : 'element' };
    }
    case 'send_statement':
      return { kind: isLeadingChild(n, p) ? 'other' : 'sent' };
    case 'expression_statement':
      return { kind: 'dropped' };
    case 'return_statement':
      return { kind: 'returned' };
    case 'var_spec':
      // Its names are its only direct identifiers (the type is a type node, the values a list).
      return { kind: typeOf(n) === 'identifier' ? 'target' : 'other' };
    case 'expression_list':
      return listPosition(p, n);
  }
  return { kind: 'other' };
}

function listPosition(list: Node, n: Node): ValuePosition {
  const owner = parentOf(list);
  if (!owner) return { kind: 'other' };
  const type = typeOf(owner);
  if (type === 'return_statement') return { kind: 'returned' };
  const index = namedChildren(list).findIndex((c) => c.id === n.id);
  if (ASSIGNMENTS.has(type) || type === 'range_clause' || type === 'receive_statement') {
    // The left side comes first; the other list is the right side.
    if (isLeadingChild(list, owner)) return { kind: 'target' };
    if (type !== 'range_clause' && type !== 'receive_statement') {
      return { kind: 'assigned', left: expressionsOf(namedChildren(owner)[0]), right: namedChildren(list), index, stmt: owner };
    }
  }
  // A var spec's only expression list is its values.
  if (type === 'var_spec') {
    const left = owner.childrenForFieldName('name').filter((x): x is Node => !!x);
    return { kind: 'assigned', left, right: namedChildren(list), index, stmt: owner };
  }
  if (type === 'type_switch_statement' && owner.childForFieldName('alias')?.id === list.id) return { kind: 'target' };
  return { kind: 'other' };
}

/** The variables (or other targets) an `assigned` position's value goes to. */
function targetsOf(pos: Extract<ValuePosition, { kind: 'assigned' }>): readonly Node[] {
  if (pos.left.length === pos.right.length) return pos.left[pos.index] ? [pos.left[pos.index]] : [];
  return pos.left;
}

const isBlank = (n: Node) => typeOf(n) === 'identifier' && n.text === '_';

/** True when a value in this position leaves the variable's hands: returned, stored, sent or passed on. */
function handsOn(pos: ValuePosition, kind: ResourceKind, file: GoFile): boolean {
  switch (pos.kind) {
    case 'returned':
    case 'element':
    case 'sent':
      return true;
    case 'argument':
      return !kind.borrows?.(pos.call, file);
    case 'assigned':
      return targetsOf(pos).some((t) => !isBlank(t));
  }
  return false;
}

type UseKind = 'release' | 'handoff' | 'rebind' | 'none';

/** What one mention of the resource's variable does with it. */
function useKind(ident: Node, kind: ResourceKind, file: GoFile, body: Node): UseKind {
  let expr = ident;
  for (let depth = 0; ; depth++) {
    // `v.(T)` is the same value: `s, ok := span.(*recordingSpan)` hands it to `s`, `span.(io.Closer).Close()` releases it.
    const up = parentOf(expr);
    if (hasType(up, 'type_assertion_expression') && isLeadingChild(expr, up)) {
      expr = up;
      depth--;
      continue;
    }
    const pos = positionOf(expr);
    if (pos.kind === 'target') return depth === 0 ? 'rebind' : 'none';
    if (pos.kind === 'key') return 'none';
    if (pos.kind === 'called' && depth === kind.releasePath.length) return 'release';
    if (pos.kind === 'member' && depth === 0 && pos.field === kind.spentByReceiveFrom && isReceived(pos.selector)) return 'release';
    if (pos.kind === 'member' && pos.field === kind.releasePath[depth]) {
      expr = pos.selector;
      continue;
    }
    if (pos.kind === 'argument' && kind.drains?.(pos.call, expr, file)) return 'release';
    if (handsOn(pos, kind, file)) return 'handoff';
    return capturedByEscapingClosure(ident, kind, file, body) ? 'handoff' : 'none';
  }
}

/** True when `expr` is received from: `<-expr`. */
export function isReceived(expr: Node): boolean {
  let p = parentOf(expr);
  while (hasType(p, 'parenthesized_expression')) p = parentOf(p);
  return hasType(p, 'unary_expression') && p.childForFieldName('operator')?.text === '<-';
}

/** A closure that mentions the variable and is itself returned, stored or passed takes the resource along. */
function capturedByEscapingClosure(ident: Node, kind: ResourceKind, file: GoFile, body: Node): boolean {
  if (!mayHoldClosures(body)) return false;
  for (let p = parentOf(ident); p && p.id !== body.id; p = parentOf(p)) {
    if (typeOf(p) === 'func_literal' && handsOn(positionOf(p), { ...kind, borrows: undefined }, file)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The path walk

/** Where a path leaves the function (or the variable's scope) without releasing the resource. */
export interface LeakPoint {
  range: Range;
  /** How: a `return`, a `break`/`continue` out of the variable's block, an assignment that overwrites it, or the end of a block. */
  how: 'return' | 'jump' | 'overwrite' | 'end';
  /** The statement, for all but 'end'. */
  stmt?: Node;
  /** For 'end': the block control falls off. */
  block?: Node;
}

const FALL = 'fall';

/**
 * How the paths through some statements end: leaks, and exits ('fall', 'break[:label]',
 * 'continue[:label]') with the jump statements that take each.
 */
interface Flow {
  readonly leaks: readonly LeakPoint[];
  readonly exits: ReadonlyMap<string, readonly Node[]>;
}

/** The flows of most statements, shared (flows are never changed once built): the walk meets one per simple statement. */
const ENDED: Flow = { leaks: [], exits: new Map() };
const FALLEN: Flow = { leaks: [], exits: new Map([[FALL, []]]) };

function addExit(exits: Map<string, readonly Node[]>, exit: string, nodes: readonly Node[]): void {
  const known = exits.get(exit);
  exits.set(exit, known ? [...known, ...nodes] : nodes);
}

function merge(...flows: Flow[]): Flow {
  const exits = new Map<string, readonly Node[]>();
  for (const f of flows) for (const [e, nodes] of f.exits) addExit(exits, e, nodes);
  return { leaks: flows.flatMap((f) => f.leaks), exits };
}

function jump(s: Node): Flow {
  const label = namedChildren(s).find((c) => typeOf(c) === 'label_name')?.text;
  const kind = typeOf(s) === 'break_statement' ? 'break' : 'continue';
  return { leaks: [], exits: new Map([[label ? `${kind}:${label}` : kind, [s]]]) };
}

function leakAt(s: Node, how: LeakPoint['how']): Flow {
  return { leaks: [{ range: nodeRange(s), how, stmt: s }], exits: new Map() };
}

/** Splits an exit into its kind and label. */
function parseExit(exit: string): [string, string | undefined] {
  const i = exit.indexOf(':');
  return i < 0 ? [exit, undefined] : [exit.slice(0, i), exit.slice(i + 1)];
}

const SWITCHES = new Set(['expression_switch_statement', 'type_switch_statement']);
const CASES = new Set(['expression_case', 'type_case', 'default_case', 'communication_case']);
/** Methods that end the goroutine or the process: t.Fatal, log.Fatalf, b.SkipNow, logger.Panic… */
const TERMINATING_METHODS = /^(Fatal|Fatalf|Fatalln|FailNow|Skip|Skipf|SkipNow|Panic|Panicf|Panicln)$/;
/** Any of the names above, or panic, Exit and Goexit, as a word: the statement's text says whether to look. */
const TERMINATING_WORD = /\b(?:Fatal|Fatalf|Fatalln|FailNow|Skip|Skipf|SkipNow|Panic|Panicf|Panicln|panic|Exit|Goexit)\b/;

/** panic(…), os.Exit, runtime.Goexit, log.Fatal*, t.Fatal*: the path ends without returning. */
export function isTerminating(file: GoFile, stmt: Node): boolean {
  if (typeOf(stmt) !== 'expression_statement' || !TERMINATING_WORD.test(stmt.text)) return false;
  const expr = namedChildren(stmt)[0];
  const parts = expr && callParts(unparen(expr));
  if (!parts) return false;
  if (!parts.operand) return typeOf(parts.fn) === 'identifier' && parts.name === 'panic';
  return (
    TERMINATING_METHODS.test(parts.name) ||
    file.isPkgCall(parts.call, 'os', ['Exit']) ||
    file.isPkgCall(parts.call, 'runtime', ['Goexit'])
  );
}

/** `range time.Tick(d)` and `range t.C`: the time package never closes these channels, so the loop never ends by itself. */
function rangesOverTimeChannel(file: GoFile, clause: Node): boolean {
  const right = typeOf(clause) === 'range_clause' ? clause.childForFieldName('right') : null;
  const ch = right && unparen(right);
  if (!ch) return false;
  if (typeOf(ch) === 'selector_expression') return ch.childForFieldName('field')?.text === 'C';
  return typeOf(ch) === 'call_expression' && file.isPkgCall(ch, 'time', ['Tick']);
}

/** The condition of a `for` loop: `for cond {` or `for i := 0; cond; i++ {`; undefined for range and endless loops. */
function loopCondition(loop: Node): Node | undefined {
  const body = loop.childForFieldName('body');
  for (const c of namedChildren(loop)) {
    if (c.id === body?.id || typeOf(c) === 'range_clause') continue;
    return typeOf(c) === 'for_clause' ? c.childForFieldName('condition') ?? undefined : c;
  }
  return undefined;
}

/**
 * What evaluating a statement (or a compound statement's header) does to the resource: settles it
 * (releases, hands on, or no longer concerns it), loses it (overwrites the variable that holds
 * it), or neither.
 */
type Settle = 'settled' | 'lost' | undefined;

/**
 * Walks statements the way control flows through them. `settles(node)` says whether evaluating a
 * simple statement or a compound statement's header settles or loses the resource; such a path
 * is done with it.
 */
/** Statements nested deeper than this are not walked: the rule says nothing about the function. */
const MAX_DEPTH = 256;

/** Thrown by a walk that reaches MAX_DEPTH (the walk recurses per nested statement). */
class TooDeep extends Error {}

/** `walk()`, or `otherwise` when the code is nested too deep to walk. */
function unlessTooDeep<T>(walk: () => T, otherwise: T): T {
  try {
    return walk();
  } catch (e) {
    if (e instanceof TooDeep) return otherwise;
    throw e;
  }
}

/** Statements that hold statements: the walk's cost lies in them. */
const NESTING = new Set(['block', 'if_statement', 'for_statement', 'select_statement', 'labeled_statement', ...SWITCHES]);

/**
 * How deep the walk goes before it asks whether a statement is neutral: asking costs more than
 * walking the few levels real code nests, and pays off only on deeply nested code.
 */
const NEUTRAL_FROM_DEPTH = 8;

/** A statement whose neutral walk went past MAX_DEPTH. */
const TOO_DEEP = 'too deep';

/**
 * Per statement, by label (or ''): how paths run through it when nothing in it touches the
 * resource — no use settles it, no condition tests it — which is the same for every acquisition.
 * A statement met on a neutral walk that went past MAX_DEPTH stays too deep from then on (an
 * over-estimate only for code nested that deep, where the rule says nothing anyway): without
 * that, each acquisition in code nested thousands of levels deep walked 256 levels again.
 */
const neutralFlows = nodeMemo(() => new Map<string, Flow | typeof TOO_DEEP>());

class PathWalker {
  private depth = 0;

  constructor(
    private readonly file: GoFile,
    private readonly settles: (node: Node) => Settle,
    /** For an `if` (or a loop's body), the branch on which the resource does not exist (the call failed, or it is nil). */
    private readonly deadBranch: (stmt: Node) => Branch | undefined = () => undefined,
    /** True for a loop condition that releases the resource once false (`rows.Next()`). */
    private readonly exhausts: (condition: Node) => boolean = () => false,
    /** True for a statement nothing in which touches the resource: its neutral flow, shared, is its flow. */
    private readonly neutral: (stmt: Node) => boolean = () => false,
  ) {}

  list(stmts: Iterable<Node>): Flow {
    const leaks: LeakPoint[] = [];
    const exits = new Map<string, readonly Node[]>();
    let live = true;
    for (const s of stmts) {
      const f = this.stmt(s);
      leaks.push(...f.leaks);
      for (const [e, nodes] of f.exits) if (e !== FALL) addExit(exits, e, nodes);
      live = f.exits.has(FALL);
      if (!live) break;
    }
    if (live) addExit(exits, FALL, []);
    return { leaks, exits };
  }

  stmt(s: Node, label?: string): Flow {
    const shared = this.depth >= NEUTRAL_FROM_DEPTH && NESTING.has(typeOf(s)) && this.neutral(s);
    return shared ? this.neutralFlow(s, label) : this.nested(s, label);
  }

  /** stmtAt one level deeper, or TooDeep past MAX_DEPTH. */
  private nested(s: Node, label?: string): Flow {
    if (++this.depth > MAX_DEPTH) throw new TooDeep();
    try {
      return this.stmtAt(s, label);
    } finally {
      this.depth--;
    }
  }

  /** The memoized neutral flow of `s`, walked (at this walk's depth) when not yet known. */
  private neutralFlow(s: Node, label?: string): Flow {
    const known = neutralFlows(s);
    const key = label ?? '';
    const flow = known.get(key);
    if (flow === TOO_DEEP) throw new TooDeep();
    if (flow) return flow;
    const walker = new PathWalker(this.file, () => undefined, undefined, undefined, () => true);
    walker.depth = this.depth;
    try {
      const walked = walker.nested(s, label);
      known.set(key, walked);
      return walked;
    } catch (e) {
      if (e instanceof TooDeep) known.set(key, TOO_DEEP);
      throw e;
    }
  }

  private stmtAt(s: Node, label?: string): Flow {
    const type = typeOf(s);
    switch (type) {
      case 'return_statement':
        return this.settles(s) === 'settled' ? ENDED : leakAt(s, 'return');
      case 'block':
        return this.list(statementsOf(s));
      case 'if_statement':
        return this.ifStmt(s);
      case 'for_statement':
        return this.forStmt(s, label);
      case 'select_statement':
        return this.casesStmt(s, label);
      case 'labeled_statement': {
        const inner = namedChildren(s).find((c) => typeOf(c) !== 'label_name');
        return inner ? this.stmt(inner, s.childForFieldName('label')?.text) : FALLEN;
      }
      case 'break_statement':
      case 'continue_statement':
        return jump(s);
      case 'goto_statement':
      case 'fallthrough_statement':
        return ENDED; // rare; giving up on the path avoids false positives
    }
    if (SWITCHES.has(type)) return this.casesStmt(s, label);
    return this.header(s, [s]) ?? (isTerminating(this.file, s) ? ENDED : FALLEN);
  }

  /** The flow when evaluating `nodes` (a statement, or the header of `stmt`) settles or loses the resource. */
  private header(stmt: Node, nodes: readonly (Node | null)[]): Flow | undefined {
    for (const n of nodes) {
      const settle = n ? this.settles(n) : undefined;
      if (settle === 'settled') return ENDED;
      if (settle === 'lost') return leakAt(stmt, 'overwrite');
    }
    return undefined;
  }

  private ifStmt(s: Node): Flow {
    const { initializer, condition, consequence: cons, alternative: alt } = ifParts(s);
    const settled = this.header(s, [initializer, condition]);
    if (settled) return settled;
    const skip = this.deadBranch(s);
    return merge(
      skip === 'consequence' ? ENDED : cons ? this.stmt(cons) : FALLEN,
      skip === 'alternative' ? ENDED : alt ? this.stmt(alt) : FALLEN,
    );
  }

  /**
   * Loop bodies may run zero times; a loop without condition ends only through a break; a loop
   * whose condition releases the resource once false (`for rows.Next()`) settles it when it ends
   * that way.
   */
  private forStmt(s: Node, label?: string): Flow {
    const body = s.childForFieldName('body');
    const header = namedChildren(s).filter((c) => c.id !== body?.id);
    const settled = this.header(s, header);
    if (settled) return settled;
    const inner = body && this.deadBranch(s) !== 'consequence' ? this.stmt(body) : FALLEN;
    const exits = new Map<string, readonly Node[]>();
    const condition = loopCondition(s);
    let falls =
      !(condition && this.exhausts(condition)) &&
      header.some((h) => (typeOf(h) === 'for_clause' ? !!h.childForFieldName('condition') : !rangesOverTimeChannel(this.file, h)));
    for (const [e, nodes] of inner.exits) {
      const [kind, target] = parseExit(e);
      if (kind === FALL) continue;
      if (!target || target === label) falls ||= kind === 'break';
      else addExit(exits, e, nodes);
    }
    if (falls) addExit(exits, FALL, []);
    return { leaks: inner.leaks, exits };
  }

  /** switch and select: each case is a path; a switch without default can skip them all. */
  private casesStmt(s: Node, label?: string): Flow {
    const select = typeOf(s) === 'select_statement';
    const settled = select ? undefined : this.header(s, ['initializer', 'value', 'alias'].map((f) => s.childForFieldName(f)));
    if (settled) return settled;
    const cases = namedChildren(s).filter((c) => CASES.has(typeOf(c)));
    const flows = cases.map((c) => this.header(c, [c.childForFieldName('communication')]) ?? this.list(statementsOf(c)));
    if (!select && !cases.some((c) => typeOf(c) === 'default_case')) flows.push(FALLEN);
    const inner = merge(...flows);
    const exits = new Map<string, readonly Node[]>();
    for (const [e, nodes] of inner.exits) {
      const [kind, target] = parseExit(e);
      if (kind === FALL || (kind === 'break' && (!target || target === label))) addExit(exits, FALL, []);
      else addExit(exits, e, nodes);
    }
    return { leaks: inner.leaks, exits };
  }
}

/** The point where control falls off the end of a block (its closing brace) or another container. */
function endOf(container: Node): LeakPoint {
  const last = container.child(container.childCount - 1);
  const at = hasType(last, '}') ? last : container;
  const { row, column } = at.endPosition;
  const end = { line: row, character: column };
  return { range: { start: { line: end.line, character: Math.max(0, end.character - 1) }, end }, how: 'end', block: container };
}

/** The leak points of a flow that leaves `container`, the variable's block: its jumps out, and its end when control falls off it. */
function exitLeaks(flow: Flow, container: Node): LeakPoint[] {
  const out: LeakPoint[] = [];
  for (const [e, nodes] of flow.exits) {
    if (e === FALL) out.push(endOf(container));
    else for (const n of nodes) out.push({ range: nodeRange(n), how: 'jump', stmt: n });
  }
  return out;
}

/** The statement a block or case belongs to, climbing else-if chains; undefined at a function boundary. */
function owningStatement(container: Node): Node | undefined {
  let owner: Node | null = typeOf(container) === 'block' && hasType(parentOf(container), 'statement_list') ? container : parentOf(container);
  while (hasType(owner, 'if_statement') && hasType(parentOf(owner), 'if_statement')) owner = parentOf(owner);
  if (!owner || isFunctionNode(owner)) return undefined;
  const label = parentOf(owner);
  return hasType(label, 'labeled_statement') ? label : owner;
}

/**
 * The statements after `stmt` in its list, produced lazily: most walks stop long before the end.
 * Read from the parent's children: tree-sitter answers each nextNamedSibling by walking down from
 * the root, which on deeply nested code costs the depth every step.
 */
function* statementsAfter(stmt: Node): Generator<Node> {
  const parent = parentOf(stmt);
  const siblings = parent ? namedChildren(parent) : [];
  for (let i = siblings.findIndex((n) => n.id === stmt.id) + 1; i > 0 && i < siblings.length; i++) if (typeOf(siblings[i]) !== 'comment') yield siblings[i];
}

/**
 * Leak points of the paths that start right after `start` (or at it, with `inclusive`) and leave
 * `scope` — the block a variable is declared in — or the function. Falling off the end of a nested
 * block continues after the statement that owns it.
 */
function leaksFrom(walker: PathWalker, start: Node, inclusive: boolean, scope: Node, body: Node): LeakPoint[] {
  const leaks: LeakPoint[] = [];
  let cur = start;
  let flow = walker.list(inclusive ? [start, ...statementsAfter(start)] : statementsAfter(start));
  // Climbing out costs a step per nested level, like walking in: past MAX_DEPTH it stops too.
  for (let climbed = 0; ; climbed++) {
    if (climbed > MAX_DEPTH) throw new TooDeep();
    leaks.push(...flow.leaks);
    if (flow.exits.size === 0) return leaks;
    const container = parentOf(parentOf(cur));
    if (!container) return leaks;
    if (container.id === body.id || container.id === scope.id) {
      // Falling off, breaking or continuing out of the variable's block all lose it.
      leaks.push(...exitLeaks(flow, container));
      return leaks;
    }
    const owner = owningStatement(container);
    if (!owner || !hasType(parentOf(owner), 'statement_list')) return leaks;
    const inner = typeOf(owner) === 'labeled_statement' ? namedChildren(owner).find((c) => typeOf(c) !== 'label_name') : owner;
    if (inner?.id === scope.id) {
      leaks.push(...exitLeaks(flow, container));
      return leaks;
    }
    const label = typeOf(owner) === 'labeled_statement' ? owner.childForFieldName('label')?.text : undefined;
    const loop = hasType(inner, 'for_statement');
    const breakable = loop || hasType(inner, 'select_statement') || SWITCHES.has(typeOf(inner) ?? '');
    let falls = false;
    const carried = new Map<string, readonly Node[]>();
    for (const [e, nodes] of flow.exits) {
      const [kind, target] = parseExit(e);
      const here = !target || target === label;
      if (kind === FALL || (here && ((kind === 'break' && breakable) || (kind === 'continue' && loop)))) falls = true;
      else addExit(carried, e, nodes);
    }
    cur = owner;
    const next = falls ? walker.list(statementsAfter(owner)) : ENDED;
    if (carried.size) for (const [e, nodes] of next.exits) addExit(carried, e, nodes);
    flow = carried.size ? { leaks: next.leaks, exits: carried } : next;
  }
}

// ---------------------------------------------------------------------------------------------
// Acquisitions

export type Branch = 'consequence' | 'alternative';

/** The `if err != nil { … }` right after an acquisition and the branch of it that runs on failure. */
export interface ErrCheck {
  stmt: Node;
  failure: Branch;
}

/** How a resource was bound by the statement that acquired it. */
export interface Binding {
  /** The variable (an identifier, possibly `_`) the resource went to. */
  target: Node;
  /** The statement that binds it: short variable declaration, assignment or var declaration. */
  stmt: Node;
  /** True for `:=` and `var`: the statement declares the variable (so `_` can be renamed). */
  declares: boolean;
  /** The `if err != nil { … }` (or `err == nil`) right after the statement, when there is one. */
  errCheck?: ErrCheck;
  /** True when some later mention returns, stores, sends or passes the resource on. */
  handedOn: boolean;
  /** True when a closure (often a goroutine) mentions the variable: it may use the resource after the function returns. */
  inClosure: boolean;
}

export interface Ownership {
  /**
   * owned: released or handed on on every path (or stored directly, or too unusual to judge);
   * discarded: bound to `_` or dropped; leaks: some path leaves without releasing it.
   */
  state: 'owned' | 'discarded' | 'leaks';
  leaks: LeakPoint[];
  binding?: Binding;
  /** The function the acquisition happens in. */
  fn?: Node;
}

const OWNED: Ownership = { state: 'owned', leaks: [] };

const otherBranch = (b: Branch): Branch => (b === 'consequence' ? 'alternative' : 'consequence');

/**
 * The branch of an `if` (or the body of a `for`, as its consequence) on which the resource bound
 * to `name` by `acq` does not exist, as its condition tells: the call's error (`errNames`) is
 * non-nil (`err != nil`, `err != nil && retry`, `err == io.EOF`, `errors.Is(err, x)`), or the
 * resource is nil. A check after the error was reassigned on the way to it tests another error,
 * and an `if` with its own initializer tests something else (`if err := f(); err != nil`).
 */
function deadBranchOf(file: GoFile, stmt: Node, acq: Node, name: string, errNames: readonly string[], body: Node): Branch | undefined {
  let condition: Node | null | undefined;
  if (typeOf(stmt) === 'if_statement') {
    const { initializer, condition: c } = ifParts(stmt);
    if (initializer && initializer.id !== acq.id) return undefined;
    condition = c;
  } else if (typeOf(stmt) === 'for_statement') condition = loopCondition(stmt);
  if (!condition) return undefined;
  // A reassignment nested in an earlier branch happens on some paths only; give the check the benefit of the doubt.
  const reassigned = (err: string) =>
    mentionsBetween(body, err, acq.endIndex, stmt.startIndex).some((id) => {
      const list = positionOf(id).kind === 'target' ? parentOf(enclosingStatement(id)) : undefined;
      return !!list && isInside(stmt, list);
    });
  const errorTested = (n: Node) => typeOf(n) === 'identifier' && errNames.includes(n.text) && !reassigned(n.text);
  /** True when `e` having the value `truth` means the resource does not exist. */
  const dead = (e: Node, truth: boolean): boolean => {
    e = unparen(e);
    const type = typeOf(e);
    if (type === 'unary_expression' && e.childForFieldName('operator')?.text === '!') {
      const operand = e.childForFieldName('operand');
      return !!operand && dead(operand, !truth);
    }
    if (type === 'call_expression') {
      // errors.Is(err, target) holds only for a non-nil err.
      const parts = callParts(e);
      return truth && !!parts?.args[0] && file.isPkgCall(e, 'errors', ['Is']) && errorTested(unparen(parts.args[0]));
    }
    if (type !== 'binary_expression') return false;
    const [left, right] = namedChildren(e);
    const op = e.childForFieldName('operator')?.text;
    if (!left || !right) return false;
    if (op === '&&') return truth ? dead(left, true) || dead(right, true) : dead(left, false) && dead(right, false);
    if (op === '||') return truth ? dead(left, true) && dead(right, true) : dead(left, false) || dead(right, false);
    if (op !== '==' && op !== '!=') return false;
    const [operand, other] = typeOf(left) === 'nil' ? [right, left] : [left, right];
    const equal = (op === '==') === truth;
    const isNil = typeOf(other) === 'nil';
    if (typeOf(operand) === 'identifier' && operand.text === name) return isNil && equal;
    // The call's error: non-nil, or equal to a non-nil value (`err == io.EOF`), means no resource.
    if (errorTested(operand)) return isNil ? !equal : equal;
    return false;
  };
  if (dead(condition, true)) return 'consequence';
  return dead(condition, false) ? otherBranch('consequence') : undefined;
}

/** Names a statement or loop header declares: `a, b := …`, `var a, b …`, `for i := …`, `for k, v := range …`. */
function declaredNames(node: Node): string[] {
  switch (typeOf(node)) {
    case 'short_var_declaration':
      return expressionsOf(node.childForFieldName('left')).map((n) => n.text);
    case 'var_declaration':
      return node.descendantsOfType('var_spec').flatMap((v) => v?.childrenForFieldName('name').map((n) => n?.text ?? '') ?? []);
    case 'for_clause': {
      const init = node.childForFieldName('initializer');
      return init ? declaredNames(init) : [];
    }
    case 'range_clause':
      return node.children.some((c) => hasType(c, ':=')) ? expressionsOf(node.childForFieldName('left')).map((n) => n.text) : [];
  }
  return [];
}

/**
 * Where the variable that `stmt` assigns with `=` was declared: the block (or the if/for/switch
 * whose header declares it), 'result' for a named result, 'outside' when not in its function.
 */
export function declarationScope(name: string, stmt: Node): Node | 'outside' | 'result' {
  for (let child = stmt, p = parentOf(stmt); p; child = p, p = parentOf(p)) {
    if (typeOf(p) === 'statement_list') {
      const before = namedChildren(p).filter((s) => s.endIndex <= child.startIndex);
      const block = parentOf(p);
      if (block && before.some((s) => declaredNames(s).includes(name))) return block;
    } else if (isFunctionNode(p)) {
      const result = p.childForFieldName('result');
      const params = p.childForFieldName('parameters');
      if (result && mentionsOf(result, name).length > 0) return 'result';
      if (params && mentionsOf(params, name).length > 0) return functionBody(p) ?? 'outside';
      return 'outside';
    } else {
      const header = namedChildren(p).filter((c) => c.id !== child.id);
      if (header.some((h) => declaredNames(h).includes(name))) return p;
    }
  }
  return 'outside';
}

/** The target result `slot` of `call` is assigned to: `b` in `a, b := call()` for slot 1. */
export function boundResult(
  call: Node,
  slot: number,
): { target: Node; pos: Extract<ValuePosition, { kind: 'assigned' }>; multi: boolean } | undefined {
  const pos = positionOf(call);
  if (pos.kind !== 'assigned') return undefined;
  const multi = pos.left.length > 1 && pos.right.length === 1;
  const target = multi ? pos.left[slot] : pos.left.length === pos.right.length && slot === 0 ? pos.left[pos.index] : undefined;
  return target ? { target, pos, multi } : undefined;
}

/**
 * True when a `defer` that runs before `stmt` in the same function releases the resource when the
 * function returns: `defer tx.Rollback()` above a query on tx. With `late`, only through a deferred
 * closure, which reads the variable when it runs (`defer func() { cancel() }()`), not when deferred.
 * A mention in a defer nested in a deferred closure runs when that closure returns: not counted.
 */
function releasedByEarlierDefer(name: string, releases: (ident: Node) => boolean, stmt: Node, fn: Node, body: Node, late: boolean): boolean {
  if (!mentionedBetween(body, name, body.startIndex, stmt.startIndex)) return false;
  return defersBefore(body, stmt).some(({ defer, nested }) =>
    mentionsBetween(body, name, defer.start, Math.min(defer.end, stmt.startIndex)).some((id) => {
      const at = id.startIndex;
      if (nested.some((n) => n.start <= at && at < n.end) || !releases(id)) return false;
      return !late || enclosingFunction(id)?.id !== fn.id;
    }),
  );
}

/**
 * True when a closure written before `stmt` calls the release on the variable (a cancel kept in an
 * outer variable and called from a callback or another branch's closure): the closure reads
 * whatever the variable holds when it runs.
 */
function releasedByEarlierClosure(name: string, kind: ResourceKind, file: GoFile, stmt: Node, fn: Node, body: Node): boolean {
  if (!mayHoldClosures(body)) return false;
  return mentionsBetween(body, name, body.startIndex, stmt.startIndex).some(
    (id) => enclosingFunction(id)?.id !== fn.id && useKind(id, kind, file, body) === 'release',
  );
}

/** A variable whose mentions the walk follows, and what each mention does to the resource. */
interface Tracked {
  name: string;
  use(ident: Node): UseKind;
}

/**
 * Decides who owns the resource `call` returns (`call` is the acquiring call, e.g. time.NewTicker(…)).
 */
export function analyzeOwnership(file: GoFile, call: Node, kind: ResourceKind): Ownership {
  return unlessTooDeep(() => ownershipOf(file, call, kind), OWNED);
}

function ownershipOf(file: GoFile, call: Node, kind: ResourceKind): Ownership {
  const fn = enclosingFunction(call);
  const body = fn && functionBody(fn);
  if (!fn || !body) return OWNED;
  const use = positionOf(call);
  if (use.kind === 'dropped') return { state: 'discarded', leaks: [], fn };
  if (use.kind === 'member') {
    // `time.NewTicker(d).C`: nothing can release it; it leaks if control can leave the function.
    if (use.field === kind.releasePath[0]) return OWNED;
    const stmt = enclosingStatement(call);
    if (!stmt) return OWNED;
    const leaks = leaksFrom(new PathWalker(file, () => undefined), stmt, true, body, body);
    return leaks.length ? { state: 'leaks', leaks, fn } : OWNED;
  }
  const bound = boundResult(call, kind.slot);
  if (!bound || typeOf(bound.target) !== 'identifier') return OWNED; // a field, map entry, *p…: stored
  const { target, pos, multi } = bound;
  const name = target.text;
  const declares = typeOf(pos.stmt) !== 'assignment_statement';
  const stmt = typeOf(pos.stmt) === 'var_spec' ? enclosingVarDeclaration(pos.stmt) : pos.stmt;
  if (!stmt) return OWNED;
  const errNames = (multi ? pos.left : []).filter((n) => n.id !== target.id && typeOf(n) === 'identifier').map((n) => n.text).filter((n) => n !== '_');
  const up = parentOf(stmt);
  const inHeader = !!up && typeOf(up) === 'if_statement' && ifParts(up).initializer?.id === stmt.id;
  const companions = kind.companions?.(call, file, fn) ?? [];
  if (!inHeader && name !== '_' && releasedRightAfter(stmt, name, errNames, kind.releasePath, companions)) return OWNED;
  const deadBranches = new Map<number, Branch | undefined>();
  const deadBranch = (s: Node) => {
    if (!deadBranches.has(s.id)) deadBranches.set(s.id, deadBranchOf(file, s, stmt, name, errNames, body));
    return deadBranches.get(s.id);
  };
  const checked = inHeader ? parentOf(stmt)! : nextStatement(stmt);
  // The error check proper: a branch dead by the error alone, not by a nil test of the resource.
  const failure = checked && typeOf(checked) === 'if_statement' ? deadBranchOf(file, checked, stmt, '', errNames, body) : undefined;
  const errCheck = checked && failure ? { stmt: checked, failure } : undefined;
  const discarded = name === '_';
  const binding = { target, stmt, declares, errCheck, handedOn: false, inClosure: false };
  if (companions.some((c) => releasedByEarlierDefer(c.name, (id) => c.use(id) === 'release', stmt, fn, body, false))) return OWNED;

  let scope: Node | undefined;
  if (discarded) scope = body;
  else if (declares) scope = inHeader ? parentOf(stmt)! : parentOf(parentOf(stmt)) ?? undefined;
  else {
    const declared = declarationScope(name, stmt);
    if (declared === 'outside' || declared === 'result') return OWNED; // stored in an outer variable or a named result
    if (releasedByEarlierClosure(name, kind, file, stmt, fn, body)) return OWNED;
    scope = declared;
  }
  const DISCARDED: Ownership = { state: 'discarded', leaks: [], binding, fn };
  if (!scope || (!inHeader && !hasType(parentOf(stmt), 'statement_list'))) return discarded ? DISCARDED : OWNED;

  const tracked: Tracked[] = [...companions];
  if (!discarded) tracked.push({ name, use: (id) => useKind(id, kind, file, body) });
  const spans = tracked.map((t) => ({ t, mentions: mentionSpan(body, t.name, stmt.endIndex), kinds: new Map<number, UseKind>() }));
  const kindAt = (s: (typeof spans)[number], i: number) => {
    let k = s.kinds.get(i);
    if (k === undefined) s.kinds.set(i, (k = s.t.use(s.mentions.nodes[i])));
    return k;
  };
  // Statements are asked in source order and most hold no use: compare offsets before asking for the end.
  const settles = (node: Node): Settle => {
    const start = node.startIndex;
    if (!spans.some((s) => mentionsFrom(s.mentions, start))) return undefined;
    const end = node.endIndex;
    let lost = false;
    for (const s of spans) {
      const [from, to] = mentionsInside(s.mentions, start, end);
      for (let i = from; i < to; i++) {
        const k = kindAt(s, i);
        if (k === 'rebind' && s.t.name === name && overwritesResource(s.mentions.nodes[i], fn, scope!)) lost = true;
        else if (k !== 'none') return 'settled';
      }
    }
    return lost ? 'lost' : undefined;
  };
  const exhausts = (condition: Node) => {
    const parts = kind.exhaustedBy ? callParts(unparen(condition)) : undefined;
    return !!parts?.operand && parts.name === kind.exhaustedBy && typeOf(parts.operand) === 'identifier' && parts.operand.text === name;
  };
  const condNames = [...errNames, ...(discarded ? [] : [name])];
  // Nothing in the statement touches the resource: no mention of its variable, no use of a
  // companion that settles it, no condition testing the error or the variable (deadBranchOf).
  const neutral = (s: Node) => {
    const start = s.startIndex;
    const end = s.endIndex;
    if (!discarded && mentionedBetween(body, name, start, end)) return false;
    if (companions.some((c) => someMentionWhere(body, c.name, c.use, (id) => c.use(id) !== 'none', start, end))) return false;
    return !condNames.some((n) => someMentionWhere(body, n, inCondition, inCondition, start, end));
  };
  const walker = new PathWalker(file, settles, deadBranch, exhausts, neutral);
  let leaks: readonly LeakPoint[];
  if (inHeader && !discarded) {
    // `if v, err := f(); …`: the variable lives in the if statement.
    const flow = walker.stmt(parentOf(stmt)!);
    leaks = [...flow.leaks, ...exitLeaks(flow, parentOf(stmt)!)];
  } else {
    leaks = inHeader ? leaksFrom(walker, parentOf(stmt)!, true, scope, body) : leaksFrom(walker, stmt, false, scope, body);
  }
  if (leaks.length === 0) return OWNED;
  if (discarded) return DISCARDED;
  const someOwnMention = (test: (s: (typeof spans)[number], i: number) => boolean) =>
    spans.some((s) => {
      if (s.t.name !== name) return false;
      for (let i = s.mentions.first; i < s.mentions.end; i++) if (test(s, i)) return true;
      return false;
    });
  const handedOn = someOwnMention((s, i) => kindAt(s, i) === 'handoff');
  const inClosure = someOwnMention((s, i) => enclosingFunction(s.mentions.nodes[i])?.id !== fn.id);
  return { state: 'leaks', leaks: dedupe(leaks), binding: { ...binding, handedOn, inClosure }, fn };
}

/**
 * True when the statement after the acquisition — or after its `if err != nil { … }`, on whose
 * taken branch there is no resource — is `defer <name>.<release>()`: the idiom, and what the path
 * walk would find at its first step. Reading it off those two statements spares the walk's set-up
 * (mentions, scopes, earlier defers), most of what the resource rules cost. The error is neither the
 * resource nor a companion, so the walk would find nothing in the condition but the dead branch.
 */
function releasedRightAfter(stmt: Node, name: string, errNames: readonly string[], releasePath: readonly string[], companions: readonly Companion[]): boolean {
  if (!hasType(parentOf(stmt), 'statement_list')) return false;
  const after = statementsAfter(stmt);
  let next: Node | undefined = after.next().value ?? undefined;
  if (next && typeOf(next) === 'if_statement') {
    const { initializer, condition, alternative } = ifParts(next);
    const tested = !initializer && !alternative && condition ? ERROR_CHECK.exec(textOf(condition))?.[1] : undefined;
    if (!tested || !errNames.includes(tested) || companions.some((c) => c.name === tested)) return false;
    next = after.next().value ?? undefined;
  }
  if (!next || typeOf(next) !== 'defer_statement') return false;
  return textOf(next).replace(/\s+/g, '') === `defer${[name, ...releasePath].join('.')}()`;
}

/** `err != nil`: the condition of an error check, capturing the error's name. */
const ERROR_CHECK = /^([A-Za-z_]\w*)\s*!=\s*nil$/;

/** True when `id` lies in the condition of an if or a loop (outside func literals in it): where deadBranchOf looks. */
function inCondition(id: Node): boolean {
  for (let child = id, p = parentOf(id); p; child = p, p = parentOf(p)) {
    const type = typeOf(p);
    if (type === 'if_statement') return ifParts(p).condition?.id === child.id;
    if (type === 'for_statement') return loopCondition(p)?.id === child.id;
    if (type === 'for_clause') return p.childForFieldName('condition')?.id === child.id;
    if (type === 'block' || type.endsWith('_statement') || isFunctionNode(p)) return false;
  }
  return false;
}

/**
 * True when assigning to the variable at `ident` overwrites the one holding the resource: a plain
 * assignment in the function itself, or `:=` in the variable's own block (which reuses it). A `:=`
 * in a nested block or a closure's assignment is left alone (another variable, or another time).
 */
function overwritesResource(ident: Node, fn: Node, scope: Node): boolean {
  const list = parentOf(ident);
  const stmt = hasType(list, 'expression_list') ? parentOf(list) : null;
  if (!stmt || enclosingFunction(stmt)?.id !== fn.id) return false;
  if (typeOf(stmt) === 'assignment_statement') return true;
  return typeOf(stmt) === 'short_var_declaration' && parentOf(parentOf(stmt))?.id === scope.id;
}

function dedupe(leaks: readonly LeakPoint[]): LeakPoint[] {
  const seen = new Set<string>();
  return leaks.filter((l) => {
    const key = `${l.range.start.line}:${l.range.start.character}`;
    return !seen.has(key) && !!seen.add(key);
  });
}

function enclosingVarDeclaration(spec: Node): Node | undefined {
  let p = parentOf(spec);
  while (p && typeOf(p) !== 'var_declaration') p = parentOf(p);
  return p ?? undefined;
}

function nextStatement(stmt: Node): Node | undefined {
  return statementsAfter(stmt).next().value ?? undefined;
}

/**
 * Where the paths from the statement binding `name` (holding a resource of `kind`) leave one
 * iteration of `loop` without releasing it, as if the variable lived in the loop body: the points
 * a fix releases it at.
 */
export function iterationExits(file: GoFile, stmt: Node, loop: Node, name: string, kind: ResourceKind): LeakPoint[] {
  const loopBody = loop.childForFieldName('body');
  const fn = enclosingFunction(stmt);
  const body = fn && functionBody(fn);
  if (!loopBody || !body) return [];
  const mentions = name ? mentionSpan(body, name, stmt.endIndex) : undefined;
  const settles = (node: Node): Settle => {
    const start = node.startIndex;
    const [from, to] = mentions && mentionsFrom(mentions, start) ? mentionsInside(mentions, start, node.endIndex) : [0, 0];
    for (let i = from; i < to; i++) if (!['none', 'rebind'].includes(useKind(mentions!.nodes[i], kind, file, body))) return 'settled';
    return undefined;
  };
  return unlessTooDeep(() => dedupe(leaksFrom(new PathWalker(file, settles), stmt, false, loopBody, body)), []);
}

/** True when control can leave `fn` normally: some `return` or the end of the body is reachable. */
export function canReturn(file: GoFile, fn: Node): boolean {
  let byFile = canReturnMemo.get(file);
  if (!byFile) canReturnMemo.set(file, (byFile = new Map()));
  let answer = byFile.get(fn.id);
  if (answer === undefined) {
    const body = functionBody(fn);
    // Too deep to tell: treated as never returning, so rules that need it to return stay silent.
    answer = unlessTooDeep(() => {
      const flow = body ? new PathWalker(file, () => undefined).list(statementsOf(body)) : undefined;
      return !flow || flow.leaks.length > 0 || flow.exits.has(FALL);
    }, false);
    byFile.set(fn.id, answer);
  }
  return answer;
}

/** canReturn per function: rules ask it for every call in the function. */
const canReturnMemo = new WeakMap<GoFile, Map<number, boolean>>();

/**
 * True when every path through `stmts` returns, ends the goroutine or breaks out to `label`:
 * none falls off their end or takes another jump.
 */
export function alwaysLeaves(file: GoFile, stmts: readonly Node[], label?: string): boolean {
  // Too deep to tell: treated as leaving, which keeps the rules that ask silent.
  return unlessTooDeep(() => [...new PathWalker(file, () => undefined).list(stmts).exits.keys()].every((e) => !!label && e === `break:${label}`), true);
}
