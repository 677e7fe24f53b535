/**
 * A function body as the goroutine model reads it: its control flow (blocks, branches, loops,
 * selects, jumps) and the channel operations, goroutine starts, calls and uses of names on the way,
 * built in one walk of the syntax tree. Channels are named by the text that reaches them (`ch`,
 * `w.done`, `ctx.Done()`): like the rest of the engine the model has no types, and it only draws
 * conclusions about channels it sees made.
 */
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../file';
import { goFileTraits } from '../fileTraits';
import { isTerminating } from '../ownership';
import {
  callParts,
  expressionsOf,
  functionBody,
  hasType,
  ifParts,
  namedChildren,
  statementsOf,
  textOf,
  typeOf,
  unparen,
} from '../syntax';
import type { Constructor } from './constructors';
import { ZERO, exactly, named, type Count } from './counts';

/** A channel as the code names it: a variable, a field path (`w.done`), `x.Done()`, or a method's result (`s.stopCh()`). */
export type ChanKey = string;
/** `make(chan T)` written where it is used (`<-make(chan int)`): a channel nobody else can reach. */
export const FRESH = '#fresh';
export const NIL = '#nil';

export interface Op {
  ch: ChanKey;
  node: Node;
}

export type Stmt =
  | { k: 'recv' | 'close'; ch: ChanKey; node: Node }
  /**
   * `failure`: in test code, an error sent from an `if err != nil` branch that then returns: the
   * test fails there, and a goroutine left blocked on that send is the failure's, not a leak to report.
   */
  | { k: 'send'; ch: ChanKey; node: Node; failure?: boolean }
  /** A variable or field gets a new channel: `c := make(chan T, n)`, `w := T{done: make(chan X)}`. */
  | { k: 'make'; ch: ChanKey; buffer: Count; node: Node }
  /** `var c chan T` with no value: a nil channel until assigned. */
  | { k: 'nil'; ch: ChanKey; node: Node }
  /** A name used some other way: passed, stored, returned, assigned, captured. The model loses track of it. */
  | { k: 'use'; ch: ChanKey; node: Node }
  /** A name gets some other value (`c = other`): whatever channel it held is no longer reached by it. */
  | { k: 'assign'; ch: ChanKey; node: Node }
  | { k: 'select'; cases: SelectCase[]; hasDefault: boolean; label?: string; node: Node }
  /** `panicking`: the branch that runs only while panicking (`if r := recover(); r != nil`), for a deferred function. */
  | { k: 'if'; then: Stmt[]; else: Stmt[]; panicking?: 'then' | 'else' }
  | { k: 'switch'; cases: Stmt[][]; hasDefault: boolean; label?: string }
  | { k: 'loop'; body: Stmt[]; count: LoopCount; label?: string; node: Node }
  | { k: 'return'; node: Node }
  | { k: 'jump'; kind: 'break' | 'continue'; label?: string }
  /**
   * The path ends without returning: 'abort' for panic, os.Exit, log.Fatal, t.Fatal,
   * runtime.Goexit and a test's reported failure (t.Errorf: the test has failed there, and what it
   * leaves behind is the failure's); 'unknown' for goto (the model gives up on the path).
   */
  | { k: 'end'; why: 'abort' | 'unknown' }
  /** A func literal run in place (`func() { … }()`, a deferred one): a `return` in it ends only it. */
  | { k: 'scope'; body: Stmt[] }
  | { k: 'go'; node: Node; start: Start }
  | { k: 'defer'; body: Stmt[]; node: Node }
  /** A call of a function or method that may be declared in this file. */
  | { k: 'call'; node: Node; start: Start };

export interface SelectCase {
  /** The case's channel operation; undefined for `default`. */
  op?: { kind: 'send' | 'recv'; ch: ChanKey; node: Node };
  body: Stmt[];
}

/**
 * How often a loop runs: `'forever'` (`for {}`), a name (`#n` for `i < n`, `=3` for a constant),
 * `'over'` a named value (`range x`: until x is closed when x is a channel, else once per element,
 * `#x`; syntax cannot tell which, the walk can), or `'unknown'`.
 */
export type LoopCount =
  | { kind: 'forever' }
  | { kind: 'named'; sym: string }
  | { kind: 'over'; ch: ChanKey; sym?: string }
  | { kind: 'unknown' };

/** What a `go` statement or a call runs, and how its parameters meet the caller's names. */
export interface Start {
  /** A func literal (its body built here), or a named function or method to look up. */
  literal?: FunctionIR;
  name?: string;
  /** `x.m()`: the receiver expression's key. */
  receiver?: ChanKey;
  /** The receiver's type name when the model knows it (`x := &T{}`, a `t *T` parameter): methods are looked up by it. */
  receiverType?: string;
  /** Each argument's key (undefined for arguments the model does not name). */
  args: (ChanKey | undefined)[];
  /** For a constructor's call: the local it returns, and the caller's variable that gets it. */
  result?: { callee: string; caller: ChanKey };
}

export interface FunctionIR {
  node: Node;
  body: Stmt[];
  params: string[];
  /** The receiver's name, for methods. */
  receiver?: string;
  /** Names the function declares itself (`:=`, `var`): only channels held by these are its own. */
  locals: Set<string>;
  /** For a constructor: the local it returns, whose channels its callers own. */
  constructs?: string;
}

