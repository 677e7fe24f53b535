/**
 * Finds the nodes rules look at inside one declaration, anchored on the words that name them
 * (see wordNodes.ts): a call to `After` or `NewTicker`, a `go` or `select` statement, an
 * `http.Client{...}` literal, a field of type `Context`.
 */
import type { Node } from 'web-tree-sitter';
import { parentOf, rememberCallee } from './syntax';
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
    return this.remembered(`call:${names.join(',')}`, () => nodesAtWords(this.decl, names, callNamedAt, this.source));
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
  if (name.type === 'field_identifier') {
    const selector = parentOf(name);
    if (selector?.type !== 'selector_expression' || selector.childForFieldName('field')?.id !== name.id) return undefined;
    fn = selector;
  } else if (name.type !== 'identifier') {
    return undefined;
  }
  let callee = fn;
  let call = parentOf(callee);
  while (call?.type === 'parenthesized_expression') [callee, call] = [call, parentOf(call)];
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== callee.id) return undefined;
  rememberCallee(call, fn, name.text);
  return call;
}

/** The `kind` node (composite literal, field) whose type is the type name token, plain or qualified. */
function typedBy(name: Node, kind: string): Node | undefined {
  if (name.type !== 'type_identifier') return undefined;
  const up = parentOf(name);
  const type = up?.type === 'qualified_type' && up.childForFieldName('name')?.id === name.id ? up : name;
  const owner = parentOf(type);
  return owner?.type === kind && owner.childForFieldName('type')?.id === type.id ? owner : undefined;
}
