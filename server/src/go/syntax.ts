/** A small typed layer over tree-sitter-go nodes: what the rules ask of the syntax tree. */
import type { Node, Tree } from 'web-tree-sitter';
import type { Range } from '../engine/types';
import { sourceOf } from './parser';
import { firstWord, trailingWord, wordOffsets } from './words';

export type { Node };

/**
 * A memo of one fact about nodes of the tree being analyzed, by node id. Each question to a
 * web-tree-sitter node crosses into WASM and builds a fresh node object; a parent lookup even walks
 * down from the root (tree-sitter keeps no parent pointers). Rules climb the same ancestor chains
 * and test the same nodes over and over, so answers are kept. Trees never change, so neither do the
 * answers. Only the current tree's answers are kept: analysis stays on one tree at a time, and a
 * WeakMap per tree kept every answer alive through young-generation collections (V8 treats
 * weak-map values as live until a full collection), which made garbage collection cost a third of
 * the analysis.
 */
export function nodeMemo<T>(compute: (node: Node) => T): NodeMemo<T> {
  const mapFor = currentTreeMap<T>();
  const memo = ((node: Node) => {
    nodeVisits.count++;
    const known = mapFor(node);
    let value = known.get(node.id);
    if (value === undefined && !known.has(node.id)) known.set(node.id, (value = compute(node)));
    return value as T;
  }) as NodeMemo<T>;
  memo.remember = (node, value) => void mapFor(node).set(node.id, value);
  return memo;
}

/**
 * Questions answered about nodes through the memos, hits included: with the questions tree-sitter
 * answers, the work that the nesting test holds rules to (test/unit/go-deep-nesting.test.ts).
 */
export const nodeVisits = { count: 0 };

export interface NodeMemo<T> {
  (node: Node): T;
  /** Records an answer learned another way (a node's parent, seen while walking down to it). */
  remember(node: Node, value: T): void;
}

/**
 * Bumped when the analysis moves on to another top-level declaration (focusDeclaration): memos
 * then start afresh. Rules look inside one declaration at a time, and keeping every answer until a
 * large file is done held most of the memory a lint of it took.
 */
let memoEpoch = 0;
let epochDeclaration: Node | undefined;

/** A map by node id that holds entries of one tree (the tree of the node last asked about) and one declaration. */
function currentTreeMap<T>(): (node: Node) => Map<number, T> {
  let tree: Tree | undefined;
  let epoch = -1;
  let map = new Map<number, T>();
  return (node) => {
    if (node.tree !== tree || epoch !== memoEpoch) {
      tree = node.tree;
      epoch = memoEpoch;
      map = new Map();
    }
    return map;
  };
}

/**
 * Parents. tree-sitter finds a node's parent by walking down from the root, so on deeply nested
 * code each new question costs the depth; parents seen while walking down (children listed, nodes
 * found by wordNodes.ts's NodeFinder) are remembered instead, and climbing back up asks the tree nothing.
 */
const parentMemo = nodeMemo((node) => node.parent);
const typeMemo = nodeMemo((node) => node.type);
const namedChildrenMemo = nodeMemo((node): readonly Node[] => {
  const source = sourceOf(node.tree);
  const children = node.namedChildren.filter((c): c is Node => !!c && !startsComment(source, c.startIndex));
  for (const c of children) parentMemo.remember(c, node);
  return children;
});

/** Records that `parent` is the parent of `child`, learned while walking down to it. */
export function rememberParent(child: Node, parent: Node): void {
  parentMemo.remember(child, parent);
}

/**
 * True when a named node starting at `offset` is a comment: no other named node starts with `//`
 * or a slash and a star. Read from the source, since asking a child's type crosses into WASM.
 */
function startsComment(source: string, offset: number): boolean {
  const next = source.charCodeAt(offset + 1);
  return source.charCodeAt(offset) === 47 && (next === 47 || next === 42);
}

