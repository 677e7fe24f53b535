/**
 * The functions and methods of one Go file whose declared results include a resource (an
 * *http.Response, *sql.Rows, a span, a context.CancelFunc), read from the file's text: a function
 * signature is regular enough to read without a parser, and only the few signatures that name one
 * of those types are read at all. Type names are resolved through the file's imports; inside the
 * package that defines the type (package http, sql, context, trace) the bare name counts too.
 */
import { defaultImportName } from './file';
import { DECLARED_RESOURCES, RESOURCE_TYPES, type DeclaredResource } from './resourceTypes';
import { wordFinder, wordOffsets } from './words';

/** A function or method that returns a resource. */
export interface DeclaredAcquirer {
  name: string;
  method: boolean;
  resource: DeclaredResource;
  /** Which result holds the resource. */
  slot: number;
  results: number;
  params: number;
  variadic: boolean;
  /** The result type is named without a package: this package defines the resource's type (its home). */
  home: boolean;
  /**
   * The calls whose result reaches the resource's result in a `return`, with the position of that
   * result among the call's: `return c.hc.Do(req)` gives Do at 0; `ctx, cancel :=
   * context.WithTimeout(…)` then `return ctx, cancel` gives WithTimeout at 1.
   */
  sources: readonly Source[];
}

export interface Source {
  name: string;
  /** Which of the call's results it is. */
  index: number;
  /** How many results the call has, as its use shows. */
  count: number;
}

/** What one file declares: its package clause, whether it is a test file, and its acquirers. */
export interface FileDecls {
  pkg: string;
  test: boolean;
  acquirers: readonly DeclaredAcquirer[];
  /**
   * For the other files of a package: every name used after a dot (fields and methods it touches;
   * see fieldChannels.ts), read when first asked (most packages declare no channel field); undefined
   * when it cannot be read.
   */
  selectors?: () => ReadonlySet<string> | undefined;
}

const TYPE_NAMES = [...new Set(DECLARED_RESOURCES.flatMap((r) => RESOURCE_TYPES[r].names))];
const findTypeNames = wordFinder(TYPE_NAMES);

/** The acquirers `text` (the file at `path`) declares. */
export function declaredAcquirers(path: string, text: string): FileDecls {
  const pkg = /^package\s+(\w+)/m.exec(text)?.[1] ?? '';
  const test = path.endsWith('_test.go');
  const names = findTypeNames(text);
  if (names.size === 0) return { pkg, test, acquirers: [] };
  let imports: Map<string, string> | undefined;
  const acquirers: DeclaredAcquirer[] = [];
  for (const at of signatureStarts(text, names)) {
    const sig = readSignature(text, at);
    if (!sig) continue;
    sig.results.forEach((type, slot) => {
      const resource = resourceOf(type, pkg, (imports ??= importsOf(text)));
      if (!resource) return;
      const sources = returnedFrom(bodyText(text, sig.bodyStart), slot, sig.results.length, sig.resultNames[slot], RESOURCE_TYPES[resource.resource].releasePath);
      const { resultNames: _, bodyStart: __, ...decl } = sig;
      acquirers.push({ ...decl, resource: resource.resource, slot, results: sig.results.length, home: resource.home, sources });
    });
  }
  return { pkg, test, acquirers };
}

/**
 * Offsets of the `func` keywords whose signatures may name one of the type names: the line of each
 * mention, when it starts with `func`, or the declaration a `) (… Span) {` line closes.
 */
function signatureStarts(text: string, names: Set<string>): number[] {
  const starts = new Set<number>();
  for (const name of names) {
    for (const at of wordOffsets(text, name)) {
      const line = text.lastIndexOf('\n', at) + 1;
      if (text.startsWith('func', line)) starts.add(line);
      else if (text[line] === ')') {
        const func = text.lastIndexOf('\nfunc', line);
        if (func >= 0) starts.add(func + 1);
      }
    }
  }
  return [...starts].sort((a, b) => a - b);
}

interface Signature {
  name: string;
  method: boolean;
  params: number;
  variadic: boolean;
  /** Result types as written, one per result. */
  results: string[];
  /** Their names, when the results are named. */
  resultNames: (string | undefined)[];
  /** Offset of the body's `{`, or -1 without a body. */
  bodyStart: number;
}