/** What building an IR may ask of its surroundings. */
export interface BuildOptions {
  file: GoFile;
  /** Constant values known in the file (`const bufSize = 6`), for buffers and loop bounds. */
  constants: ReadonlyMap<string, number>;
  /** Names of functions and methods declared in the file: calls of others are not worth a `call`. */
  declared: ReadonlySet<string>;
  /** The type a function of the file returns first (`newPool() *Pool` -> `Pool`), for the variables it initializes. */
  resultTypeOf(name: string): string | undefined;
  /** Functions of the file that may be constructors (their text makes a channel). */
  mayConstruct: readonly string[];
  /** The file's constructor of that name, if it is one: its calls make the channels of the value it returns. */
  constructorNamed(name: string): Constructor | undefined;
}

/** Func literals nested deeper than this are not modelled: a fixed budget however deep code nests. */
const MAX_DEPTH = 64;

/**
 * Statements and expressions nested deeper than this (counted together, func literals included)
 * leave the whole declaration unmodelled: the builder, the path walk and the summaries recurse per
 * level and run out of stack near 900 levels (hence a margin). Real code stays far below.
 */
const MAX_NESTING = 256;

/** Thrown by the builder past MAX_NESTING; buildFunctionIR answers undefined. */
class NestedTooDeep extends Error {}

/** The key of a channel expression, or undefined for expressions the model does not name. */
export function chanKeyOf(expr: Node | null | undefined): ChanKey | undefined {
  if (!expr) return undefined;
  const e = unparen(expr);
  switch (typeOf(e)) {
    case 'identifier':
      return e.text === '_' ? undefined : e.text;
    case 'nil':
      return NIL;
    case 'selector_expression': {
      const [operand, field] = namedChildren(e);
      const base = chanKeyOf(operand);
      return base && base[0] !== '#' && field ? `${base}.${field.text}` : undefined;
    }
    case 'call_expression': {
      const parts = callParts(e);
      if (!parts) return undefined;
      if (typeOf(parts.fn) === 'identifier' && parts.name === 'make' && hasType(parts.args[0], 'channel_type')) return FRESH;
      // `x.Done()`, `s.stopCh()`: a method with no arguments that hands out a channel.
      const base = parts.operand && parts.args.length === 0 ? chanKeyOf(parts.operand) : undefined;
      return base && base[0] !== '#' ? `${base}.${parts.name}()` : undefined;
    }
  }
  return undefined;
}

/** The buffer of `make(chan T, n)`: a number, a name (`len(items)`, `n`) or unknown (undefined). */
function bufferOf(make: Node, constants: ReadonlyMap<string, number>): Count | undefined {
  const size = callParts(make)?.args[1];
  return size ? bufferOfSize(size, constants) : ZERO;
}

function bufferOfSize(size: Node, constants: ReadonlyMap<string, number>): Count | undefined {
  const value = constantValue(size, constants);
  if (value !== undefined) return exactly(value);
  const sym = countName(size);
  return sym ? named(sym) : undefined;
}

/** `const n = 6`, `const ( a = 1; b = a + 2 )`: integer constants with a value of their own, added to `into`. */
export function readConstants(decl: Node, into: Map<string, number>): void {
  for (const spec of decl.descendantsOfType('const_spec')) {
    if (!spec) continue;
    const names = spec.childrenForFieldName('name').filter((n): n is Node => !!n);
    const values = expressionsOf(spec.childForFieldName('value'));
    names.forEach((n, i) => {
      const v = values[i] && constantValue(values[i], into);
      if (v !== undefined) into.set(n.text, v);
    });
  }
}

/** The value of an integer constant expression: literals, known constants, + - * and parentheses. */
export function constantValue(expr: Node, constants: ReadonlyMap<string, number>): number | undefined {
  const e = unparen(expr);
  switch (typeOf(e)) {
    case 'int_literal': {
      const v = Number(e.text.replace(/_/g, ''));
      return Number.isSafeInteger(v) ? v : undefined;
    }
    case 'identifier':
      return constants.get(e.text);
    case 'binary_expression': {
      const [l, r] = namedChildren(e);
      const a = l && constantValue(l, constants);
      const b = r && constantValue(r, constants);
      if (a === undefined || b === undefined) return undefined;
      const op = e.childForFieldName('operator')?.text;
      return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : undefined;
    }
  }
  return undefined;
}

/** The name a count goes by: `#items` for `items` and `len(items)`, `#s.n` for `s.n`. */
function countName(expr: Node): string | undefined {
  const e = unparen(expr);
  const parts = typeOf(e) === 'call_expression' ? callParts(e) : undefined;
  if (parts) return parts.name === 'len' && typeOf(parts.fn) === 'identifier' && parts.args.length === 1 ? countName(parts.args[0]) : undefined;
  const key = chanKeyOf(e);
  return key && key[0] !== '#' && !key.endsWith(')') ? `#${key}` : undefined;
}