const textMemo = nodeMemo((node) => node.text);

/** `node.text`, memoized: for scopes searched by word again and again (bodies, declarations). */
export function textOf(node: Node): string {
  return textMemo(node);
}

/** `node.parent`, memoized; one node object per parent, so later questions to it hit the memo too. */
export function parentOf(node: Node | null | undefined): Node | null {
  return node ? parentMemo(node) : null;
}

/** `node.type`, memoized; undefined for no node. */
export function typeOf(node: Node): string;
export function typeOf(node: Node | null | undefined): string | undefined;
export function typeOf(node: Node | null | undefined): string | undefined {
  return node ? typeMemo(node) : undefined;
}

declare const ofKnownType: unique symbol;
/** A node whose type was checked. Only a brand: when the check fails, a node of another type may remain. */
export type TypedNode = Node & { readonly [ofKnownType]: true };

/** True when there is a node and it is of `type` (`node?.type === type`, memoized). */
export function hasType(node: Node | null | undefined, type: string): node is TypedNode {
  return !!node && typeMemo(node) === type;
}

/** The named children of `node` without comments, memoized (shared: never mutate the array). */
export function namedChildren(node: Node): readonly Node[] {
  return namedChildrenMemo(node);
}

/**
 * True when `child` of `parent` is its first child: the callee of a call, the operand of a selector,
 * the left side of an assignment, the type of a composite literal, the key of a keyed element.
 * Nodes carry their start offset, while asking the parent for the field crosses into WASM and
 * builds a node.
 */
export function isLeadingChild(child: Node, parent: Node): boolean {
  return child.startIndex === parent.startIndex;
}

export function nodeRange(node: Node): Range {
  const end = node.endPosition; // computed in WASM on each read
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: end.row, character: end.column },
  };
}

/**
 * The node after `child` among the children of `parent` (punctuation included). `child.nextSibling`
 * would find the parent by walking down from the root: a cost that grows with nesting depth.
 */
export function nextSiblingIn(parent: Node, child: Node): Node | null {
  const kids = parent.children;
  const i = kids.findIndex((k) => k?.id === child.id);
  return i < 0 ? null : (kids[i + 1] ?? null);
}

export function isFunctionNode(node: Node): boolean {
  const type = typeOf(node);
  return type === 'function_declaration' || type === 'method_declaration' || type === 'func_literal';
}

/** Strips parentheses: `(x)` -> `x`. */
export function unparen(node: Node): Node {
  while (typeOf(node) === 'parenthesized_expression' && namedChildren(node).length === 1) node = namedChildren(node)[0];
  return node;
}

/**
 * The statements directly inside a block, a case clause or a source file. tree-sitter-go 0.25
 * wraps them in a `statement_list` node; this hides that.
 */
export function statementsOf(node: Node | null): readonly Node[] {
  if (!node) return [];
  const list = typeOf(node) === 'statement_list' ? node : namedChildren(node).find((c) => typeOf(c) === 'statement_list');
  return list ? namedChildren(list) : [];
}

/** What the text of a top-level node says it may hold. */
interface TopLevel {
  node: Node;
  start: number;
  end: number;
  /**
   * Where the first `func` besides the declaration's own keyword is (Infinity without one): a func
   * literal starts there or later, so no node before it is in one.
   */
  closuresFrom: number;
  /** Where the first `for` is (Infinity without one): no node before it is in a loop. */
  loopsFrom: number;
}

let topTree: Tree | undefined;
let lastTop: TopLevel | undefined;
/** The declaration the analyzer is on, until a question needs its facts (many declarations raise none). */
let focused: Node | undefined;

function topLevelFacts(top: Node): TopLevel {
  const text = textOf(top);
  const start = top.startIndex;
  const funcs = wordOffsets(text, 'func');
  const literal = funcs[isFunctionNode(top) ? 1 : 0];
  const loop = firstWord(text, 'for');
  return {
    node: top,
    start,
    end: top.endIndex,
    closuresFrom: literal === undefined ? Infinity : start + literal,
    loopsFrom: loop < 0 ? Infinity : start + loop,
  };
}

