/**
 * Code that runs for the whole life of the process, where a goroutine, ticker or server that never
 * stops is how the program is meant to work rather than a leak: `func main` and `func init`,
 * entry points named `main` in other packages (a subcommand's `main(cmd, args)`), functions of
 * such a program's file called only from such code (a subcommand's `serve(port)`), `Example…` functions of
 * test files (documentation, never run as a service), and files built only by hand
 * (`//go:build ignore` generators).
 * Rules whose scope names process lifetime do not run there (see RuleScope.processLifetime).
 */
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { typeOf } from './syntax';
import { wordOffsets } from './words';

const cache = new WeakMap<GoFile, ReadonlySet<number>>();

/** True when `decl` (a top-level declaration of `file`) runs for the whole process. */
export function runsForProcess(file: GoFile, decl: Node): boolean {
  let ids = cache.get(file);
  if (!ids) cache.set(file, (ids = processDecls(file)));
  return ids.has(decl.id);
}

/** `//go:build ignore` before the package clause: a program run by hand (`go run gen.go`). */
export function builtByHand(file: GoFile): boolean {
  const pkg = file.text.search(/^package\s/m);
  return /^\/\/go:build\s+ignore\s*$/m.test(file.text.slice(0, pkg < 0 ? file.text.length : pkg));
}

/** True when offset `at` is on a comment line (`// …` after the indentation). */
function onCommentLine(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return /^\s*\/\//.test(text.slice(lineStart, at));
}

function processDecls(file: GoFile): Set<number> {
  const funcs = file.topLevelDecls().filter((d) => typeOf(d) === 'function_declaration');
  const nameOf = (d: Node) => d.childForFieldName('name')?.text ?? '';
  if (builtByHand(file)) return new Set(funcs.map((d) => d.id));
  const test = file.path.endsWith('_test.go');
  const entry = funcs.filter((d) => {
    const name = nameOf(d);
    return name === 'main' || name === 'init' || (test && name.startsWith('Example'));
  });
  const ids = new Set(entry.map((d) => d.id));
  // Helpers are followed in programs: package main, or a package with an entry point named main.
  if (file.packageName !== 'main' && !entry.some((d) => nameOf(d) === 'main')) return ids;
  // A function whose every mention is inside process code runs for the process too. Doc comments
  // name their function: a mention on a comment line is no call.
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of funcs) {
      if (ids.has(d.id)) continue;
      const mentions = wordOffsets(file.text, nameOf(d)).filter((at) => (at < d.startIndex || at >= d.endIndex) && !onCommentLine(file.text, at));
      const holders = mentions.map((at) => funcs.find((f) => f.startIndex <= at && at < f.endIndex));
      if (mentions.length > 0 && holders.every((h) => !!h && ids.has(h.id))) {
        ids.add(d.id);
        grew = true;
      }
    }
  }
  return ids;
}