/** How often `for` runs, from its clause. */
function loopCount(loop: Node, file: GoFile, constants: ReadonlyMap<string, number>): LoopCount {
  const body = loop.childForFieldName('body');
  const header = namedChildren(loop).filter((c) => c.id !== body?.id);
  if (header.length === 0) return { kind: 'forever' };
  const clause = header[0];
  if (typeOf(clause) === 'range_clause') {
    const over = clause.childForFieldName('right');
    if (!over) return { kind: 'unknown' };
    const value = constantValue(over, constants);
    if (value !== undefined) return { kind: 'named', sym: `=${value}` };
    if (rangesOverTimer(file, over)) return { kind: 'forever' };
    const ch = chanKeyOf(over);
    if (ch && ch[0] !== '#') return { kind: 'over', ch, sym: countName(over) };
    const sym = countName(over);
    return sym ? { kind: 'named', sym } : { kind: 'unknown' };
  }
  if (typeOf(clause) === 'for_clause') {
    const cond = clause.childForFieldName('condition');
    if (!cond) return { kind: 'forever' };
    // `i < n` / `i < len(xs)` with i counting up from 0 by one.
    const init = clause.childForFieldName('initializer');
    const update = clause.childForFieldName('update');
    const [l, r] = namedChildren(cond);
    const startsAtZero = !!init && /^\w+\s*:=\s*0$/.test(textOf(init));
    const countsUp = !!update && typeOf(update) === 'inc_statement';
    if (startsAtZero && countsUp && typeOf(cond) === 'binary_expression' && cond.childForFieldName('operator')?.text === '<' && l && r) {
      const value = constantValue(r, constants);
      if (value !== undefined) return { kind: 'named', sym: `=${value}` };
      const sym = countName(r);
      if (sym) return { kind: 'named', sym };
    }
  }
  return { kind: 'unknown' };
}

/** `range time.Tick(d)`, `range t.C`: the time package never closes these channels. */
function rangesOverTimer(file: GoFile, over: Node): boolean {
  const e = unparen(over);
  if (typeOf(e) === 'selector_expression') return e.childForFieldName('field')?.text === 'C';
  return typeOf(e) === 'call_expression' && file.isPkgCall(e, 'time', ['Tick']);
}

/**
 * Builds the IR of a function declaration, method or func literal: the function's own, and every
 * func literal's inside it (each is a function of its own, often the one that owns a channel).
 */
export function buildFunctionIR(fn: Node, options: BuildOptions): { root: FunctionIR; functions: FunctionIR[] } | undefined {
  const builder = new Builder(options);
  try {
    const root = builder.fn(fn, 0);
    return { root, functions: builder.functions };
  } catch (err) {
    if (err instanceof NestedTooDeep) return undefined;
    throw err;
  }
}

class Builder {
  /** Every function built, the outermost first. */
  readonly functions: FunctionIR[] = [];
  /** The locals of the function being built. */
  private locals = new Set<string>();
  /** Type names of variables the model can read off the code (`x := &T{}`, `p *T`), by variable; func literals see their outer function's. */
  private types = new Map<string, string>();
  /** In a constructor's own body: the local it returns (see constructors.ts). */
  private constructedLocal: string | undefined;
  /** How many statements and expressions the one being built sits in. */
  private nesting = 0;
  /** How many `if err != nil` branches of test code the statement being built sits in. */
  private errorBranches = 0;
  private readonly testCode: boolean;
  /** The file's constants and those declared in the functions built so far (scopes are not told apart). */
  private readonly constants: Map<string, number>;

  constructor(private readonly options: BuildOptions) {
    this.constants = new Map(options.constants);
    this.testCode = goFileTraits(options.file.path, options.file.imports).testCode ?? false;
  }

  fn(fn: Node, depth: number): FunctionIR {
    const body = functionBody(fn);
    const ir: FunctionIR = {
      node: fn,
      params: paramNames(fn.childForFieldName('parameters')),
      receiver: paramNames(fn.childForFieldName('receiver'))[0],
      body: [],
      locals: new Set(),
    };
    this.functions.push(ir);
    const outer = { locals: this.locals, types: this.types, constructedLocal: this.constructedLocal };
    const name = typeOf(fn) === 'function_declaration' ? fn.childForFieldName('name')?.text : undefined;
    this.constructedLocal = ir.constructs = name ? this.options.constructorNamed(name)?.local : undefined;
    this.locals = ir.locals;
    this.types = new Map(this.types);
    for (const list of [fn.childForFieldName('receiver'), fn.childForFieldName('parameters')]) {
      for (const decl of list ? namedChildren(list) : []) {
        const type = typeName(decl.childForFieldName('type'));
        if (type) for (const name of decl.childrenForFieldName('name')) if (name) this.types.set(name.text, type);
      }
    }
    if (body && depth < MAX_DEPTH) ir.body = this.list(statementsOf(body), depth);
    this.locals = outer.locals;
    this.types = outer.types;
    this.constructedLocal = outer.constructedLocal;
    return ir;
  }

  /** A literal run right here (`func() { … }()`): its body runs as a scope of this function's, its locals join this function's. */
  private inline(fn: Node, depth: number): Stmt {
    const ir = this.fn(fn, depth + 1);
    for (const name of ir.locals) this.locals.add(name);
    return { k: 'scope', body: ir.body };
  }

