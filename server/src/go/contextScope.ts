/**
 * Which context.Context is in scope at a point of the code. Rules flag work that ignores it and
 * fixes pass it on by name.
 */
import type { Node } from 'web-tree-sitter';
import type { Fix } from '../engine/types';
import { prependArgument, renameCallee } from './callEdits';
import { pkgCalls } from './callees';
import type { GoFile } from './file';
import { CONTEXT_WITH_CANCEL } from './resources';
import type { GoRuleContext } from './rule';
import {
  assignedNames,
  assignedValues,
  declarationOf,
  enclosingFunction,
  hasType,
  ifParts,
  isFunctionNode,
  namedChildren,
  nodeMemo,
  parametersOf,
  parentOf,
  textOf,
  typeOf,
  unparen,
} from './syntax';
import { firstAtOrAfter, wordOffsets } from './words';

/** Package functions of "context" whose first result is a context. */
const CONTEXT_CONSTRUCTORS = ['Background', 'TODO', ...CONTEXT_WITH_CANCEL, 'WithValue', 'WithoutCancel'];

/** The name of `fn`'s first context.Context parameter. */
export function contextParamOf(file: GoFile, fn: Node): string | undefined {
  return parametersOf(fn).find((p) => file.isPkgType(p.type, 'context', 'Context'))?.name;
}

/** Per file: the context parameter visible inside each function asked about (null: none). */
const visibleContexts = new WeakMap<GoFile, Map<number, string | null>>();

/**
 * The context parameter visible at `node`: that of the innermost enclosing function which has one
 * (a func literal sees the parameters of the functions around it). Known per function, so that
 * calls deep inside nested blocks and literals do not each climb to the top.
 */
export function contextParamAt(file: GoFile, node: Node): string | undefined {
  let known = visibleContexts.get(file);
  if (!known) visibleContexts.set(file, (known = new Map()));
  // Climb function by function to one whose answer is known (or the top), then answer downwards.
  const unknown: Node[] = [];
  let answer: string | null = null;
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const seen = known.get(fn.id);
    if (seen !== undefined) {
      answer = seen;
      break;
    }
    unknown.push(fn);
  }
  for (const fn of unknown.reverse()) {
    answer = contextParamOf(file, fn) ?? answer;
    known.set(fn.id, answer);
  }
  return answer ?? undefined;
}

/** Words a statement declaring a context holds: the type's name, or the constructor's. */
const CONTEXT_WORDS = ['Context', ...CONTEXT_CONSTRUCTORS];

/** Per top-level declaration: the offsets (in the file) of CONTEXT_WORDS, ascending. */
const contextWordOffsets = nodeMemo((decl: Node): readonly number[] => {
  const text = textOf(decl);
  return CONTEXT_WORDS.flatMap((w) => wordOffsets(text, w))
    .map((at) => at + decl.startIndex)
    .sort((a, b) => a - b);
});

/** False when `stmt` holds none of CONTEXT_WORDS: told by offsets, without asking the tree about its parts. */
function mayDeclareContext(stmt: Node): boolean {
  const offsets = contextWordOffsets(declarationOf(stmt));
  const first = firstAtOrAfter(offsets, stmt.startIndex);
  return first < offsets.length && offsets[first] < stmt.endIndex;
}

/** The context variable a statement declares: `ctx, cancel := context.WithCancel(…)`, `var ctx context.Context`. */
function declaredContext(file: GoFile, stmt: Node): string | undefined {
  if (!mayDeclareContext(stmt)) return undefined;
  const specs = typeOf(stmt) === 'var_declaration' ? stmt.descendantsOfType('var_spec').filter((s): s is Node => !!s) : [stmt];
  for (const spec of specs) {
    const type = typeOf(spec) === 'var_spec' ? spec.childForFieldName('type') : null;
    const value = assignedValues(spec)[0];
    const isContext = type
      ? file.isPkgType(type, 'context', 'Context')
      : !!value && file.isPkgCall(value, 'context', CONTEXT_CONSTRUCTORS);
    const name = isContext ? assignedNames(spec)[0] : undefined;
    if (hasType(name, 'identifier') && name.text !== '_') return name.text;
  }
  return undefined;
}

/** Per file: the context in scope above each node asked about on the way up (null: none). */
const contextsInScope = new WeakMap<GoFile, Map<number, string | null>>();

/**
 * A context in scope at `node`, nearest first: a variable declared earlier in an enclosing block
 * or a parameter of an enclosing function. Known per node climbed through, so that many calls deep
 * inside nested code do not each climb to the top.
 */
export function contextInScope(file: GoFile, node: Node): string | undefined {
  let known = contextsInScope.get(file);
  if (!known) contextsInScope.set(file, (known = new Map()));
  // Nodes whose answer is the one found further up: every step between them adds nothing.
  const pending: Node[] = [];
  let answer: string | null = null;
  for (let child = node; ; ) {
    const seen = known.get(child.id);
    if (seen !== undefined) {
      answer = seen;
      break;
    }
    pending.push(child);
    const p = parentOf(child);
    if (!p) break;
    const found = contextDeclaredIn(file, p, child);
    if (found) {
      answer = found;
      break;
    }
    child = p;
  }
  for (const n of pending) known.set(n.id, answer);
  return answer ?? undefined;
}

/** The context `p` puts in scope for its child `child`: declared by an earlier statement, or a parameter. */
function contextDeclaredIn(file: GoFile, p: Node, child: Node): string | undefined {
  if (typeOf(p) === 'statement_list') {
    // `child` is one of the list's statements: found by id, which asks tree-sitter nothing.
    const at = namedChildren(p).findIndex((s) => s.id === child.id);
    return at > 0 ? (contextsDeclaredAlong(file, p)[at - 1] ?? undefined) : undefined;
  } else if (isFunctionNode(p)) {
    return contextParamOf(file, p);
  }
  return undefined;
}