/**
 * Says which top-level declaration the rules look at next (the analyzer calls it), so that
 * questions about nodes in it need not find it: in a file of thousands of declarations, finding
 * one from the root scans the root's children.
 */
export function focusDeclaration(decl: Node): void {
  if (epochDeclaration?.id !== decl.id || epochDeclaration.tree !== decl.tree) {
    epochDeclaration = decl;
    memoEpoch++;
  }
  topTree = decl.tree;
  lastTop = undefined;
  focused = decl;
}

/**
 * The top-level node (a declaration, or an error node) holding `node`, with what its text may
 * hold. Climbing parent links to the enclosing function or loop is costly (tree-sitter keeps no
 * parent pointers: each lookup walks down from the root), and most declarations hold no func
 * literal and many no loop; their text says so.
 */
function topLevelOf(node: Node): TopLevel | undefined {
  if (node.tree !== topTree) {
    topTree = node.tree;
    lastTop = undefined;
    focused = undefined;
  }
  if (focused) {
    lastTop = topLevelFacts(focused);
    focused = undefined;
  }
  const start = node.startIndex;
  const end = node.endIndex;
  // Top-level nodes do not overlap: a range inside the focused one is in it.
  if (lastTop && lastTop.start <= start && end <= lastTop.end) return lastTop;
  const root = node.tree.rootNode;
  const top = node.id === root.id ? null : root.childWithDescendant(node);
  if (!top) return undefined;
  lastTop = topLevelFacts(top);
  return lastTop;
}

/** The top-level node (a declaration, or an error node) holding `node`; the node itself at the top. */
export function declarationOf(node: Node): Node {
  return topLevelOf(node)?.node ?? node;
}

/** False when no func literal can lie in `scope`: its text has no `func`. */
export function mayHoldClosures(scope: Node): boolean {
  return firstWord(textOf(scope), 'func') >= 0;
}

/** False when `node` cannot be inside a func literal: none starts before it in its declaration. */
export function mayBeInClosure(node: Node): boolean {
  const top = topLevelOf(node);
  return !top || node.startIndex >= top.closuresFrom;
}

/** The innermost function (declaration, method or literal) containing `node`, itself excluded. */
export function enclosingFunction(node: Node): Node | null {
  const top = topLevelOf(node);
  if (top && node.startIndex < top.closuresFrom) return isFunctionNode(top.node) && top.node.id !== node.id ? top.node : null;
  for (let p = parentOf(node); p; p = parentOf(p)) if (isFunctionNode(p)) return p;
  return null;
}

/** The statement directly inside a statement list that contains `node`. */
export function enclosingStatement(node: Node): Node | null {
  for (let n: Node | null = node; n; n = parentOf(n)) {
    const up = parentOf(n);
    if (up && typeOf(up) === 'statement_list') return n;
    if (isFunctionNode(n) && n !== node) return null;
  }
  return null;
}

export function isInside(node: Node, container: Node): boolean {
  return node.startIndex >= container.startIndex && node.endIndex <= container.endIndex && node.tree === container.tree;
}

export interface IfParts {
  initializer: Node | null;
  condition: Node | null;
  consequence: Node | null;
  alternative: Node | null;
}

/**
 * The parts of an if statement, memoized: every walk through the function passes it. Read from its
 * named children in one question to the tree: the consequence is its first block, the condition
 * and initializer precede it, the alternative (a block or an if) follows.
 */
export const ifParts = nodeMemo((s): IfParts => {
  const kids = namedChildren(s);
  const c = kids.findIndex((k) => typeOf(k) === 'block');
  if (c < 0) return { initializer: null, condition: kids[kids.length - 1] ?? null, consequence: null, alternative: null };
  return { initializer: kids[c - 2] ?? null, condition: kids[c - 1] ?? null, consequence: kids[c], alternative: kids[c + 1] ?? null };
});

