/**
 * Loads web-tree-sitter and the Go grammar once per process. Both .wasm files sit beside the bundle
 * in dist/; when running from sources (tests) they are found in node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, Query, type Range, type Tree } from 'web-tree-sitter';

const WASM_FILES = {
  runtime: { file: 'web-tree-sitter.wasm', pkg: 'web-tree-sitter' },
  go: { file: 'tree-sitter-go.wasm', pkg: 'tree-sitter-go' },
} as const;

function locateWasm(which: keyof typeof WASM_FILES): string {
  const { file, pkg } = WASM_FILES[which];
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, file), path.join(dir, 'node_modules', pkg, file)]) {
      if (fs.existsSync(candidate)) return candidate;
    }
    if (path.dirname(dir) === dir) throw new Error(`LeakLens: cannot find ${file} beside ${__dirname}`);
  }
}

let loading: Promise<Language> | undefined;
let language: Language | undefined;

/** Initializes the WASM runtime and the Go grammar; safe to call many times. */
export function loadGo(): Promise<Language> {
  loading ??= (async () => {
    await Parser.init({ locateFile: () => locateWasm('runtime') });
    language = await Language.load(fs.readFileSync(locateWasm('go')));
    return language;
  })();
  return loading;
}

export function goLanguage(): Language {
  if (!language) throw new Error('LeakLens: loadGo() must finish before parsing');
  return language;
}

/** A parser bound to the Go grammar. The caller owns it and must delete() it. */
function newGoParser(): Parser {
  const parser = new Parser();
  parser.setLanguage(goLanguage());
  return parser;
}

let shared: Parser | undefined;
const sources = new WeakMap<Tree, string>();
let progress: (() => void) | undefined;

/** Called now and then while a parse runs: the language server's watchdog counts it as progress. */
export function onParseProgress(callback: () => void): void {
  progress = callback;
}

/**
 * Parses a file with a process-wide parser: all of it, or only `includedRanges` (the rest is left
 * out of the tree; offsets and positions stay those of the whole text). The caller owns the tree
 * and must delete() it.
 */
export function parseGo(text: string, oldTree?: Tree, includedRanges?: Range[]): Tree {
  shared ??= newGoParser();
  const tree = shared.parse(text, oldTree, { ...(includedRanges && { includedRanges }), ...(progress && { progressCallback: progress }) });
  if (!tree) throw new Error('LeakLens: tree-sitter returned no tree');
  sources.set(tree, text);
  return tree;
}

/** The text `tree` was parsed from; node offsets index it. */
export function sourceOf(tree: Tree): string {
  const text = sources.get(tree);
  if (text === undefined) throw new Error('LeakLens: tree not parsed by parseGo');
  return text;
}

const queries = new Map<string, Query>();

/** Compiles a query once and keeps it for the life of the process (queries are immutable). */
export function goQuery(source: string): Query {
  let q = queries.get(source);
  if (!q) queries.set(source, (q = new Query(goLanguage(), source)));
  return q;
}
