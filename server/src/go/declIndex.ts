/**
 * One combined tree-sitter query collects every node the rules look at inside a declaration;
 * one query is several times cheaper than one per rule, and its matches hand over each call's
 * callee parts so rules filtering calls by name never walk the tree for them.
 */
import type { Node } from 'web-tree-sitter';
import { goQuery } from './parser';
import { rememberCallee } from './syntax';

const OTHER_NODES = {
  composites: 'composite_literal',
  goStmts: 'go_statement',
  defers: 'defer_statement',
  fors: 'for_statement',
  selects: 'select_statement',
  funcLits: 'func_literal',
  fields: 'field_declaration',
  sends: 'send_statement',
} as const;

export type DeclIndex = { readonly calls: Node[] } & { readonly [K in keyof typeof OTHER_NODES]: Node[] };

/** Callees other than a name or a selector: `(f)(x)`, `fs[i](x)`, `f[T](x)`, `f()(x)`, `func(){}()`. */
const OTHER_CALLEES = [
  'parenthesized_expression',
  'func_literal',
  'index_expression',
  'call_expression',
  'type_instantiation_expression',
  'type_assertion_expression',
  'type_conversion_expression',
  'slice_expression',
  'unary_expression',
];

// Pattern order matters: match.patternIndex tells which shape matched.
const CALL_BY_NAME = 0;
const CALL_BY_SELECTOR = 1;
const CALLS_QUERY = [
  '(call_expression function: (identifier) @fn) @call',
  '(call_expression function: (selector_expression field: (field_identifier) @field) @fn) @call',
  `(call_expression function: [${OTHER_CALLEES.map((t) => `(${t})`).join(' ')}]) @call`,
].join('\n');

/**
 * The index of a declaration, collected on first use, one node type at a time: a rule that rules
 * the declaration out early never pays for a query, and one that only looks at calls never pays
 * for struct fields. Building JS objects for captured nodes, not the tree walk in WASM, is what
 * costs, so several small queries beat one large one here.
 */
export function buildDeclIndex(decl: Node): DeclIndex {
  return new LazyDeclIndex(decl);
}

class LazyDeclIndex implements DeclIndex {
  private callNodes?: Node[];
  private readonly others = new Map<keyof typeof OTHER_NODES, Node[]>();

  constructor(private readonly decl: Node) {}

  get calls(): Node[] {
    return (this.callNodes ??= collectCalls(this.decl));
  }
  get composites(): Node[] {
    return this.other('composites');
  }
  get goStmts(): Node[] {
    return this.other('goStmts');
  }
  get defers(): Node[] {
    return this.other('defers');
  }
  get fors(): Node[] {
    return this.other('fors');
  }
  get selects(): Node[] {
    return this.other('selects');
  }
  get funcLits(): Node[] {
    return this.other('funcLits');
  }
  get fields(): Node[] {
    return this.other('fields');
  }
  get sends(): Node[] {
    return this.other('sends');
  }

  private other(name: keyof typeof OTHER_NODES): Node[] {
    let nodes = this.others.get(name);
    if (!nodes) {
      nodes = goQuery(`(${OTHER_NODES[name]}) @node`).captures(this.decl).map((c) => c.node);
      this.others.set(name, nodes);
    }
    return nodes;
  }
}

/** Every call in the declaration, with its callee's name remembered from the match. */
function collectCalls(decl: Node): Node[] {
  const calls: Node[] = [];
  for (const match of goQuery(CALLS_QUERY).matches(decl)) {
    let call!: Node;
    let fn: Node | undefined;
    let field: Node | undefined;
    for (const c of match.captures) {
      if (c.name === 'call') call = c.node;
      else if (c.name === 'fn') fn = c.node;
      else if (c.name === 'field') field = c.node;
    }
    calls.push(call);
    if (match.patternIndex === CALL_BY_NAME && fn) rememberCallee(call, fn, fn.text);
    else if (match.patternIndex === CALL_BY_SELECTOR && fn && field) rememberCallee(call, fn, field.text);
  }
  return calls;
}
