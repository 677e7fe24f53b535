/**
 * What a local name holds, as far as the declaration around it spells it out: the value a local
 * constant or variable is set to once, and the string constants an expression can hold (a literal,
 * such a name set from one, or the loop variable of a range over a literal slice:
 * `for _, network := range []string{"unix", "unixgram"}`). No type checker: anything else (a
 * parameter, a field, a call's result) is unknown.
 */
import type { Node } from 'web-tree-sitter';
import { mentionsOf } from './identifiers';
import {
  assignedNames,
  assignedValues,
  enclosingFunction,
  expressionsOf,
  hasType,
  isFunctionNode,
  namedChildren,
  nodeMemo,
  parentOf,
  typeOf,
  unparen,
} from './syntax';

/** How many variables deep a value is followed (`n` ranging over `nets`, set from a literal). */
const MAX_DEPTH = 3;

/** The value of a string literal; undefined for one whose escapes JSON does not read. */
function literalValue(node: Node): string | undefined {
  if (typeOf(node) === 'raw_string_literal') return node.text.slice(1, -1);
  try {
    return JSON.parse(node.text) as string;
  } catch {
    return undefined;
  }
}

/** Every string `expr` can hold, or undefined when one of them is not a constant the code shows. */
export function stringValues(expr: Node, depth = 0): readonly string[] | undefined {
  const e = unparen(expr);
  const type = typeOf(e);
  if (type === 'interpreted_string_literal' || type === 'raw_string_literal') {
    const value = literalValue(e);
    return value === undefined ? undefined : [value];
  }
  if (type !== 'identifier' || depth >= MAX_DEPTH) return undefined;
  const binding = bindingOf(e);
  if (!binding) return undefined;
  if (binding.kind === 'value') return stringValues(binding.node, depth + 1);
  return elementValues(binding.node, depth + 1);
}

/**
 * The value the local variable or constant `id` was declared with (for `v, err := f()`, the
 * call), when the function never assigns it again.
 */
export function declaredValueOf(id: Node): Node | undefined {
  const binding = bindingOf(id);
  return binding?.kind === 'value' ? binding.node : undefined;
}

/** The strings of a literal slice or array (or a variable set once from one). */
function elementValues(expr: Node, depth: number): readonly string[] | undefined {
  let e = unparen(expr);
  if (typeOf(e) === 'identifier' && depth < MAX_DEPTH) {
    const binding = bindingOf(e);
    if (binding?.kind !== 'value') return undefined;
    e = unparen(binding.node);
    depth++;
  }
  const body = typeOf(e) === 'composite_literal' ? e.childForFieldName('body') : null;
  if (!body) return undefined;
  const out: string[] = [];
  for (const element of namedChildren(body)) {
    // A literal element wraps its expression; keyed elements (`0: "unix"`) are not followed.
    const inner = typeOf(element) === 'literal_element' ? namedChildren(element)[0] : undefined;
    const values = inner && stringValues(inner, depth);
    if (!values) return undefined;
    out.push(...values);
  }
  return out;
}

type Binding = { kind: 'value'; node: Node } | { kind: 'element'; node: Node };

/**
 * What the identifier `id` was bound to: the value of the nearest earlier declaration in an
 * enclosing block (only when the function never assigns the name again), or each element of
 * the collection a range clause walks.
 */
function bindingOf(id: Node): Binding | undefined {
  const name = id.text;
  // Nodes whose answer is the one found further up: every step between them adds nothing.
  const pending: Node[] = [];
  let answer: Binding | null = null;
  for (let child: Node = id; ; ) {
    const seen = bindingsSeenFrom(child).get(name);
    if (seen !== undefined) {
      answer = seen;
      break;
    }
    pending.push(child);
    const p = parentOf(child);
    if (!p || isFunctionNode(p)) break;
    const found = bindingIn(p, child, id);
    if (found !== undefined) {
      answer = found;
      break;
    }
    child = p;
  }
  for (const n of pending) bindingsSeenFrom(n).set(name, answer);
  return answer ?? undefined;
}