const bodyMemo = nodeMemo((fn) => {
  const body = fn.childForFieldName('body');
  if (body) parentMemo.remember(body, fn);
  return body;
});

/** The function's body block, for declarations, methods and literals (memoized: every acquisition in a function asks). */
export function functionBody(fn: Node): Node | null {
  return bodyMemo(fn);
}

export interface Param {
  name: string;
  type: Node;
  node: Node;
}

/** Named parameters of a function (`_` and unnamed ones are skipped). */
export function parametersOf(fn: Node): Param[] {
  const list = fn.childForFieldName('parameters');
  const out: Param[] = [];
  for (const decl of list ? namedChildren(list) : []) {
    const type = decl.childForFieldName('type');
    if (!type) continue;
    for (const name of decl.childrenForFieldName('name')) {
      if (name && name.text !== '_') out.push({ name: name.text, type, node: name });
    }
  }
  return out;
}

/** Result types of a function, one entry per result (named results are expanded). */
export function resultsOf(fn: Node): Node[] {
  const result = fn.childForFieldName('result');
  if (!result) return [];
  if (typeOf(result) !== 'parameter_list') return [result];
  const out: Node[] = [];
  for (const decl of namedChildren(result)) {
    const type = decl.childForFieldName('type');
    if (!type) continue;
    const names = decl.childrenForFieldName('name').length;
    for (let i = 0; i < Math.max(1, names); i++) out.push(type);
  }
  return out;
}

/** The expressions of an expression_list (or the node itself when it is a single expression). */
export function expressionsOf(node: Node | null): readonly Node[] {
  if (!node) return [];
  return typeOf(node) === 'expression_list' ? namedChildren(node) : [node];
}

/** For `a, b := f()` / `a, b = f()` / `var a, b = f()`: the names on the left, in order. */
export function assignedNames(stmt: Node): readonly Node[] {
  if (typeOf(stmt) === 'short_var_declaration' || typeOf(stmt) === 'assignment_statement') {
    return expressionsOf(stmt.childForFieldName('left'));
  }
  if (typeOf(stmt) === 'var_spec') return stmt.childrenForFieldName('name').filter((n): n is Node => !!n);
  return [];
}

/** The right-hand side of an assignment-like statement. */
export function assignedValues(stmt: Node): readonly Node[] {
  if (typeOf(stmt) === 'short_var_declaration' || typeOf(stmt) === 'assignment_statement') {
    return expressionsOf(stmt.childForFieldName('right'));
  }
  if (typeOf(stmt) === 'var_spec') return expressionsOf(stmt.childForFieldName('value'));
  return [];
}

/**
 * When `expr` is the value assigned by a statement (`x := expr`, `x, y = expr`, `var x = expr`),
 * returns that statement and the names it assigns; otherwise undefined.
 */
export function assignmentOf(expr: Node): { stmt: Node; names: readonly Node[] } | undefined {
  let n = expr;
  let stmt = parentOf(n);
  while (stmt && (typeOf(stmt) === 'parenthesized_expression' || typeOf(stmt) === 'expression_list')) [n, stmt] = [stmt, parentOf(stmt)];
  if (!stmt) return undefined;
  if (typeOf(stmt) === 'short_var_declaration' || typeOf(stmt) === 'assignment_statement' || typeOf(stmt) === 'var_spec') {
    const values = assignedValues(stmt);
    if (values.some((v) => v.id === expr.id || isInside(expr, v))) return { stmt, names: assignedNames(stmt) };
  }
  return undefined;
}

/** A call's function, argument nodes and the parts of a selector callee. */
export interface CallParts {
  readonly call: Node;
  readonly fn: Node;
  readonly args: readonly Node[];
  /** `x.y(...)`: the operand `x`; undefined for plain calls. */
  readonly operand?: Node;
  /** The called name: `y` in `x.y(...)`, `f` in `f(...)`. */
  readonly name: string;
}

