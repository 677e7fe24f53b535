/**
 * The declared type of a local variable or parameter, as far as its declaration spells it out:
 * `var x T`, `x := &T{}`, `x := new(T)`, `x := T{}`, a parameter `x *T`. No type checker: an
 * assignment from a function call has no known type.
 */
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { mentionsOf } from './identifiers';
import { callParts, expressionsOf, hasType, isInside, parentOf, typeOf, unparen } from './syntax';

function stripPointer(type: Node): Node {
  while (typeOf(type) === 'pointer_type' && type.namedChild(0)) type = type.namedChild(0)!;
  return type;
}

/** The type a value expression constructs: `&T{}`, `T{}`, `new(T)`; undefined when unknown. */
function constructedType(value: Node | undefined): Node | undefined {
  if (!value) return undefined;
  let v = unparen(value);
  if (typeOf(v) === 'unary_expression' && v.childForFieldName('operator')?.text === '&') v = unparen(v.childForFieldName('operand') ?? v);
  if (typeOf(v) === 'composite_literal') return v.childForFieldName('type') ?? undefined;
  const parts = callParts(v);
  return parts && typeOf(parts.fn) === 'identifier' && parts.name === 'new' ? parts.args[0] : undefined;
}

/** The value assigned to the i-th name when names and values pair up one to one. */
function pairedValue(names: readonly (Node | null)[], values: readonly Node[], i: number): Node | undefined {
  return names.length === values.length ? values[i] : undefined;
}

/**
 * When `id` is the name a declaration introduces: the part of the code where that declaration is
 * visible and the type it gives (null when it does not say).
 */
function declarationOf(id: Node): { scope: Node; type: Node | null } | undefined {
  const p = parentOf(id);
  if (hasType(p, 'parameter_declaration')) {
    const fn = parentOf(parentOf(p));
    const type = p.childForFieldName('type');
    return fn ? { scope: fn, type: type ? stripPointer(type) : null } : undefined;
  }
  if (hasType(p, 'var_spec')) {
    const names = p.childrenForFieldName('name');
    const i = names.findIndex((n) => n?.id === id.id);
    if (i < 0) return undefined;
    const declared = p.childForFieldName('type') ?? constructedType(pairedValue(names, expressionsOf(p.childForFieldName('value')), i));
    let decl: Node | null = parentOf(p);
    while (decl && typeOf(decl) !== 'var_declaration') decl = parentOf(decl);
    const scope = parentOf(decl);
    return scope ? { scope, type: declared ? stripPointer(declared) : null } : undefined;
  }
  const stmt = hasType(p, 'expression_list') ? parentOf(p) : null;
  if (p && hasType(stmt, 'short_var_declaration') && stmt.childForFieldName('left')?.id === p.id) {
    const left = expressionsOf(p);
    const i = left.findIndex((n) => n.id === id.id);
    const declared = constructedType(pairedValue(left, expressionsOf(stmt.childForFieldName('right')), i));
    const scope = hasType(parentOf(stmt), 'for_clause') ? parentOf(parentOf(stmt)) : parentOf(stmt);
    return scope ? { scope, type: declared ? stripPointer(declared) : null } : undefined;
  }
  return undefined;
}

/** The declared type of the variable `name` visible at `at` (pointers looked through), when its declaration shows it. */
export function declaredTypeOf(name: string, at: Node): Node | undefined {
  let top = at;
  for (let up = parentOf(top); up && typeOf(up) !== 'source_file'; up = parentOf(up)) top = up;
  const before = mentionsOf(top, name).filter((id) => id.startIndex < at.startIndex);
  for (let i = before.length - 1; i >= 0; i--) {
    const decl = declarationOf(before[i]);
    if (decl && isInside(at, decl.scope)) return decl.type ?? undefined;
  }
  return undefined;
}

/** True when `expr` is a variable declared as `pkg.T` or `*pkg.T` for one of `types`. */
export function isVariableOfType(file: GoFile, expr: Node, pkg: string, types: readonly string[]): boolean {
  const e = unparen(expr);
  const type = typeOf(e) === 'identifier' ? declaredTypeOf(e.text, e) : undefined;
  return !!type && types.some((t) => file.isPkgType(type, pkg, t));
}
