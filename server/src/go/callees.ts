/**
 * A cheap first filter for the call-matching rules: the called name of each call node, memoized.
 * Every rule looks at the same call nodes of a declaration (DeclIndex), so the name is read from
 * the tree once; only calls with the right name pay for import resolution.
 */
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';

const names = new WeakMap<Node, string>();

/** `Get` in `http.Get(…)` and `c.Get(…)`, `make` in `make(…)`; '' for other callees. */
export function calleeName(call: Node): string {
  let name = names.get(call);
  if (name === undefined) {
    const fn = call.childForFieldName('function');
    if (fn?.type === 'selector_expression') name = fn.childForFieldName('field')?.text ?? '';
    else name = fn?.type === 'identifier' ? fn.text : '';
    names.set(call, name);
  }
  return name;
}

/** Calls among `calls` named one of `callees` (cheap, no import resolution). */
export function callsNamed(calls: readonly Node[], callees: readonly string[]): Node[] {
  return calls.filter((c) => callees.includes(calleeName(c)));
}

/** Calls among `calls` of the package function `pkg.name` (any of `callees`), aliases and dot imports resolved. */
export function pkgCalls(file: GoFile, calls: readonly Node[], pkg: string, callees: readonly string[]): Node[] {
  return callsNamed(calls, callees).filter((c) => file.isPkgCall(c, pkg, callees));
}