/**
 * Every rule asks about the same call nodes, and each step through the tree crosses into WASM,
 * so call parts are memoized per tree and node id (node objects are recreated on each access).
 * The declaration index already knows each callee's name; the operand and arguments are read lazily,
 * since most callers only filter calls by name.
 */
class LazyCallParts implements CallParts {
  private argNodes?: readonly Node[];
  private operandNode?: Node | null;

  constructor(
    readonly call: Node,
    private fnNode: Node | undefined,
    readonly name: string,
  ) {}

  /** The callee without parentheses; read when first asked when the index found the call by its `(`. */
  get fn(): Node {
    return (this.fnNode ??= calleeOf(this.call)!);
  }

  get operand(): Node | undefined {
    if (this.operandNode === undefined) {
      // A selector's operand is its first child.
      const op = typeOf(this.fn) === 'selector_expression' ? namedChildren(this.fn)[0] : null;
      this.operandNode = op ? unparen(op) : null;
    }
    return this.operandNode ?? undefined;
  }

  get args(): readonly Node[] {
    if (!this.argNodes) {
      // The arguments are a call's last child.
      const kids = namedChildren(this.call);
      const list = kids[kids.length - 1];
      this.argNodes = list && typeOf(list) === 'argument_list' ? namedChildren(list) : [];
    }
    return this.argNodes;
  }
}

/** Call parts known for the tree `node` belongs to (only the current tree's, as in nodeMemo). */
const cacheFor = currentTreeMap<CallParts | null>();

/** Records a call's callee name (and node, when known) already known to the declaration index. */
export function rememberCallee(call: Node, fn: Node | undefined, name: string): void {
  cacheFor(call).set(call.id, new LazyCallParts(call, fn, name));
}

export function callParts(call: Node): CallParts | undefined {
  const cache = cacheFor(call);
  const known = cache.get(call.id);
  if (known !== undefined) return known ?? undefined;
  const parts = computeCallParts(call);
  cache.set(call.id, parts ?? null);
  return parts;
}

/** The function a call calls, without parentheses. */
function calleeOf(call: Node): Node | undefined {
  const fn = call.childForFieldName('function');
  return fn ? unparen(fn) : undefined;
}

function computeCallParts(call: Node): CallParts | undefined {
  const fn = typeOf(call) === 'call_expression' ? calleeOf(call) : undefined;
  if (!fn) return undefined;
  const type = typeOf(fn);
  // A selector's field is its last token.
  if (type === 'selector_expression') return new LazyCallParts(call, fn, trailingWord(fn.text));
  return new LazyCallParts(call, fn, type === 'identifier' ? fn.text : '');
}

/** True when the statement (or expression) list is in a loop body, without a function boundary in between. */
export function enclosingLoop(node: Node): Node | null {
  const top = topLevelOf(node);
  if (top && node.startIndex < top.loopsFrom) return null;
  for (let p = parentOf(node); p; p = parentOf(p)) {
    if (typeOf(p) === 'for_statement') return p;
    if (isFunctionNode(p)) return null;
  }
  return null;
}

/**
 * Zero-value expression for a Go result type, used when a fix inserts a `return`; undefined for
 * named types, which may be structs or interfaces (no type information here).
 */
export function zeroValue(type: Node): string | undefined {
  switch (typeOf(type)) {
    case 'pointer_type':
    case 'slice_type':
    case 'map_type':
    case 'channel_type':
    case 'function_type':
    case 'interface_type':
      return 'nil';
    case 'struct_type':
    case 'array_type':
      return `${type.text}{}`;
  }
  const t = type.text;
  if (t === 'error' || t === 'any') return 'nil';
  if (t === 'string') return '""';
  if (t === 'bool') return 'false';
  if (/^(u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128)|byte|rune)$/.test(t)) return '0';
  return undefined;
}
