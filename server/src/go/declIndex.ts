/**
 * One combined tree-sitter query collects every node the rules look at inside a declaration;
 * one query is several times cheaper than one per rule, and its matches hand over each call's
 * callee parts so rules filtering calls by name never walk the tree for them.
 */
import type { Node } from 'web-tree-sitter';
import { goQuery } from './parser';
import { rememberCallParts } from './syntax';

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
const QUERY_SOURCE = [
  '(call_expression function: (identifier) @fn arguments: (_) @args) @call',
  '(call_expression function: (selector_expression operand: (_) @operand field: (field_identifier) @field) @fn arguments: (_) @args) @call',
  `(call_expression function: [${OTHER_CALLEES.map((t) => `(${t})`).join(' ')}]) @call`,
  ...Object.entries(OTHER_NODES).map(([name, type]) => `(${type}) @${name}`),
].join('\n');

/**
 * The index of a declaration, collected on first use: a rule that rules the declaration out early
 * (file-scoped rules are re-run on every declaration after each edit) never pays for the query.
 */
export function buildDeclIndex(decl: Node): DeclIndex {
  return new LazyDeclIndex(decl) as unknown as DeclIndex;
}

class LazyDeclIndex {
  private collected?: DeclIndex;

  constructor(private readonly decl: Node) {}

  collect(): DeclIndex {
    return (this.collected ??= collectDeclIndex(this.decl));
  }
}

// Getters on the prototype: defining them per instance would cost more than the query they save.
for (const name of ['calls', ...Object.keys(OTHER_NODES)] as (keyof DeclIndex)[]) {
  Object.defineProperty(LazyDeclIndex.prototype, name, {
    get(this: LazyDeclIndex) {
      return this.collect()[name];
    },
  });
}

function collectDeclIndex(decl: Node): DeclIndex {
  const index: Record<string, Node[]> = { calls: [] };
  for (const name of Object.keys(OTHER_NODES)) index[name] = [];
  for (const match of goQuery(QUERY_SOURCE).matches(decl)) {
    if (match.patternIndex > CALL_BY_SELECTOR && match.captures[0].name !== 'call') {
      index[match.captures[0].name].push(match.captures[0].node);
      continue;
    }
    let call!: Node;
    let fn: Node | undefined;
    let operand: Node | undefined;
    let field: Node | undefined;
    let args: Node | null = null;
    for (const c of match.captures) {
      if (c.name === 'call') call = c.node;
      else if (c.name === 'fn') fn = c.node;
      else if (c.name === 'operand') operand = c.node;
      else if (c.name === 'field') field = c.node;
      else if (c.name === 'args') args = c.node;
    }
    index.calls.push(call);
    if (match.patternIndex === CALL_BY_NAME && fn) rememberCallParts(call, fn, fn.text, undefined, args);
    // Parenthesized operands are unwrapped by callParts' own walk; leave those to it.
    else if (match.patternIndex === CALL_BY_SELECTOR && fn && field && operand && operand.type !== 'parenthesized_expression') {
      rememberCallParts(call, fn, field.text, operand, args);
    }
  }
  return index as unknown as DeclIndex;
}