  private list(stmts: readonly Node[], depth: number): Stmt[] {
    const out: Stmt[] = [];
    for (const s of stmts) this.stmt(s, out, depth);
    return out;
  }

  private block(node: Node | null, depth: number): Stmt[] {
    return node ? this.list(statementsOf(node), depth) : [];
  }

  private stmt(s: Node, out: Stmt[], depth: number, label?: string): void {
    if (++this.nesting > MAX_NESTING) throw new NestedTooDeep();
    try {
      this.stmtIn(s, out, depth, label);
    } finally {
      this.nesting--;
    }
  }

  private stmtIn(s: Node, out: Stmt[], depth: number, label?: string): void {
    switch (typeOf(s)) {
      case 'block':
        out.push(...this.block(s, depth));
        return;
      case 'labeled_statement': {
        const inner = namedChildren(s).find((c) => typeOf(c) !== 'label_name');
        if (inner) this.stmt(inner, out, depth, s.childForFieldName('label')?.text);
        return;
      }
      case 'send_statement': {
        const ch = s.childForFieldName('channel');
        const value = s.childForFieldName('value');
        if (value) this.expr(value, out, depth, false, true);
        if (ch) this.expr(ch, out, depth, true);
        const key = chanKeyOf(ch);
        if (key) out.push({ k: 'send', ch: key, node: s, failure: this.errorBranches > 0 || undefined });
        return;
      }
      case 'expression_statement': {
        const expr = namedChildren(s)[0];
        if (!expr) return;
        this.expr(expr, out, depth);
        if (isTerminating(this.options.file, s) || reportsTestFailure(expr)) out.push({ k: 'end', why: 'abort' });
        return;
      }
      case 'short_var_declaration': {
        const names = expressionsOf(s.childForFieldName('left'));
        const values = expressionsOf(s.childForFieldName('right'));
        names.forEach((name, i) => {
          this.locals.add(name.text);
          const type = names.length === values.length ? valueType(values[i], this.options) : undefined;
          if (type) this.types.set(name.text, type);
          else this.types.delete(name.text);
        });
        this.assignment(s, out, depth);
        return;
      }
      case 'assignment_statement':
        this.assignment(s, out, depth);
        return;
      case 'var_declaration':
        for (const spec of s.descendantsOfType('var_spec')) {
          if (!spec) continue;
          const type = typeName(spec.childForFieldName('type'));
          for (const name of spec.childrenForFieldName('name')) {
            if (!name) continue;
            this.locals.add(name.text);
            if (type) this.types.set(name.text, type);
          }
          this.varSpec(spec, out, depth);
        }
        return;
      case 'inc_statement':
      case 'dec_statement':
        for (const c of namedChildren(s)) this.expr(c, out, depth);
        return;
      case 'return_statement':
        // A constructor's value goes to its caller, who is then the one to judge it.
        expressionsOf(namedChildren(s)[0] ?? null).forEach((v, i) => {
          if (i > 0 || typeOf(v) !== 'identifier' || v.text !== this.constructedLocal) this.expr(v, out, depth, false, true);
        });
        out.push({ k: 'return', node: s });
        return;
      case 'break_statement':
      case 'continue_statement':
        out.push({
          k: 'jump',
          kind: typeOf(s) === 'break_statement' ? 'break' : 'continue',
          label: namedChildren(s).find((c) => typeOf(c) === 'label_name')?.text,
        });
        return;
      case 'goto_statement':
        out.push({ k: 'end', why: 'unknown' });
        return;
      case 'const_declaration':
        // Constants declared in the function (`const n = 4`) size buffers and loops like file-level ones.
        readConstants(s, this.constants);
        return;
      case 'if_statement':
        this.ifStmt(s, out, depth);
        return;
      case 'for_statement':
        this.forStmt(s, out, depth, label);
        return;
      case 'select_statement':
        this.selectStmt(s, out, depth, label);
        return;
      case 'expression_switch_statement':
      case 'type_switch_statement':
        this.switchStmt(s, out, depth, label);
        return;
      case 'go_statement':
      case 'defer_statement': {
        const call = namedChildren(s)[0];
        if (!call || typeOf(call) !== 'call_expression') return;
        const start = this.start(call, out, depth);
        if (typeOf(s) === 'go_statement') {
          if (start) out.push({ k: 'go', node: s, start });
        } else {
          // A deferred call runs at return: its ops (close(ch), a literal's body) are kept for then.
          const body: Stmt[] = [];
          if (start?.literal) {
            body.push({ k: 'scope', body: start.literal.body });
            for (const name of start.literal.locals) this.locals.add(name);
          } else this.expr(call, body, depth);
          out.push({ k: 'defer', body, node: s });
        }
        return;
      }
    }
  }

  private assignment(s: Node, out: Stmt[], depth: number): void {
    const left = expressionsOf(s.childForFieldName('left'));
    const right = expressionsOf(s.childForFieldName('right'));
    const compound = typeOf(s) === 'assignment_statement' && s.childForFieldName('operator')?.text !== '=';
    right.forEach((value, i) => this.assigned(left.length === right.length ? left[i] : undefined, value, out, depth));
    for (const target of left) {
      if (typeOf(target) !== 'identifier' && typeOf(target) !== 'selector_expression') this.expr(target, out, depth);
      else if (compound) this.expr(target, out, depth);
    }
    // `a, b = f()`: each name gets a value the model does not follow.
    if (left.length !== right.length) this.assignTargets(left, out);
  }

