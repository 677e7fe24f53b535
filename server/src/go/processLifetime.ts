/**
 * Code that runs for the whole life of the process, where a goroutine, ticker or server that never
 * stops is how the program is meant to work rather than a leak: `func main` and `func init`,
 * entry points named `main` in other packages (a subcommand's `main(cmd, args)`), functions called
 * only from such code and not in a loop there (in package main or beside such an entry point), `Example…` functions of
 * test files (documentation, never run as a service), and files built only by hand
 * (`//go:build ignore` generators). Rules whose scope names process lifetime do not run there
 * (see RuleScope.processLifetime).
 *
 * Read from the file's text, cut at its top-level declarations (declChunks.ts): a lint run parses
 * only the declarations rules check, and the callers that decide this may not be among them.
 */
import type { Node } from 'web-tree-sitter';
import { chunkIndexAt, declChunks } from './declChunks';
import type { GoFile } from './file';
import { wordOffsets } from './words';

/** The start offsets of the chunks of the file's process-lifetime functions. */
const cache = new WeakMap<GoFile, { chunks: readonly { start: number; end: number }[]; process: Set<number> }>();

/** True when `decl` (a top-level declaration of `file`) runs for the whole process. */
export function runsForProcess(file: GoFile, decl: Node): boolean {
  let facts = cache.get(file);
  if (!facts) cache.set(file, (facts = processFunctions(file)));
  // The declaration's chunk is the one it starts in (a chunk may begin with its doc comment).
  const chunk = facts.chunks[chunkIndexAt(facts.chunks, decl.startIndex)];
  return !!chunk && facts.process.has(chunk.start);
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

interface FuncChunk {
  start: number;
  end: number;
  /** The function's name; undefined for methods (never entry points, and called through values). */
  name?: string;
}

function processFunctions(file: GoFile): { chunks: readonly { start: number; end: number }[]; process: Set<number> } {
  const text = file.text;
  const chunks = declChunks(text) ?? [];
  const funcs: FuncChunk[] = chunks
    .filter((c) => c.keyword === 'func')
    .map((c) => ({ start: c.start, end: c.end, name: /^\s*func\s+(\w+)/m.exec(text.slice(c.start, c.end))?.[1] }));
  if (builtByHand(file)) return { chunks, process: new Set(funcs.map((f) => f.start)) };
  const test = file.path.endsWith('_test.go');
  const process = new Set<number>();
  for (const f of funcs) {
    if (f.name === 'main' || f.name === 'init' || (test && f.name?.startsWith('Example'))) process.add(f.start);
  }
  // A function only ever called (not passed around as a value) from process code runs for the
  // process too: in package main, or beside an entry point named main in another package (a
  // subcommand's `main(cmd, args)`). Doc comments name their function: a mention there is no call.
  if (file.packageName !== 'main' && !funcs.some((f) => f.name === 'main')) return { chunks, process };
  for (let grew = true; grew; ) {
    grew = false;
    for (const f of funcs) {
      if (!f.name || process.has(f.start)) continue;
      const name = f.name;
      const mentions = wordOffsets(text, name).filter((at) => (at < f.start || at >= f.end) && !onCommentLine(text, at));
      const calls = mentions.filter((at) => /^\s*\(/.test(text.slice(at + name.length, at + name.length + 8)));
      const holders = calls.map((at) => funcs.find((g) => g.start <= at && at < g.end));
      // A helper called in a loop runs again and again: what it leaks piles up (a poll every tick).
      const once = calls.every((at, i) => !inLoopAt(text, holders[i]?.start ?? at, at));
      if (calls.length > 0 && calls.length === mentions.length && once && holders.every((h) => !!h && process.has(h.start))) {
        process.add(f.start);
        grew = true;
      }
    }
  }
  return { chunks, process };
}

/**
 * Whether offset `at` lies inside the body of a `for` statement that starts after `from` (the
 * caller's declaration). A scan of braces that skips comments and literals; a brace opens a loop
 * body when its statement begins with `for`.
 */
function inLoopAt(text: string, from: number, at: number): boolean {
  // Per open brace: whether it is in a loop body, and where the statement holding it began (a
  // composite literal in a for clause, `range []T{…} {`, closes back into that statement).
  const open: { loop: boolean; statement: number }[] = [];
  let statement = from;
  for (let i = from; i < at; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') i = endOf(text.indexOf('\n', i), at) - 1;
    else if (c === '/' && text[i + 1] === '*') i = endOf(text.indexOf('*/', i + 2), at) + 1;
    else if (c === '`') i = endOf(text.indexOf('`', i + 1), at);
    else if (c === '"' || c === "'") {
      for (i++; i < at && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') {
      open.push({ loop: open[open.length - 1]?.loop === true || /^for\b/.test(text.slice(statement, i).trimStart()), statement });
      statement = i + 1;
    } else if (c === '}') {
      statement = open.pop()?.statement ?? i + 1;
    } else if (c === ';' || c === '\n') statement = i + 1;
  }
  return open[open.length - 1]?.loop === true;
}

/** An index found by indexOf, or `limit` when there is none. */
function endOf(found: number, limit: number): number {
  return found < 0 ? limit : found;
}
