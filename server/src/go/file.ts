/** One parsed Go file and the facts rules ask about it: imports, package, Go semantics, comments. */
import type { Node, Tree } from 'web-tree-sitter';
import type { FileDecls } from './declaredResults';
import { mayHoldDirective, type LineComment } from '../engine/suppress';
import { LineIndex, mapRange, rowsToLines } from '../engine/text';
import type { Finding, Position } from '../engine/types';
import { goQuery } from './parser';
import { callParts, namedChildren, typeOf, unparen } from './syntax';

export interface GoSemantics {
  /** The Go version the file is compiled with, when known (go.mod, setting or .leaklens.yaml). */
  goVersion?: string;
  /**
   * Go >= 1.23 without `asynctimerchan=1`: unreferenced timers and tickers are garbage-collected
   * even when never stopped, so the timer rules only hint.
   */
  timersCollected: boolean;
  /**
   * What the package's other files (the same directory) declare that rules read: functions and
   * methods returning a resource (see packageIndex.ts). Absent: only the file's own declarations.
   */
  packageDecls?: readonly FileDecls[];
}

export interface ImportInfo {
  path: string;
  /** Local name: explicit alias, `.` for dot imports, `_` for blank ones, else the package's default name. */
  name: string;
}

const defaultNames = new Map<string, string>();

/** The name a package is referred to by when imported without an alias (memoized: every file imports the same few). */
export function defaultImportName(importPath: string): string {
  let name = defaultNames.get(importPath);
  if (name === undefined) defaultNames.set(importPath, (name = nameFromPath(importPath)));
  return name;
}

function nameFromPath(importPath: string): string {
  const parts = importPath.split('/');
  let last = parts[parts.length - 1];
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
  last = last.replace(/\.v\d+$/, '');
  return last.replace(/^go-/, '').replace(/[-.]/g, '_');
}

const DECLARATIONS = new Set(['function_declaration', 'method_declaration', 'type_declaration', 'const_declaration', 'var_declaration']);

export class GoFile {
  private lineIndex?: LineIndex;
  private rowMap?: ((p: Position) => Position) | null;
  private importList?: ImportInfo[];
  private byName?: Map<string, string>;
  private pkgName?: string | null;
  private headerNodes?: Node[];
  private readonly qualified = new Map<number, { pkg: string; name: string } | null>();

  constructor(
    readonly path: string,
    readonly text: string,
    readonly tree: Tree,
    readonly semantics: GoSemantics,
  ) {}

  get root(): Node {
    return this.tree.rootNode;
  }