  private assignTargets(targets: readonly Node[], out: Stmt[]): void {
    for (const target of targets) {
      const key = chanKeyOf(target);
      if (key && key[0] !== '#') out.push({ k: 'assign', ch: key, node: target });
    }
  }

  private varSpec(spec: Node, out: Stmt[], depth: number): void {
    const names = spec.childrenForFieldName('name').filter((n): n is Node => !!n);
    const values = expressionsOf(spec.childForFieldName('value'));
    if (values.length === 0) {
      const type = spec.childForFieldName('type');
      if (hasType(type, 'channel_type')) for (const n of names) out.push({ k: 'nil', ch: n.text, node: n });
      return;
    }
    values.forEach((value, i) => this.assigned(names.length === values.length ? names[i] : undefined, value, out, depth));
  }

  /** `target = value`: a channel made for a name, a struct literal with channel fields, or a plain use of the value. */
  private assigned(target: Node | { key: ChanKey } | undefined, value: Node, out: Stmt[], depth: number): void {
    const key = target && 'key' in target ? target.key : chanKeyOf(target);
    const v = unparen(value);
    if (key && typeOf(v) === 'call_expression' && chanKeyOf(v) === FRESH) {
      const buffer = bufferOf(v, this.constants);
      if (buffer) out.push({ k: 'make', ch: key, buffer, node: v });
      else out.push({ k: 'use', ch: key, node: v });
      return;
    }
    if (key && !key.includes('.') && target && !('key' in target) && this.constructed(key, v, out, depth)) return;
    const literal = typeOf(v) === 'unary_expression' && v.childForFieldName('operator')?.text === '&' ? unparen(v.childForFieldName('operand')!) : v;
    if (key && typeOf(literal) === 'composite_literal') {
      this.structLiteral(key, literal, out, depth);
      return;
    }
    this.expr(value, out, depth, false, true);
    if (key && target && !('key' in target)) out.push({ k: 'assign', ch: key, node: target });
  }

  /**
   * `w := newWatcher(n, events)` of a constructor of the file: its channels are made for `w` (their
   * buffers read in the caller's arguments), then the call runs with `w` as the value it returns.
   */
  private constructed(key: ChanKey, value: Node, out: Stmt[], depth: number): boolean {
    const parts = typeOf(value) === 'call_expression' ? callParts(value) : undefined;
    const made = parts && typeOf(parts.fn) === 'identifier' ? this.options.constructorNamed(parts.name) : undefined;
    if (!parts || !made) return false;
    for (const { field, make, sizeParam } of made.fields) {
      const passed = sizeParam === undefined ? undefined : parts.args[sizeParam];
      const buffer = sizeParam === undefined ? bufferOf(make, this.constants) : passed && bufferOfSize(passed, this.constants);
      out.push(buffer ? { k: 'make', ch: `${key}.${field}`, buffer, node: make } : { k: 'use', ch: `${key}.${field}`, node: make });
    }
    const start = this.start(value, out, depth);
    if (start) out.push({ k: 'call', node: value, start: made.local ? { ...start, result: { callee: made.local, caller: key } } : start });
    return true;
  }

  /** `w := worker{ch: make(chan T)}`: the fields made here are channels `w.ch`. */
  private structLiteral(key: ChanKey, literal: Node, out: Stmt[], depth: number): void {
    const body = literal.childForFieldName('body');
    for (const element of body ? namedChildren(body) : []) {
      const [k, v] = typeOf(element) === 'keyed_element' ? namedChildren(element) : [];
      const field = k && namedChildren(k)[0];
      const value = v && namedChildren(v)[0];
      if (field && value && typeOf(field) === 'identifier') this.assigned({ key: `${key}.${field.text}` }, value, out, depth);
      else this.expr(element, out, depth, false, true);
    }
  }

  private ifStmt(s: Node, out: Stmt[], depth: number): void {
    const { initializer, condition, consequence, alternative } = ifParts(s);
    if (initializer) this.stmt(initializer, out, depth);
    if (condition) this.expr(condition, out, depth);
    const otherwise: Stmt[] = [];
    if (alternative) this.stmt(alternative, otherwise, depth);
    // Reporting the error and stopping (`errc <- err; return`) is a failure report; sending it and
    // carrying on is the double send that strands a goroutine, and stays a send like any other.
    const lastStatement = consequence ? statementsOf(consequence).at(-1) : undefined;
    const failing = this.testCode && isErrorCheck(condition) && typeOf(lastStatement) === 'return_statement';
    if (failing) this.errorBranches++;
    const then = this.block(consequence, depth);
    if (failing) this.errorBranches--;
    out.push({ k: 'if', then, else: otherwise, panicking: recoverBranch(initializer, condition) });
  }

