/**
 * Constructors: functions of the file that return a new struct value holding channels they make
 * (`return &node{stop: make(chan struct{})}`, or `w := &T{…}; go w.run(); return w`). Each call
 * makes new channels, so the caller owns them as it owns its own makes, and the goroutines the
 * constructor starts on them are the caller's to strand. Read from the syntax of the declaration.
 */
import type { Node } from 'web-tree-sitter';
import { callParts, expressionsOf, functionBody, hasType, namedChildren, parentOf, statementsOf, typeOf, unparen } from '../syntax';

export interface Constructor {
  /** The local the constructor builds and returns (`w`), or undefined when it returns the literal itself. */
  local?: string;
  /** The type of the value returned (`node` for `&node{…}`), whatever the declared result type. */
  type: string;
  /** The channel fields made in the literal: field name, its `make`, and the parameter (by position) that sizes its buffer. */
  fields: { field: string; make: Node; sizeParam?: number }[];
}

/**
 * The names of the file's functions that make a channel, every constructor among them, and the
 * types they build literals of (a cheap reading of the text, for the rules' triggers: calls of
 * these functions and methods of these types are read by the stranded-goroutine rules).
 */
export function channelConstructorNames(text: string): string[] {
  const out = new Set<string>();
  const starts = [...text.matchAll(/^func\s+(\w+)\s*[[(]/gm)];
  starts.forEach((m, i) => {
    const body = text.slice(m.index, starts[i + 1]?.index ?? text.length);
    if (!/\bmake\s*\(\s*(?:<-\s*)?chan\b/.test(body)) return;
    out.add(m[1]);
    for (const t of body.matchAll(/(?:\breturn|:=)\s*&?\s*([A-Za-z_]\w*)\s*\{/g)) out.add(t[1]);
  });
  return [...out];
}

/** The constructor a function declaration is, if it is one. */
export function constructorOf(decl: Node): Constructor | undefined {
  const body = functionBody(decl);
  if (typeOf(decl) !== 'function_declaration' || !body) return undefined;
  const returns = body.descendantsOfType('return_statement').filter((r): r is Node => !!r && ownReturn(r, decl));
  const firsts = returns.map((r) => expressionsOf(namedChildren(r)[0] ?? null)[0]);
  if (firsts.length === 0 || firsts.some((f) => !f)) return undefined;
  // `return &T{…}`: the literal itself, returned once.
  const params = paramPositions(decl);
  const direct = literalOf(firsts[0]!);
  if (direct) return firsts.length === 1 ? describe(direct, params) : undefined;
  // `w := &T{…}` in the function's own block, and every return returns w.
  const local = typeOf(firsts[0]!) === 'identifier' ? firsts[0]!.text : undefined;
  if (!local || firsts.some((f) => f!.text !== local)) return undefined;
  for (const stmt of statementsOf(body)) {
    if (typeOf(stmt) !== 'short_var_declaration') continue;
    const names = expressionsOf(stmt.childForFieldName('left'));
    const values = expressionsOf(stmt.childForFieldName('right'));
    if (names.length !== 1 || names[0].text !== local || values.length !== 1) continue;
    const literal = literalOf(values[0]);
    const found = literal && describe(literal, params);
    return found && { ...found, local };
  }
  return undefined;
}

/** A return of the function itself, not of a func literal in it. */
function ownReturn(ret: Node, decl: Node): boolean {
  for (let p = parentOf(ret); p; p = parentOf(p)) {
    if (p.id === decl.id) return true;
    if (typeOf(p) === 'func_literal') return false;
  }
  return false;
}

/** `T{…}` or `&T{…}` with a named type. */
function literalOf(value: Node): Node | undefined {
  let v = unparen(value);
  if (typeOf(v) === 'unary_expression' && v.childForFieldName('operator')?.text === '&') v = unparen(v.childForFieldName('operand')!);
  return typeOf(v) === 'composite_literal' && hasType(v.childForFieldName('type'), 'type_identifier') ? v : undefined;
}

/** Parameter names and their positions (`func f(a, b int, _ string)`: a 0, b 1). */
function paramPositions(decl: Node): Map<string, number> {
  const out = new Map<string, number>();
  let i = 0;
  const list = decl.childForFieldName('parameters');
  for (const d of list ? namedChildren(list) : []) {
    const names = d.childrenForFieldName('name').filter((n): n is Node => !!n);
    if (names.length === 0) i++;
    for (const n of names) out.set(n.text, i++);
  }
  return out;
}

function describe(literal: Node, params: ReadonlyMap<string, number>): Constructor | undefined {
  const fields: Constructor['fields'] = [];
  const body = literal.childForFieldName('body');
  for (const element of body ? namedChildren(body) : []) {
    const [k, v] = typeOf(element) === 'keyed_element' ? namedChildren(element) : [];
    const field = k && namedChildren(k)[0];
    const value = v && namedChildren(v)[0];
    const make = value && unparen(value);
    const parts = make && typeOf(make) === 'call_expression' ? callParts(make) : undefined;
    if (!field || typeOf(field) !== 'identifier' || parts?.name !== 'make' || !hasType(parts.args[0], 'channel_type')) continue;
    const size = parts.args[1];
    fields.push({ field: field.text, make: make!, sizeParam: size && typeOf(size) === 'identifier' ? params.get(size.text) : undefined });
  }
  return fields.length > 0 ? { type: literal.childForFieldName('type')!.text, fields } : undefined;
}
