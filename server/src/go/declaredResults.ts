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
  /** The body calls a standard function that acquires the resource. */
  wraps: boolean;
  /** Names the body calls (for wrappers of wrappers). */
  calls: readonly string[];
}

/** What one file declares: its package clause, whether it is a test file, and its acquirers. */
export interface FileDecls {
  pkg: string;
  test: boolean;
  acquirers: readonly DeclaredAcquirer[];
}

const TYPE_NAMES = [...new Set(DECLARED_RESOURCES.flatMap((r) => RESOURCE_TYPES[r].names))];
const findTypeNames = wordFinder(TYPE_NAMES);
const findAcquiringCalls = wordFinder([...new Set(DECLARED_RESOURCES.flatMap((r) => RESOURCE_TYPES[r].acquiredBy))]);

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
      const body = bodyText(text, sig.bodyStart);
      const calls = [...new Set(Array.from(body.matchAll(/([A-Za-z_]\w*)\s*\(/g), (m) => m[1]))];
      const wraps = [...findAcquiringCalls(body)].some((n) => RESOURCE_TYPES[resource.resource].acquiredBy.includes(n));
      acquirers.push({ ...sig, resource: resource.resource, slot, results: sig.results.length, home: resource.home, wraps, calls });
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
  let bodyStart: number;
  if (text[i] === '(') {
    const end = closing(text, i);
    if (end < 0) return undefined;
    results = resultTypes(splitTopLevel(text.slice(i + 1, end)));
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
  return { name, method, params: params.length, variadic: params.some((p) => p.includes('...')), results, bodyStart };
}

/** Result types from the entries of a result list: `(a, b T, err error)` names its results, `(T, error)` does not. */
function resultTypes(entries: string[]): string[] {
  const named = entries.some((e) => /^[A-Za-z_]\w*\s+[^\s.]/.test(e) && !/^(func|map|chan|struct|interface)\b/.test(e));
  if (!named) return entries;
  const types: string[] = [];
  let pending = 0;
  for (const e of entries) {
    const space = e.search(/\s/);
    if (space < 0) {
      pending++;
      continue;
    }
    const type = e.slice(space).trim();
    for (; pending > 0; pending--) types.push(type);
    types.push(type);
  }
  return types;
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
  if (line.endsWith('}')) return line;
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

/** Entries of a parameter or result list, split at its top-level commas, comments dropped. */
function splitTopLevel(list: string): string[] {
  const clean = list.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(clean.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(clean.slice(from).trim());
  return out.filter((e) => e.length > 0);
}
