/**
 * Whether an *http.Request carries a context: built by NewRequestWithContext, bound afterwards
 * (`req = req.WithContext(ctx)`, `req.Clone(ctx)`, `req.Cancel = ctx.Done()`), or handed together
 * with a context to a helper that binds it (`h.Do(ctx, req)`). Read within one function, by name;
 * `context.Background()` and `context.TODO()` never end, so binding them does not count.
 */
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { mentionsBetween } from './identifiers';
import { positionOf } from './ownership';
import { assignedValues, callParts, expressionsOf, hasType, parentOf, typeOf, unparen } from './syntax';

/** Methods of *http.Request that return a copy bound to the context they are given. */
const BINDING_METHODS = ['WithContext', 'Clone'];

/** A context that never ends: `context.Background()` or `context.TODO()`. */
function isEndlessContext(file: GoFile, expr: Node | undefined): boolean {
  return !!expr && file.isPkgCall(unparen(expr), 'context', ['Background', 'TODO']);
}

/** `x.WithContext(ctx)` or `x.Clone(ctx)`, with a context that can end. */
function isBindingCall(file: GoFile, expr: Node): boolean {
  const parts = callParts(unparen(expr));
  return !!parts?.operand && BINDING_METHODS.includes(parts.name) && !isEndlessContext(file, parts.args[0]);
}

/** `http.NewRequestWithContext(ctx, …)` with a context that can end. */
function isRequestWithContext(file: GoFile, expr: Node): boolean {
  const e = unparen(expr);
  return file.isPkgCall(e, 'net/http', ['NewRequestWithContext']) && !isEndlessContext(file, callParts(e)?.args[0]);
}

/** The value assigned to the identifier `target` by its statement (`target, err := value`), if one. */
function valueAssignedTo(target: Node): Node | undefined {
  const list = parentOf(target);
  const stmt = hasType(list, 'expression_list') ? parentOf(list) : list;
  if (!stmt || !['short_var_declaration', 'assignment_statement', 'var_spec'].includes(typeOf(stmt))) return undefined;
  const left = typeOf(stmt) === 'var_spec' ? stmt.childrenForFieldName('name') : expressionsOf(stmt.childForFieldName('left'));
  const at = left.findIndex((n) => n?.id === target.id);
  const values = assignedValues(stmt);
  if (at < 0 || values.length === 0) return undefined;
  // `req, err := f()` assigns f's first result to req.
  return values.length === left.length ? values[at] : at === 0 ? values[0] : undefined;
}

/**
 * How one mention of a request variable binds it to a context: as the operand of WithContext or
 * Clone, as the target of `req.Cancel = …`, as the target of NewRequestWithContext, or (when
 * `contexts` names the contexts in scope) as an argument next to one of them.
 */
function bindsContext(file: GoFile, mention: Node, contexts: readonly string[]): boolean {
  const position = positionOf(mention);
  if (position.kind === 'member') {
    if (BINDING_METHODS.includes(position.field)) {
      // `req.WithContext(ctx)` on its own line binds nothing: the bound copy is dropped.
      const call = positionOf(position.selector);
      return call.kind === 'called' && isBindingCall(file, call.call) && positionOf(call.call).kind !== 'dropped';
    }
    if (position.field !== 'Cancel') return false;
    const target = positionOf(position.selector);
    return target.kind === 'target';
  }
  if (position.kind === 'argument') {
    return contexts.length > 0 && (callParts(position.call)?.args ?? []).some((a) => contexts.includes(unparen(a).text));
  }
  if (position.kind === 'target') {
    const value = valueAssignedTo(mention);
    return !!value && (isBindingCall(file, value) || isRequestWithContext(file, value));
  }
  return false;
}

/**
 * True when the request variable `name` is bound to a context in `scope` at or after offset
 * `from`; with `contexts`, passing it next to one of those counts too.
 */
export function requestBoundInScope(file: GoFile, scope: Node, name: string, from: number, contexts: readonly string[] = []): boolean {
  return mentionsBetween(scope, name, from).some((m) => bindsContext(file, m, contexts));
}

/** True when the request expression handed to `Do` carries a context: `req.WithContext(ctx)`, or a variable bound in `scope`. */
export function requestCarriesContext(file: GoFile, scope: Node, request: Node): boolean {
  const r = unparen(request);
  if (isBindingCall(file, r)) return true;
  return typeOf(r) === 'identifier' && requestBoundInScope(file, scope, r.text, scope.startIndex);
}
