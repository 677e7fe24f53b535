/**
 * Finds the nodes rules look at inside one declaration, anchored on the words that name them
 * (see wordNodes.ts): a call to `After` or `NewTicker`, a `go` or `select` statement, an
 * `http.Client{...}` literal, a field of type `Context`.
 */
import type { Node } from 'web-tree-sitter';
import { isLeadingChild, parentOf, rememberCallee, typeOf } from './syntax';
import { NodeFinder, nodesAtWords, statementsByKeyword, type StatementKeyword } from './wordNodes';
import { wordOffsets } from './words';

export interface DeclIndex {
  /** Calls whose callee is named one of `names`: `f` in `f(x)`, `y` in `x.y()`, through parentheses. */
  callsNamed(names: readonly string[]): Node[];
  /** The statements the keyword introduces. */
  statements(keyword: StatementKeyword): Node[];
  /** Composite literals whose type is named `typeName` (`T{}`, `pkg.T{}`). */
  compositesOf(typeName: string): Node[];
  /** Struct field declarations whose type is named `typeName` (`f T`, `f pkg.T`). */
  fieldsOf(typeName: string): Node[];
}

/** The index of one declaration, whose source text is `source`; lookups are memoized. */
export function buildDeclIndex(decl: Node, source: string): DeclIndex {
  return new AnchoredDeclIndex(decl, source);
}

class AnchoredDeclIndex implements DeclIndex {
  private readonly calls = new Map<string, Node[]>();
  private readonly keywords = new Map<string, Node[]>();
  private readonly composites = new Map<string, Node[]>();
  private readonly fields = new Map<string, Node[]>();

  constructor(
    private readonly decl: Node,
    private readonly source: string,
  ) {}

  callsNamed(names: readonly string[]): Node[] {
    // Per name: rules ask overlapping lists (`Do` by two rules, `Get` by three).
    const calls = names.flatMap((name) => remembered(this.calls, name, () => this.findCalls(name)));
    return names.length > 1 ? calls.sort((a, b) => a.startIndex - b.startIndex) : calls;
  }

  /**
   * Calls of `name`. Most calls have their `(` right after the name: the smallest node over both
   * is then the call itself, one question to the tree instead of climbing from the name (in a
   * comment or a string, that node is the comment or string). Others (`(f)(x)`, `f[T](x)`) climb.
   */
  private findCalls(name: string): Node[] {
    const { decl, source } = this;
    const offsets = wordOffsets(source, name);
    if (offsets.length === 0) return [];
    const base = decl.startIndex;
    const calls: Node[] = [];
    const finder = new NodeFinder(decl, source);
    for (const at of offsets) {
      let paren = at + name.length;
      while (source[paren] === ' ' || source[paren] === '\t') paren++;
      let call: Node | undefined;
      if (source[paren] === '(') {
        const node = finder.spanning(base + at, base + paren + 1);
        if (typeOf(node) === 'call_expression') {
          rememberCallee(node, undefined, name);
          call = node;
        }
      } else {
        const token = finder.token(base + at, name.length);
        if (token) call = callNamedAt(token);
      }
      if (call) calls.push(call);
    }
    return calls;
  }

  statements(keyword: StatementKeyword): Node[] {
    return remembered(this.keywords, keyword, () => statementsByKeyword(this.decl, [keyword], this.source));
  }

  compositesOf(typeName: string): Node[] {
    return remembered(this.composites, typeName, () =>
      nodesAtWords(this.decl, [typeName], (name) => typedBy(name, 'composite_literal'), this.source),
    );
  }

  fieldsOf(typeName: string): Node[] {
    return remembered(this.fields, typeName, () =>
      nodesAtWords(this.decl, [typeName], (name) => typedBy(name, 'field_declaration'), this.source),
    );
  }
}

function remembered(memo: Map<string, Node[]>, key: string, find: () => Node[]): Node[] {
  let found = memo.get(key);
  if (!found) memo.set(key, (found = find()));
  return found;
}

/** The call whose callee the name token is, its name remembered for callParts; undefined otherwise. */
function callNamedAt(name: Node): Node | undefined {
  let fn = name;
  const type = typeOf(name);
  if (type === 'field_identifier') {
    // A field identifier in a selector is its field.
    const selector = parentOf(name);
    if (!selector || typeOf(selector) !== 'selector_expression') return undefined;
    fn = selector;
  } else if (type !== 'identifier') {
    return undefined;
  }
  let callee = fn;
  let call = parentOf(callee);
  while (call && typeOf(call) === 'parenthesized_expression') [callee, call] = [call, parentOf(call)];
  if (!call || typeOf(call) !== 'call_expression' || !isLeadingChild(callee, call)) return undefined;
  rememberCallee(call, fn, name.text);
  return call;
}

/** The `kind` node (composite literal, field) whose type is the type name token, plain or qualified. */
function typedBy(name: Node, kind: string): Node | undefined {
  if (typeOf(name) !== 'type_identifier') return undefined;
  // In a qualified type the type identifier is the name (the package is a package identifier); a
  // type name right under a composite literal or a field declaration is its type.
  const up = parentOf(name);
  const type = up && typeOf(up) === 'qualified_type' ? up : name;
  const owner = parentOf(type);
  return owner && typeOf(owner) === kind ? owner : undefined;
}
