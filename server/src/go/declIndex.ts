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

const INDEX_QUERY = [
  CALLS_QUERY,
  ...Object.entries(OTHER_NODES).map(([name, type]) => `(${type}) @${name}`),
].join('\n');

/**
 * The index of a declaration, collected on first use by one query: a rule that rules the
 * declaration out early never pays for it, and each query walks the whole declaration in WASM,
 * so one walk for every node type beats one walk per type.
 */
export function buildDeclIndex(decl: Node): DeclIndex {
  return new LazyDeclIndex(decl);
}

type Collected = Record<keyof DeclIndex, Node[]>;

class LazyDeclIndex implements DeclIndex {
  private collected?: Collected;

  constructor(private readonly decl: Node) {}

  get calls(): Node[] {
    return this.collect().calls;
  }
  get composites(): Node[] {
    return this.collect().composites;
  }
  get goStmts(): Node[] {
    return this.collect().goStmts;
  }
  get defers(): Node[] {
    return this.collect().defers;
  }
  get fors(): Node[] {
    return this.collect().fors;
  }
  get selects(): Node[] {
    return this.collect().selects;
  }
  get funcLits(): Node[] {
    return this.collect().funcLits;
  }
  get fields(): Node[] {
    return this.collect().fields;
  }
  get sends(): Node[] {
    return this.collect().sends;
  }

  private collect(): Collected {
    return (this.collected ??= collectIndex(this.decl));
  }
}

/** Every node of interest in the declaration; calls get their callee's name remembered from the match. */
function collectIndex(decl: Node): Collected {
  const index = { calls: [] as Node[] } as Collected;
  for (const name of Object.keys(OTHER_NODES) as (keyof typeof OTHER_NODES)[]) index[name] = [];
  for (const match of goQuery(INDEX_QUERY).matches(decl)) {
    const first = match.captures[0];
    if (first.name !== 'call' && first.name !== 'fn' && first.name !== 'field') {
      index[first.name as keyof typeof OTHER_NODES].push(first.node);
      continue;
    }
    let call!: Node;
    let fn: Node | undefined;
    let field: Node | undefined;
    for (const c of match.captures) {
      if (c.name === 'call') call = c.node;
      else if (c.name === 'fn') fn = c.node;
      else if (c.name === 'field') field = c.node;
    }
    index.calls.push(call);
    if (match.patternIndex === CALL_BY_NAME && fn) rememberCallee(call, fn, fn.text);
    else if (match.patternIndex === CALL_BY_SELECTOR && fn && field) rememberCallee(call, fn, field.text);
  }
  return index;
}