/**
 * Per node climbed through: the binding seen from it, by name (null: none), so that many mentions
 * deep inside nested code do not each climb to the function.
 */
const bindingsSeenFrom = nodeMemo(() => new Map<string, Binding | null>());

/** What `p` binds `id`'s name to for its child `child`: a binding, null when it settles that there is none, undefined when it says nothing. */
function bindingIn(p: Node, child: Node, id: Node): Binding | null | undefined {
  const name = id.text;
  if (typeOf(p) === 'for_statement') {
    const range = namedChildren(p).find((c) => typeOf(c) === 'range_clause');
    const left = range ? expressionsOf(range.childForFieldName('left')) : [];
    if (left.some((n) => n.text === name)) {
      // Over a slice the second name is the element; the first is the index.
      const right = range?.childForFieldName('right');
      return left.length === 2 && left[1].text === name && right && !reassigned(id) ? { kind: 'element', node: right } : null;
    }
  }
  if (typeOf(p) !== 'statement_list') return undefined;
  const before = namedChildren(p).filter((s) => s.endIndex <= child.startIndex);
  for (let i = before.length - 1; i >= 0; i--) {
    const value = declaredValue(before[i], name);
    if (value === null) return null;
    if (value) return reassigned(id) ? null : { kind: 'value', node: value };
  }
  return undefined;
}

/**
 * The value a statement declares `name` with (`name := v`, `var name = v`, `const name = v`, the
 * call whose first result `name, err := f()` holds); null when it declares `name` some other way
 * (no value, a later result of a call), undefined when it does not declare it.
 */
function declaredValue(stmt: Node, name: string): Node | null | undefined {
  const type = typeOf(stmt);
  const specs =
    type === 'short_var_declaration'
      ? [stmt]
      : type === 'var_declaration' || type === 'const_declaration'
        ? stmt.descendantsOfType(['var_spec', 'const_spec']).filter((s): s is Node => !!s)
        : [];
  for (const spec of specs) {
    const names = typeOf(spec) === 'const_spec' ? spec.childrenForFieldName('name').filter((n): n is Node => !!n) : assignedNames(spec);
    const at = names.findIndex((n) => n.text === name);
    if (at < 0) continue;
    const values = typeOf(spec) === 'const_spec' ? expressionsOf(spec.childForFieldName('value')) : assignedValues(spec);
    if (values.length === names.length) return values[at];
    // `ln, err := net.Listen(…)`: the first name holds the call's first result.
    return values.length === 1 && at === 0 ? values[0] : null;
  }
  return undefined;
}

/** Per function: whether it assigns each name with `=` somewhere. */
const reassignedIn = nodeMemo(() => new Map<string, boolean>());

/** True when the function around `id` assigns its name with `=` somewhere (its value may change). */
function reassigned(id: Node): boolean {
  const fn = enclosingFunction(id);
  if (!fn) return true;
  const byName = reassignedIn(fn);
  let answer = byName.get(id.text);
  if (answer === undefined) byName.set(id.text, (answer = assignsWithEquals(fn, id.text)));
  return answer;
}

function assignsWithEquals(fn: Node, name: string): boolean {
  return mentionsOf(fn, name).some((m) => {
    const list = parentOf(m);
    const stmt = hasType(list, 'expression_list') ? parentOf(list) : list;
    return hasType(stmt, 'assignment_statement') && expressionsOf(stmt.childForFieldName('left')).some((n) => n.id === m.id);
  });
}

/**
 * The text of each value `name` is given in `fnText` (`name := …`, `name = …`, to the end of the
 * line), for a cheap check that every one of them has one shape.
 */
export function assignedTexts(fnText: string, name: string): string[] {
  return Array.from(fnText.matchAll(new RegExp(String.raw`\b${name}\s*:?=\s*([^\n]*)`, 'g')), (m) => m[1].trim());
}