  private forStmt(s: Node, out: Stmt[], depth: number, label?: string): void {
    const bodyNode = s.childForFieldName('body');
    const clause = namedChildren(s).find((c) => c.id !== bodyNode?.id);
    const count = loopCount(s, this.options.file, this.constants);
    if (clause && typeOf(clause) === 'for_clause') {
      const init = clause.childForFieldName('initializer');
      if (init) this.stmt(init, out, depth);
    }
    if (clause && typeOf(clause) === 'range_clause') {
      const over = clause.childForFieldName('right');
      if (over && count.kind !== 'over' && count.kind !== 'named') this.expr(over, out, depth);
    }
    const body = this.block(bodyNode, depth);
    if (clause && typeOf(clause) !== 'range_clause' && typeOf(clause) !== 'for_clause') this.expr(clause, body, depth);
    if (clause && typeOf(clause) === 'for_clause') {
      const cond = clause.childForFieldName('condition');
      const update = clause.childForFieldName('update');
      if (cond) this.expr(cond, body, depth);
      if (update) this.stmt(update, body, depth);
    }
    out.push({ k: 'loop', body, count, label, node: s });
  }

  private selectStmt(s: Node, out: Stmt[], depth: number, label?: string): void {
    const cases: SelectCase[] = [];
    let hasDefault = false;
    for (const c of namedChildren(s)) {
      if (typeOf(c) === 'default_case') {
        hasDefault = true;
        cases.push({ body: this.list(statementsOf(c), depth) });
        continue;
      }
      if (typeOf(c) !== 'communication_case') continue;
      const comm = c.childForFieldName('communication');
      const body: Stmt[] = [];
      let op: SelectCase['op'];
      if (hasType(comm, 'send_statement')) {
        const ch = chanKeyOf(comm.childForFieldName('channel'));
        const value = comm.childForFieldName('value');
        if (value) this.expr(value, out, depth, false, true);
        if (ch) op = { kind: 'send', ch, node: comm };
      } else if (hasType(comm, 'receive_statement')) {
        const right = comm.childForFieldName('right');
        const recv = right && receivedFrom(right);
        const ch = recv && chanKeyOf(recv);
        if (ch) op = { kind: 'recv', ch, node: comm };
        else if (right) this.expr(right, out, depth);
        // `case c = <-cs:` assigns what it receives.
        this.assignTargets(expressionsOf(comm.childForFieldName('left')), body);
      } else if (comm) {
        const recv = receivedFrom(comm);
        const ch = recv && chanKeyOf(recv);
        if (ch) op = { kind: 'recv', ch, node: comm };
        else this.expr(comm, out, depth);
      }
      body.push(...this.list(statementsOf(c), depth));
      cases.push({ op, body });
    }
    out.push({ k: 'select', cases, hasDefault, label, node: s });
  }

  private switchStmt(s: Node, out: Stmt[], depth: number, label?: string): void {
    for (const field of ['initializer', 'value']) {
      const part = s.childForFieldName(field);
      if (part && typeOf(s) === 'expression_switch_statement') this.stmt(part, out, depth);
    }
    const cases: Stmt[][] = [];
    let hasDefault = false;
    for (const c of namedChildren(s)) {
      const type = typeOf(c);
      if (type !== 'expression_case' && type !== 'type_case' && type !== 'default_case') continue;
      if (type === 'default_case') hasDefault = true;
      const value = c.childForFieldName('value');
      const body: Stmt[] = [];
      if (value) this.expr(value, body, depth);
      body.push(...this.list(statementsOf(c), depth));
      cases.push(body);
    }
    out.push({ k: 'switch', cases, hasDefault, label });
  }

  /** The function a call runs with its arguments' keys; a literal is built on the spot. */
  private start(call: Node, out: Stmt[], depth: number): Start | undefined {
    const parts = callParts(call);
    if (!parts) return undefined;
    const args = parts.args.map((a) => chanKeyOf(a));
    parts.args.forEach((a, i) => {
      if (!args[i]) this.expr(a, out, depth);
    });
    const fn = parts.fn;
    if (typeOf(fn) === 'func_literal') return { literal: this.fn(fn, depth + 1), args };
    if (typeOf(fn) === 'identifier') return { name: parts.name, args };
    if (parts.operand) {
      const receiver = chanKeyOf(parts.operand);
      if (!receiver) this.expr(parts.operand, out, depth);
      const receiverType = receiver && !receiver.includes('.') ? this.types.get(receiver) : undefined;
      return { name: parts.name, receiver, receiverType, args };
    }
    this.expr(fn, out, depth);
    return undefined;
  }

  /**
   * The channel operations and uses inside an expression, in evaluation order. `asChannel`: the
   * expression is the channel of a send (its key is not a use). `valued`: its value goes somewhere
   * (returned, assigned, stored), so a bare name there is a use.
   */
  private expr(e: Node, out: Stmt[], depth: number, asChannel = false, valued = false): void {
    if (++this.nesting > MAX_NESTING) throw new NestedTooDeep();
    try {
      this.exprIn(e, out, depth, asChannel, valued);
    } finally {
      this.nesting--;
    }
  }