  /** The text's lines as tree-sitter (and Go) count them: rows, ended by `\n` only. Rules work in rows. */
  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text, 'lf'));
  }

  /**
   * Rows to the editor's lines, which a lone `\r` also ends (LSP); undefined when they agree. Findings
   * leave the analyzer in the editor's lines (see inEditorLines), so the CLI, the server and fixes
   * share one line model.
   */
  private get rowsToLines(): ((p: Position) => Position) | undefined {
    if (this.rowMap === undefined) this.rowMap = rowsToLines(this.text) ?? null;
    return this.rowMap ?? undefined;
  }

  /** A finding computed in rows, with every position of this file (range, fix edits, related) in editor lines. */
  inEditorLines(f: Finding): Finding {
    const map = this.rowsToLines;
    if (!map) return f;
    return {
      ...f,
      range: mapRange(f.range, map),
      fixes: f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, range: mapRange(e.range, map) })) })),
      related: f.related?.map((r) => (r.file ? r : { ...r, range: mapRange(r.range, map) })),
    };
  }

  /** The editor line of a node's first character. */
  lineOf(node: Node): number {
    const row = node.startPosition.row;
    return this.rowsToLines?.({ line: row, character: node.startPosition.column }).line ?? row;
  }

  get packageName(): string | undefined {
    // Memoized: rules ask once per declaration.
    if (this.pkgName === undefined) {
      const clause = this.header().find((n) => typeOf(n) === 'package_clause');
      this.pkgName = clause?.namedChild(0)?.text ?? null;
    }
    return this.pkgName ?? undefined;
  }

  /**
   * The top-level nodes before the first declaration: the package clause and imports (Go allows
   * no import after a declaration), with comments and half-typed code. Reading every top-level node
   * of a large file costs milliseconds the language server does not have on each keystroke.
   */
  header(): Node[] {
    if (this.headerNodes) return this.headerNodes;
    const out: Node[] = [];
    for (let n = this.root.firstNamedChild; n && !DECLARATIONS.has(typeOf(n)); n = n.nextNamedSibling) out.push(n);
    return (this.headerNodes = out);
  }

  get imports(): ImportInfo[] {
    if (this.importList) return this.importList;
    const out: ImportInfo[] = [];
    for (const decl of this.header()) {
      if (typeOf(decl) !== 'import_declaration') continue;
      // `import "x"` holds its spec; `import ( … )` a list of them.
      const specs = namedChildren(decl).flatMap((c) => (typeOf(c) === 'import_spec_list' ? namedChildren(c) : [c]));
      for (const spec of specs) {
        // An import spec is an optional name and the path, in that order.
        const parts = typeOf(spec) === 'import_spec' ? namedChildren(spec) : [];
        const pathNode = parts[parts.length - 1];
        if (!pathNode || !typeOf(pathNode).endsWith('string_literal')) continue;
        const importPath = pathNode.text.slice(1, -1);
        const alias = parts.length > 1 ? parts[0] : undefined;
        out.push({ path: importPath, name: alias ? alias.text : defaultImportName(importPath) });
      }
    }
    return (this.importList = out);
  }

  /** The import path a package name refers to in this file (`c` -> "context" after `import c "context"`). */
  importPathOf(localName: string): string | undefined {
    if (!this.byName) {
      this.byName = new Map();
      for (const imp of this.imports) if (imp.name !== '.' && imp.name !== '_') this.byName.set(imp.name, imp.path);
    }
    return this.byName.get(localName);
  }

  hasDotImport(importPath: string): boolean {
    return this.imports.some((i) => i.path === importPath && i.name === '.');
  }

  /** The local name to write for a package in a fix, or undefined when it is not imported by name. */
  localNameOf(importPath: string): string | undefined {
    return this.imports.find((i) => i.path === importPath && i.name !== '_' && i.name !== '.')?.name;
  }

  /**
   * `pkg.Name` resolved through imports: for `c.WithCancel` with `import c "context"` returns
   * `{ pkg: "context", name: "WithCancel" }`; for dot imports a bare `WithCancel` resolves only when
   * `dotPkg` says which dot-imported package to try.
   */
  qualifiedName(expr: Node): { pkg: string; name: string } | undefined {
    // Memoized: several rules resolve the same callee.
    let known = this.qualified.get(expr.id);
    if (known === undefined) this.qualified.set(expr.id, (known = this.resolveQualified(expr) ?? null));
    return known ?? undefined;
  }

  private resolveQualified(expr: Node): { pkg: string; name: string } | undefined {
    expr = unparen(expr);
    const type = typeOf(expr);
    if (type === 'selector_expression' || type === 'qualified_type') {
      // Package (or operand) first, then the name.
      const [operand, field] = namedChildren(expr);
      const operandType = operand && typeOf(operand);
      if (!operand || !field || (operandType !== 'identifier' && operandType !== 'package_identifier')) return undefined;
      const pkg = this.importPathOf(operand.text);
      return pkg ? { pkg, name: field.text } : undefined;
    }
    return undefined;
  }

  /** True when `expr` names `pkg.name` (any of `names`), through an alias or a dot import. */
  refersTo(expr: Node, pkg: string, names: readonly string[]): boolean {
    expr = unparen(expr);
    const q = this.qualifiedName(expr);
    if (q) return q.pkg === pkg && names.includes(q.name);
    const type = typeOf(expr);
    if ((type === 'identifier' || type === 'type_identifier') && this.hasDotImport(pkg)) {
      return names.includes(expr.text);
    }
    return false;
  }

  /** True when `call` is a call of the package-level function `pkg.name` (any of `names`). */
  isPkgCall(call: Node, pkg: string, names: readonly string[]): boolean {
    const parts = callParts(call);
    // The name check is free (memoized); import resolution only runs for candidates.
    return !!parts && names.includes(parts.name) && this.refersTo(parts.fn, pkg, names);
  }

  /** True when `type` (a type node) is `pkg.name`, e.g. context.Context. */
  isPkgType(type: Node, pkg: string, name: string): boolean {
    return this.refersTo(type, pkg, [name]);
  }

  /** Every comment in the file (or inside `within`) with its line, for suppressions. */
  comments(within: Node = this.root): LineComment[] {
    return this.commentsIn(within);
  }

  /**
   * The comments that could suppress a finding on one of `lines`: those on the line itself or
   * the line above. Much cheaper than reading every comment of a file with few findings.
   */
  commentsNear(lines: Iterable<number>): LineComment[] {
    const out: LineComment[] = [];
    if (!mayHoldDirective(this.text)) return out;
    // Editor lines are not rows here: read them all (rare: only texts with a lone `\r`).
    if (this.rowsToLines) return this.comments();
    const rows = [...new Set(lines)].sort((a, b) => a - b);
    for (let i = 0; i < rows.length; i++) {
      const first = rows[i];
      // Rows close together share one query: their ranges [row - 1, row] touch.
      while (i + 1 < rows.length && rows[i + 1] <= rows[i] + 2) i++;
      out.push(...this.commentsIn(this.root, Math.max(0, first - 1), rows[i]));
    }
    return out;
  }

  private commentsIn(within: Node, fromRow?: number, toRow?: number): LineComment[] {
    const out: LineComment[] = [];
    const range =
      fromRow === undefined ? undefined : { startPosition: { row: fromRow, column: 0 }, endPosition: { row: toRow! + 1, column: 0 } };
    for (const { node: c } of goQuery('(comment) @comment').captures(within, range)) {
      const text = c.text.startsWith('//') ? c.text.slice(2) : c.text.slice(2, -2);
      const line = this.lineOf(c);
      // What precedes the comment on its (editor) line, without building a LineIndex of the whole file.
      let lineBreak = this.text.lastIndexOf('\n', c.startIndex - 1);
      if (this.rowsToLines) lineBreak = Math.max(lineBreak, this.text.lastIndexOf('\r', c.startIndex - 1));
      const before = this.text.slice(lineBreak + 1, c.startIndex);
      out.push({ line, text: text.trim(), trailing: before.trim().length > 0 });
    }
    return out;
  }


  /** The top-level declarations: the units rules run on, and re-run on when an edit lands in them. */
  topLevelDecls(): Node[] {
    // The package clause and imports all sit in the header (Go allows none later), whose types are
    // known: the nodes after it need no question to the tree each.
    const inHeader = this.header().filter((n) => typeOf(n) !== 'comment').length;
    const nodes = namedChildren(this.root);
    const decls = nodes.slice(0, inHeader).filter((n) => typeOf(n) !== 'package_clause' && typeOf(n) !== 'import_declaration');
    return decls.concat(nodes.slice(inHeader));
  }
}