/** Reads `func (recv) Name[T any](params) results {` at `at`. */
function readSignature(text: string, at: number): Signature | undefined {
  let i = skipBlanks(text, at + 4);
  let method = false;
  if (text[i] === '(') {
    method = true;
    const receiverEnd = closing(text, i);
    if (receiverEnd < 0) return undefined;
    i = skipBlanks(text, receiverEnd + 1);
  }
  const name = /^[A-Za-z_]\w*/.exec(text.slice(i, i + 200))?.[0];
  if (!name) return undefined;
  i = skipBlanks(text, i + name.length);
  if (text[i] === '[') {
    const typeParamsEnd = closing(text, i);
    if (typeParamsEnd < 0) return undefined;
    i = skipBlanks(text, typeParamsEnd + 1);
  }
  if (text[i] !== '(') return undefined;
  const paramsEnd = closing(text, i);
  if (paramsEnd < 0) return undefined;
  const params = splitTopLevel(text.slice(i + 1, paramsEnd));
  i = skipBlanks(text, paramsEnd + 1);
  let results: string[];
  let resultNames: (string | undefined)[] = [];
  let bodyStart: number;
  if (text[i] === '(') {
    const end = closing(text, i);
    if (end < 0) return undefined;
    ({ types: results, names: resultNames } = resultList(splitTopLevel(text.slice(i + 1, end))));
    i = skipBlanks(text, end + 1);
    bodyStart = text[i] === '{' ? i : -1;
  } else {
    // A single result type runs to the body's `{` on its line (types with braces of their own,
    // `struct{…}`, are none of the resources).
    const eol = text.indexOf('\n', i);
    const line = text.slice(i, eol < 0 ? text.length : eol);
    const brace = line.indexOf('{');
    const type = (brace < 0 ? line : line.slice(0, brace)).trim();
    results = type ? [type] : [];
    bodyStart = brace < 0 ? -1 : i + brace;
  }
  return { name, method, params: params.length, variadic: params.some((p) => p.includes('...')), results, resultNames, bodyStart };
}

/** Result types (and names) from the entries of a result list: `(a, b T, err error)` names its results, `(T, error)` does not. */
function resultList(entries: string[]): { types: string[]; names: (string | undefined)[] } {
  const named = entries.some((e) => /^[A-Za-z_]\w*\s+[^\s.]/.test(e) && !/^(func|map|chan|struct|interface)\b/.test(e));
  if (!named) return { types: entries, names: entries.map(() => undefined) };
  const types: string[] = [];
  const names: string[] = [];
  let pending = 0;
  for (const e of entries) {
    const space = e.search(/\s/);
    if (space < 0) {
      names.push(e);
      pending++;
      continue;
    }
    names.push(e.slice(0, space));
    const type = e.slice(space).trim();
    for (; pending > 0; pending--) types.push(type);
    types.push(type);
  }
  return { types, names };
}

