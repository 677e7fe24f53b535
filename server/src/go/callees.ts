/** Calls of a package's functions, found by name through the declaration index, then resolved against imports. */
import type { Node } from 'web-tree-sitter';
import type { DeclIndex } from './declIndex';
import type { GoFile } from './file';

/** Calls of the package function `pkg.name` (any of `callees`), aliases and dot imports resolved. */
export function pkgCalls(file: GoFile, index: DeclIndex, pkg: string, callees: readonly string[]): Node[] {
  return index.callsNamed(callees).filter((c) => file.isPkgCall(c, pkg, callees));
}
