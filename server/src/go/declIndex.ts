/**
 * Finds the nodes rules look at inside one declaration, anchored on the words that name them
 * (see wordNodes.ts): a call to `After` or `NewTicker`, a `go` or `select` statement, an
 * `http.Client{...}` literal, a field of type `Context`.
 */
import type { Node } from 'web-tree-sitter';
import { isLeadingChild, parentOf, rememberCallee, typeOf } from './syntax';
import { nodesAtWords, statementsByKeyword, type StatementKeyword } from './wordNodes';

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
  private readonly memo = new Map<string, Node[]>();

  constructor(
    private readonly decl: Node,
    private readonly source: string,
  ) {}

  callsNamed(names: readonly string[]): Node[] {
    // Per name: rules ask overlapping lists (`Do` by two rules, `Get` by three).
    const calls = names.flatMap((name) => this.remembered(`call:${name}`, () => nodesAtWords(this.decl, [name], callNamedAt, this.source)));
    return names.length > 1 ? calls.sort((a, b) => a.startIndex - b.startIndex) : calls;
  }

  statements(keyword: StatementKeyword): Node[] {
    return this.remembered(`stmt:${keyword}`, () => statementsByKeyword(this.decl, [keyword], this.source));
  }

  compositesOf(typeName: string): Node[] {
    return this.remembered(`composite:${typeName}`, () =>
      nodesAtWords(this.decl, [typeName], (name) => typedBy(name, 'composite_literal'), this.source),
    );
  }

  fieldsOf(typeName: string): Node[] {
    return this.remembered(`field:${typeName}`, () =>
      nodesAtWords(this.decl, [typeName], (name) => typedBy(name, 'field_declaration'), this.source),
    );
  }

  private remembered(key: string, find: () => Node[]): Node[] {
    let found = this.memo.get(key);
    if (!found) this.memo.set(key, (found = find()));
    return found;
  }
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
