/**
 * The field names a channel of the file can be made under (`w.done` for `w := &T{done: make(chan
 * struct{})}`, `s.stop` for `s.stop = make(chan struct{})`). The walk keeps what each path did to
 * every name it meets, and most names it meets are used, not channels (`sc.bw`, `opts.Handler`):
 * that such a name escaped only matters when it holds, or is, a channel the walk may judge, and
 * channels are judged only where they are made. A name one of whose fields is none of these cannot
 * lead to a made channel, so its escapes need not be kept: in a method of a large struct they were
 * most of the walk's work.
 */
import type { Node } from 'web-tree-sitter';
import { callParts, expressionsOf, hasType, namedChildren, parentOf, textOf, typeOf } from '../syntax';
import { nodesAtWords } from '../wordNodes';
import { chanKeyOf, type ChanKey } from './ir';

/** Syntax a `make` of a channel may sit in on its way to the name it is made for. */
const PASSED_THROUGH = new Set(['parenthesized_expression', 'unary_expression', 'literal_element', 'literal_value', 'composite_literal', 'expression_list']);

/** Every field name on the way from a `make(chan …)` in `decls` to the name it is assigned to. */
export function madeFieldNames(decls: readonly Node[]): Set<string> {
  const out = new Set<string>();
  for (const decl of decls) {
    const text = textOf(decl);
    if (!text.includes('make') || !text.includes('chan')) continue;
    nodesAtWords(decl, ['make'], (token) => {
      const call = parentOf(token);
      const parts = call && typeOf(call) === 'call_expression' ? callParts(call) : undefined;
      if (call && parts?.fn.id === token.id && hasType(parts.args[0], 'channel_type')) fieldsOnTheWay(call, out);
      return undefined;
    }, text);
  }
  return out;
}

function fieldsOnTheWay(make: Node, out: Set<string>): void {
  for (let p = parentOf(make); p; p = parentOf(p)) {
    const type = typeOf(p);
    if (type === 'keyed_element') {
      // As the model reads a literal (ir.ts structLiteral): the key's element, an identifier.
      const [key] = namedChildren(p);
      const field = key && namedChildren(key)[0];
      if (field && typeOf(field) === 'identifier') out.add(field.text);
    } else if (type === 'assignment_statement' || type === 'short_var_declaration') {
      for (const target of expressionsOf(p.childForFieldName('left'))) for (const field of fieldsOf(chanKeyOf(target))) out.add(field);
      return;
    } else if (!PASSED_THROUGH.has(type)) return;
  }
}

/** The fields of a key after its root: `tail` and `done` of `w.tail.done`. */
function fieldsOf(key: ChanKey | undefined): string[] {
  return key ? key.split('.').slice(1) : [];
}

/** Whether what happens to `key` can matter to a channel made under `fields`: a plain name, or a path through made fields only. */
export function mayLeadToMade(key: ChanKey, fields: ReadonlySet<string>): boolean {
  return fieldsOf(key).every((f) => fields.has(f));
}