  private exprIn(e: Node, out: Stmt[], depth: number, asChannel: boolean, valued: boolean): void {
    const type = typeOf(e);
    if (type === 'identifier' || type === 'selector_expression') {
      const key = chanKeyOf(e);
      if (key && !asChannel && valued) out.push({ k: 'use', ch: key, node: e });
      if (type === 'selector_expression' && !key) this.expr(namedChildren(e)[0], out, depth);
      return;
    }
    if (type === 'unary_expression' && e.childForFieldName('operator')?.text === '<-') {
      const operand = e.childForFieldName('operand');
      if (operand) this.expr(operand, out, depth, true);
      const key = chanKeyOf(operand);
      if (key) out.push({ k: 'recv', ch: key, node: e });
      return;
    }
    if (type === 'func_literal') {
      // A closure that is not run here: whatever it names may be used whenever it runs.
      for (const key of namesIn(this.fn(e, depth + 1).body)) out.push({ k: 'use', ch: key, node: e });
      return;
    }
    if (type === 'call_expression') {
      this.call(e, out, depth);
      return;
    }
    if (type === 'composite_literal' || type === 'literal_value' || type === 'keyed_element' || type === 'literal_element') {
      for (const c of namedChildren(e)) this.expr(c, out, depth, false, type !== 'composite_literal' || c.id !== e.childForFieldName('type')?.id);
      return;
    }
    // Types, literals and other leaves hold no channel work; parts of other expressions are visited,
    // and a value flows on through lists, parentheses, `&x` and conversions, not through operators.
    if (!mayHoldChannelWork(e)) return;
    const flows = valued && VALUE_CARRIERS.has(type);
    for (const c of namedChildren(e)) this.expr(c, out, depth, false, flows);
  }

  private call(e: Node, out: Stmt[], depth: number): void {
    const parts = callParts(e);
    if (!parts) return;
    if (typeOf(parts.fn) === 'func_literal' && parts.args.length === 0) {
      // `func() { … }()`: runs right here.
      out.push(this.inline(parts.fn, depth));
      return;
    }
    const plain = typeOf(parts.fn) === 'identifier';
    if (plain && parts.name === 'close' && parts.args.length === 1) {
      const key = chanKeyOf(parts.args[0]);
      if (key) out.push({ k: 'close', ch: key, node: e });
      else this.expr(parts.args[0], out, depth);
      return;
    }
    if (plain && (parts.name === 'len' || parts.name === 'cap')) return;
    // errgroup's g.Go(func() error { … }), sync.WaitGroup.Go: the literal runs in a new goroutine.
    if (parts.name === 'Go' && parts.operand && parts.args.length === 1 && typeOf(unparen(parts.args[0])) === 'func_literal') {
      this.expr(parts.operand, out, depth);
      out.push({ k: 'go', node: e, start: { literal: this.fn(unparen(parts.args[0]), depth + 1), args: [] } });
      return;
    }
    if (this.options.declared.has(parts.name)) {
      const start = this.start(e, out, depth);
      if (start) {
        out.push({ k: 'call', node: e, start });
        return;
      }
    }
    // A method the model cannot read may do anything with its receiver (`s.Stop()` closing `s.stop`),
    // but a mutex's (`s.Lock()`, of an embedded sync.Mutex or a field) only locks.
    if (parts.operand && !(MUTEX_METHODS.has(parts.name) && parts.args.length === 0)) this.expr(parts.operand, out, depth, false, true);
    else if (parts.operand) this.expr(parts.operand, out, depth);
    else if (!plain) this.expr(parts.fn, out, depth);
    for (const a of parts.args) this.expr(a, out, depth, false, true);
  }
}

/** sync.Mutex and sync.RWMutex methods: called on an undeclared method set, they hand nothing on. */
const MUTEX_METHODS = new Set(['Lock', 'Unlock', 'RLock', 'RUnlock']);

/** `err != nil` (any name holding "err"): the branch an error takes. */
function isErrorCheck(condition: Node | null): boolean {
  const test = condition && unparen(condition);
  if (!test || typeOf(test) !== 'binary_expression' || test.childForFieldName('operator')?.text !== '!=') return false;
  const [left, right] = namedChildren(test);
  return !!left && !!right && typeOf(left) === 'identifier' && /err/i.test(left.text) && typeOf(right) === 'nil';
}

/**
 * For `if recover() != nil` / `if r := recover(); r != nil` (and `== nil`): which branch runs only
 * while the function is panicking.
 */
function recoverBranch(initializer: Node | null, condition: Node | null): 'then' | 'else' | undefined {
  const test = condition && unparen(condition);
  if (!test || typeOf(test) !== 'binary_expression') return undefined;
  const [left, right] = namedChildren(test);
  if (!left || !right || typeOf(right) !== 'nil') return undefined;
  const isRecover = (n: Node) => typeOf(n) === 'call_expression' && callParts(n)?.name === 'recover' && callParts(n)?.args.length === 0;
  const recovered =
    isRecover(unparen(left)) ||
    (typeOf(left) === 'identifier' && !!initializer && expressionsOf(initializer.childForFieldName('left')).some((n) => n.text === left.text) && expressionsOf(initializer.childForFieldName('right')).some(isRecover));
  if (!recovered) return undefined;
  const op = test.childForFieldName('operator')?.text;
  return op === '!=' ? 'then' : op === '==' ? 'else' : undefined;
}

