/** Composite literals of a package type and the fields they set, in the literal or right after it. */
import type { Node } from 'web-tree-sitter';
import type { DeclIndex } from './declIndex';
import type { GoFile } from './file';
import {
  assignedValues,
  assignmentOf,
  enclosingFunction,
  expressionsOf,
  hasType,
  namedChildren,
  parentOf,
  typeOf,
  unparen,
} from './syntax';

/** The elements of a composite literal's `{ … }`, in order, without comments. */
export function literalElements(literal: Node): readonly Node[] {
  const body = literal.childForFieldName('body');
  return body ? namedChildren(body) : [];
}

/** The key of a keyed element (`Timeout` in `Timeout: d`). */
export function elementKey(element: Node): string | undefined {
  // The key is a keyed element's first child.
  return typeOf(element) === 'keyed_element' ? namedChildren(element)[0]?.text : undefined;
}

/** The value of the keyed element `key` of a composite literal (`d` in `Timeout: d`). */
export function elementValue(literal: Node, key: string): Node | undefined {
  const value = literalElements(literal)
    .find((e) => elementKey(e) === key)
    ?.childForFieldName('value');
  // The value is a literal element wrapping the expression.
  return value ? (namedChildren(value)[0] ?? undefined) : undefined;
}

/**
 * The name of the variable a literal is assigned to (`c := &http.Client{…}`, `var c = http.Client{…}`),
 * so that later `c.Timeout = …` assignments count as setting the field.
 */
function assignedVariable(literal: Node): string | undefined {
  const up = parentOf(literal);
  const expr = hasType(up, 'unary_expression') ? up : literal;
  const assignment = assignmentOf(expr);
  if (!assignment) return undefined;
  const at = assignedValues(assignment.stmt).findIndex((v) => unparen(v).id === expr.id);
  const name = at >= 0 ? assignment.names[at] : undefined;
  return hasType(name, 'identifier') ? name.text : undefined;
}

/** True when `v.field = …` (any of `fields`) is assigned in the function where `literal` is assigned to `v`. */
function fieldAssignedLater(literal: Node, fields: readonly string[]): boolean {
  const variable = assignedVariable(literal);
  const scope = enclosingFunction(literal);
  if (!variable || !scope) return false;
  return scope.descendantsOfType('assignment_statement').some((stmt) =>
    expressionsOf(stmt?.childForFieldName('left') ?? null).some((target) => {
      if (typeOf(target) !== 'selector_expression') return false;
      return (
        target.childForFieldName('operand')?.text === variable && fields.includes(target.childForFieldName('field')?.text ?? '')
      );
    }),
  );
}

/**
 * Keyed (or empty) literals of type `pkg.typeName` in the declaration that set none of `fields`,
 * neither inside the literal nor by assigning the variable's field afterwards. Positional literals
 * are left alone: they name no keys, and go vet already reports them for imported structs.
 */
export function literalsMissingFields(
  file: GoFile,
  index: DeclIndex,
  pkg: string,
  typeName: string,
  fields: readonly string[],
): Node[] {
  return index.compositesOf(typeName).filter((literal) => {
    const type = literal.childForFieldName('type');
    if (!type || !file.isPkgType(type, pkg, typeName)) return false;
    const elements = literalElements(literal);
    if (elements.some((e) => typeOf(e) !== 'keyed_element')) return false;
    if (elements.some((e) => fields.includes(elementKey(e) ?? ''))) return false;
    return !fieldAssignedLater(literal, fields);
  });
}