/** Per file: for each statement list asked about, the context declared last by each statement and those before it. */
const declaredAlong = new WeakMap<GoFile, Map<number, readonly (string | undefined)[]>>();

/** Each statement of `list` read once, however many of them ask what is in scope before them. */
function contextsDeclaredAlong(file: GoFile, list: Node): readonly (string | undefined)[] {
  let byList = declaredAlong.get(file);
  if (!byList) declaredAlong.set(file, (byList = new Map()));
  let along = byList.get(list.id);
  if (!along) {
    let last: string | undefined;
    byList.set(list.id, (along = namedChildren(list).map((stmt) => (last = declaredContext(file, stmt) ?? last))));
  }
  return along;
}

/** The name `condition` compares with nil: `name == nil` (`op` '==') or `name != nil` (`op` '!='), either way round. */
function nilComparedName(condition: Node | null, op: '==' | '!='): string | undefined {
  const c = condition && unparen(condition);
  if (!c || typeOf(c) !== 'binary_expression' || c.childForFieldName('operator')?.text !== op) return undefined;
  const [left, right] = [c.childForFieldName('left')?.text, c.childForFieldName('right')?.text];
  if (right === 'nil' && left !== 'nil') return left;
  if (left === 'nil' && right !== 'nil') return right;
  return undefined;
}

/** Per file: the contexts known to be nil at each node asked about on the way up. */
const nilContexts = new WeakMap<GoFile, Map<number, readonly string[]>>();

/**
 * True when `node` only runs where the context `ctxName` is nil: in the body of `if ctx == nil`
 * or the else branch of `if ctx != nil` (where the other branch already passes the context on).
 */
function underNilContext(file: GoFile, node: Node, ctxName: string): boolean {
  return nilContextsAt(file, node).includes(ctxName);
}

/** The contexts nil wherever `node` runs, up to its function; known per node climbed through. */
function nilContextsAt(file: GoFile, node: Node): readonly string[] {
  let known = nilContexts.get(file);
  if (!known) nilContexts.set(file, (known = new Map()));
  const pending: Node[] = [];
  let answer: readonly string[] = [];
  for (let child = node; ; ) {
    const seen = known.get(child.id);
    if (seen) {
      answer = seen;
      break;
    }
    const p = parentOf(child);
    if (!p || isFunctionNode(p)) {
      known.set(child.id, answer);
      break;
    }
    pending.push(child);
    child = p;
  }
  // Downwards from the known answer: each `if` branch on the way adds the context it tests for nil.
  for (const child of pending.reverse()) {
    const p = parentOf(child)!;
    const name = typeOf(p) === 'if_statement' ? nilTestedBranch(p, child) : undefined;
    if (name) answer = [...answer, name];
    known.set(child.id, answer);
  }
  return answer;
}

/** The context `branch` of the if statement `p` runs with as nil: `if ctx == nil {branch}`, `if ctx != nil {…} else branch`. */
function nilTestedBranch(p: Node, branch: Node): string | undefined {
  const { condition, consequence, alternative } = ifParts(p);
  const op = branch.id === consequence?.id ? '==' : branch.id === alternative?.id ? '!=' : undefined;
  return op && nilComparedName(condition, op);
}

/** Calls of `pkg.name` made where a context parameter is in scope, with that parameter's name. */
export function callsIgnoringContext(
  { file, index }: GoRuleContext,
  pkg: string,
  names: readonly string[],
): { call: Node; ctxName: string }[] {
  const out: { call: Node; ctxName: string }[] = [];
  for (const call of pkgCalls(file, index, pkg, names)) {
    const ctxName = contextParamAt(file, call);
    if (ctxName) out.push({ call, ctxName });
  }
  return out;
}

/**
 * Rewrites `pkg.F(a, b)` to `pkg.FContext(ctx, a, b)` (the context-taking variant, passed `ctxName`).
 * The work is then cancelled with the context: `changesBehavior` says how.
 */
export function passContextFix(file: GoFile, call: Node, variant: string, ctxName: string, changesBehavior: string): Fix | undefined {
  const rename = renameCallee(call, variant);
  const pass = prependArgument(file, call, ctxName);
  if (!rename || !pass) return undefined;
  return { title: `Use ${variant}(${ctxName}, …)`, preferred: true, edits: [rename, pass], changesBehavior };
}

/** What a rule checking a call that has a context-taking variant says about it. */
export interface ContextVariant {
  pkg: string;
  name: string;
  /** The variant taking the context first: `CommandContext` for `Command`. */
  variant: string;
  message(ctxName: string): string;
  /** How the program runs differently once the variant is used. */
  changesBehavior(ctxName: string): string;
  /**
   * Whether the call really leaves the context out (absent: always): false when what it builds is
   * tied to the context later, or is not run by this function.
   */
  ignoresContext?(call: Node, ctxName: string): boolean;
}

/**
 * Reports calls of `pkg.name` made where a context is in scope, with the fix that switches to the
 * context-taking variant `pkg.variant(ctx, …)` (exec.CommandContext, http.NewRequestWithContext).
 * A call on the branch where that context is nil has nothing to pass on.
 */
export function checkContextVariant(ctx: GoRuleContext, v: ContextVariant): void {
  for (const { call, ctxName } of callsIgnoringContext(ctx, v.pkg, [v.name])) {
    if (underNilContext(ctx.file, call, ctxName) || (v.ignoresContext && !v.ignoresContext(call, ctxName))) continue;
    ctx.report(call, v.message(ctxName), {
      fix: () => passContextFix(ctx.file, call, v.variant, ctxName, v.changesBehavior(ctxName)),
    });
  }
}