/** Operands of test-failure calls: testing's t/b/tb, testify's assert/require, the e2e framework and ginkgo. */
const TEST_REPORTERS = new Set(['t', 'b', 'tb', 'assert', 'require', 'framework', 'ginkgo']);
const FAILURES = new Set(['Error', 'Errorf', 'Fail', 'Failf', 'FailNow']);

/**
 * `t.Errorf(…)`, `assert.Fail(t, …)`, `framework.Failf(…)`: the test has failed on this path, and
 * what it leaves behind (a goroutine stranded by a timeout case) is the failure's, not a leak to report.
 */
function reportsTestFailure(expr: Node): boolean {
  const parts = callParts(unparen(expr));
  return !!parts?.operand && FAILURES.has(parts.name) && typeOf(parts.operand) === 'identifier' && TEST_REPORTERS.has(parts.operand.text);
}

/** Expressions whose value is their operand's: a channel named inside goes wherever they go. */
const VALUE_CARRIERS = new Set(['expression_list', 'parenthesized_expression', 'unary_expression', 'type_assertion_expression', 'type_conversion_expression']);

/** Cheap text test before visiting an expression's parts: only these can hold channel work or names worth a `use`. */
function mayHoldChannelWork(e: Node): boolean {
  const type = typeOf(e);
  return !(type.endsWith('_literal') && type !== 'func_literal' && type !== 'composite_literal') && !type.endsWith('_type') && type !== 'type_identifier';
}

/** The operand of `<-x` (through parentheses), for select cases. */
function receivedFrom(expr: Node): Node | undefined {
  const e = unparen(expr);
  if (typeOf(e) !== 'unary_expression' || e.childForFieldName('operator')?.text !== '<-') return undefined;
  return e.childForFieldName('operand') ?? undefined;
}

/** The name of a named type, through pointers and type arguments (`*Pool[K]` -> `Pool`); undefined for other types. */
export function typeName(type: Node | null | undefined): string | undefined {
  if (!type) return undefined;
  switch (typeOf(type)) {
    case 'type_identifier':
      return type.text;
    case 'pointer_type':
    case 'generic_type':
    case 'parenthesized_type':
      return typeName(namedChildren(type)[0]);
  }
  return undefined;
}

/** The type of `T{…}`, `&T{…}`, `new(T)` and of a call of a function of the file (its first result). */
function valueType(value: Node, options: BuildOptions): string | undefined {
  let v = unparen(value);
  if (typeOf(v) === 'unary_expression' && v.childForFieldName('operator')?.text === '&') v = unparen(v.childForFieldName('operand')!);
  if (typeOf(v) === 'composite_literal') return typeName(v.childForFieldName('type'));
  const parts = typeOf(v) === 'call_expression' ? callParts(v) : undefined;
  if (!parts || typeOf(parts.fn) !== 'identifier') return undefined;
  return parts.name === 'new' ? typeName(parts.args[0]) : options.resultTypeOf(parts.name);
}

/** Parameter names in order (`_` for unnamed ones): a parameter or receiver list. */
function paramNames(list: Node | null): string[] {
  const out: string[] = [];
  for (const decl of list ? namedChildren(list) : []) {
    const names = decl.childrenForFieldName('name').filter((n): n is Node => !!n);
    if (names.length === 0) out.push('_');
    for (const n of names) out.push(n.text);
  }
  return out;
}

/** Visits every statement of a body, nested blocks included, but not the bodies of func literals. */
export function forEachStmt(body: readonly Stmt[], visit: (s: Stmt) => void): void {
  for (const s of body) {
    visit(s);
    switch (s.k) {
      case 'if':
        forEachStmt(s.then, visit);
        forEachStmt(s.else, visit);
        break;
      case 'switch':
        for (const c of s.cases) forEachStmt(c, visit);
        break;
      case 'select':
        for (const c of s.cases) forEachStmt(c.body, visit);
        break;
      case 'loop':
      case 'defer':
      case 'scope':
        forEachStmt(s.body, visit);
        break;
    }
  }
}

/** Every channel key an IR names, nested blocks included. */
export function namesIn(body: readonly Stmt[], into = new Set<ChanKey>()): Set<ChanKey> {
  for (const s of body) {
    switch (s.k) {
      case 'send':
      case 'recv':
      case 'close':
      case 'make':
      case 'nil':
      case 'use':
      case 'assign':
        into.add(s.ch);
        break;
      case 'select':
        for (const c of s.cases) {
          if (c.op) into.add(c.op.ch);
          namesIn(c.body, into);
        }
        break;
      case 'if':
        namesIn(s.then, into);
        namesIn(s.else, into);
        break;
      case 'switch':
        for (const c of s.cases) namesIn(c, into);
        break;
      case 'loop':
        if (s.count.kind === 'over') into.add(s.count.ch);
        namesIn(s.body, into);
        break;
      case 'defer':
      case 'scope':
        namesIn(s.body, into);
        break;
      case 'go':
      case 'call':
        if (s.start.receiver) into.add(s.start.receiver);
        for (const a of s.start.args) if (a) into.add(a);
        if (s.start.literal) namesIn(s.start.literal.body, into);
        break;
    }
  }
  return into;
}