/** The callee of a call expression's text (`c.hc.Do(req)` -> Do), when the text is one call. */
function calleeOf(expr: string): string | undefined {
  const m = /^(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)\s*\(/.exec(expr.trim());
  return m && closing(expr.trim(), m[0].length - 1) === expr.trim().length - 1 ? m[1] : undefined;
}

/**
 * The calls whose result a body returns as result `slot` of `results`: returned directly
 * (`return c.Do(req)`), or through the variable a return names in that place (or the named result
 * a bare `return` returns), assigned from a call (`resp, err := c.Do(req)`) and not released on
 * the way (`defer resp.Body.Close()`: the caller gets a spent response). Read line by line, as
 * gofmt lays statements out.
 */
function returnedFrom(body: string, slot: number, results: number, resultName: string | undefined, releasePath: readonly string[]): Source[] {
  const variables = new Set<string>();
  const out: Source[] = [];
  for (const m of body.matchAll(/\breturn\b([^\n]*)/g)) {
    const exprs = splitTopLevel(m[1]);
    if (exprs.length === 0 && resultName) variables.add(resultName);
    else if (exprs.length === 1 && calleeOf(exprs[0])) out.push({ name: calleeOf(exprs[0])!, index: slot, count: results });
    else if (exprs.length === results && /^[A-Za-z_]\w*$/.test(exprs[slot])) variables.add(exprs[slot]);
  }
  for (const v of variables) if (new RegExp(`\\b${[v, ...releasePath].join('\\s*\\.\\s*')}\\s*\\(`).test(body)) variables.delete(v);
  if (variables.size === 0) return out;
  for (const m of body.matchAll(/^[ \t]*([A-Za-z_][\w \t,]*?)[ \t]*:?=[ \t]*([^\n]+)$/gm)) {
    const targets = m[1].split(',').map((t) => t.trim());
    const callee = calleeOf(m[2]);
    const index = targets.findIndex((t) => variables.has(t));
    if (callee && index >= 0) out.push({ name: callee, index, count: targets.length });
  }
  return out;
}

/** The resource a result type holds, when it holds one. */
function resourceOf(type: string, pkg: string, imports: Map<string, string>): { resource: DeclaredResource; home: boolean } | undefined {
  const pointer = type.startsWith('*');
  const bare = pointer ? type.slice(1).trim() : type;
  const dot = bare.indexOf('.');
  const qualifier = dot < 0 ? undefined : bare.slice(0, dot);
  const name = dot < 0 ? bare : bare.slice(dot + 1);
  for (const resource of DECLARED_RESOURCES) {
    const t = RESOURCE_TYPES[resource];
    if (t.pointer !== pointer || !t.names.includes(name)) continue;
    if (qualifier === undefined ? pkg === defaultImportName(t.pkg) : imports.get(qualifier) === t.pkg) return { resource, home: qualifier === undefined };
  }
  return undefined;
}

/** Local package names to import paths, from the file's import declarations. */
function importsOf(text: string): Map<string, string> {
  const firstDecl = text.search(/^(func|type|var|const)\b/m);
  const header = firstDecl < 0 ? text : text.slice(0, firstDecl);
  const out = new Map<string, string>();
  const add = (alias: string | undefined, path: string) => {
    if (alias !== '_' && alias !== '.') out.set(alias ?? defaultImportName(path), path);
  };
  for (const m of header.matchAll(/^import\s+(?:([\w.]+)\s+)?"([^"]+)"/gm)) add(m[1], m[2]);
  for (const block of header.matchAll(/^import\s*\(([^)]*)\)/gm)) {
    for (const m of block[1].matchAll(/^\s*(?:([\w.]+)\s+)?"([^"]+)"/gm)) add(m[1], m[2]);
  }
  return out;
}

/** The body from its `{`: to the end of the line for a one-line body, else to the `}` that starts a line. */
function bodyText(text: string, start: number): string {
  if (start < 0) return '';
  const eol = text.indexOf('\n', start);
  const line = text.slice(start, eol < 0 ? text.length : eol).trimEnd();
  if (line.endsWith('}')) return line.slice(1, -1);
  const end = text.indexOf('\n}', start);
  return text.slice(start, end < 0 ? text.length : end + 2);
}

function skipBlanks(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

/** The offset of the bracket closing the one at `open`, skipping strings, runes and comments; -1 when the text ends first. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) return i;
    } else if (c === '"' || c === "'" || c === '`') {
      const end = c === '`' ? text.indexOf('`', i + 1) : quoteEnd(text, i, c);
      if (end < 0) return -1;
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      if (end < 0) return -1;
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 1;
    }
  }
  return -1;
}

function quoteEnd(text: string, at: number, quote: string): number {
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
    else if (text[i] === '\n') return -1;
  }
  return -1;
}

/** Entries of a list (parameters, results, returned expressions), split at its top-level commas, comments dropped. */
function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let entry = '';
  let depth = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '"' || c === "'" || c === '`') {
      const end = c === '`' ? list.indexOf('`', i + 1) : quoteEnd(list, i, c);
      const to = end < 0 ? list.length - 1 : end;
      entry += list.slice(i, to + 1);
      i = to;
    } else if (c === '/' && (list[i + 1] === '/' || list[i + 1] === '*')) {
      const end = list[i + 1] === '/' ? list.indexOf('\n', i) : list.indexOf('*/', i + 2) + 1;
      entry += ' ';
      i = end <= 0 ? list.length : end;
    } else if (c === ',' && depth === 0) {
      out.push(entry.trim());
      entry = '';
    } else {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      entry += c;
    }
  }
  out.push(entry.trim());
  return out.filter((e) => e.length > 0);
}
