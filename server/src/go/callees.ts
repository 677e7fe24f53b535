/**
 * A cheap first filter for the call-matching rules: calls are compared by callee name, which
 * callParts memoizes (the declaration index already read it from the query); only calls with the
 * right name pay for import resolution.
 */
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { callParts } from './syntax';

/** Calls among `calls` named one of `callees` (cheap, no import resolution). */
export function callsNamed(calls: readonly Node[], callees: readonly string[]): Node[] {
  return calls.filter((c) => callees.includes(callParts(c)?.name ?? ''));
}

/** Calls among `calls` of the package function `pkg.name` (any of `callees`), aliases and dot imports resolved. */
export function pkgCalls(file: GoFile, calls: readonly Node[], pkg: string, callees: readonly string[]): Node[] {
  return callsNamed(calls, callees).filter((c) => file.isPkgCall(c, pkg, callees));
}
