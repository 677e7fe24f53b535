/**
 * An open Go document analyzed incrementally. It keeps one tree-sitter tree, edited with
 * `tree.edit` and reparsed incrementally, and a list of the file's top-level nodes ("units":
 * declarations, comments, the package clause and imports) with their raw findings and comments.
 * An edit moves the units after it; after the reparse only the units in the region the edit and
 * tree-sitter's changed ranges touched are read from the tree again and checked. Rules marked
 * `fileScoped` depend on the rest of the file, so they are re-run on every declaration after each
 * edit — right away while that fits a small time budget, else in the background.
 *
 * Reading a node's span or type costs a call into WASM, so the top-level nodes of the whole file
 * are only read when everything must be checked again (first analysis, imports changed) or by
 * the background pass.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { rulesOn, type LeakLensConfig } from '../../engine/config';
import type { LineComment } from '../../engine/suppress';
import type { Finding } from '../../engine/types';
import { checkDecl, finalizeFindings, goFileTraits, type RuleErrorHandler } from '../../go/analyzer';
import { GoFile, type GoSemantics } from '../../go/file';
import { packageIndexOf } from '../../go/packageIndex';
import { parseGo } from '../../go/parser';
import type { GoRule } from '../../go/rule';
import { DirtySpans, mapFinding, toTreeEdit, type ContentEdit } from './contentEdit';
import type { EngineFinding } from './messages';
import { SuppressionEdits, type SourceLines } from './suppressEdits';
import type { TreeBudget, TreeOwner } from './treeBudget';

export interface GoAnalysisEnv {
  config: LeakLensConfig;
  semantics: GoSemantics;
  /** Enabled rules, already guarded. */
  rules: readonly GoRule[];
  /** Ids of the rules marked fileScoped. */
  fileScoped: ReadonlySet<string>;
  onError: RuleErrorHandler;
  /** Lets other messages in; resolves false when this work should stop for now. */
  pause(): Promise<boolean>;
}

/** Work between two pauses; keeps the worker responsive to edits while a big file is analyzed. */
const SLICE_MS = 8;

/** Top-level nodes no rule checks (GoFile.topLevelDecls leaves them out too). */
const UNCHECKED_TYPES = new Set(['package_clause', 'import_declaration', 'comment']);

/** One top-level node of the file. */
interface Unit {
  /** Offsets in the current text. */
  start: number;
  end: number;
  type: string;
  comments: LineComment[];
  /** Raw findings of rules that look only at this node; undefined until checked. */
  local?: Finding[];
  /** Raw findings of file-scoped rules, current when `wideFresh`. */
  wide: Finding[];
  wideFresh: boolean;
  /** The first line any cached position of the unit is on (fixes may edit imports far above). */
  minLine: number;
}

/** The parsed text and its units' nodes, valid until the next edit. */
interface View {
  generation: number;
  file: GoFile;
  /** Nodes read while lining units up with the tree; others come from `all`. */
  read: Map<Unit, Node>;
  all?: Node[];
}

export class GoDocument implements TreeOwner {
  private tree: Tree | undefined;
  private treeCurrent = false;
  private readonly dirty = new DirtySpans();
  private units: Unit[] = [];
  /** False until units are read from a tree, and whenever they may no longer match it. */
  private unitsKnown = false;
  private headerText = '';
  /** The file's own functions that return a resource, as last analyzed (rules treat calls of them as acquisitions). */
  private ownDecls = '';
  /** Rules and semantics the cached findings were computed with. */
  private cacheKey = '';
  private current?: View;
  /** Bumped by every edit and release; tasks compare it to know their nodes are stale. */
  generation = 0;
  /** File-scoped findings changed since findings() last ran. */
  unpublished = false;

  constructor(
    readonly uri: string,
    readonly path: string,
    readonly doc: TextDocument,
    private readonly trees: TreeBudget,
  ) {}

  get textLength(): number {
    return this.doc.getText().length;
  }

  applyEdits(edits: readonly ContentEdit[]): void {
    this.generation++;
    for (const e of edits) {
      this.tree?.edit(toTreeEdit(e));
      this.treeCurrent = false;
      this.dirty.add(e);
      this.units = this.units.filter((u) => moveUnit(u, e));
    }
    for (const u of this.units) u.wideFresh = false;
  }

  /** Frees the tree (document closed, or the tree budget needs room); the next analysis parses from scratch. */
  releaseTree(): void {
    if (!this.tree) return;
    this.tree.delete();
    this.tree = undefined;
    this.trees.release(this);
    this.generation++;
  }

  /** Forgets cached findings (configuration or go.mod changed); running tasks stop at their next pause. */
  invalidate(): void {
    this.forgetFindings();
    this.generation++;
  }

  private forgetFindings(): void {
    for (const u of this.units) {
      u.local = undefined;
      u.wideFresh = false;
    }
  }

  dispose(): void {
    this.releaseTree();
    this.units = [];
  }

  /**
   * Checks every unit the edits touched. Returns false when interrupted; what was checked stays
   * checked.
   */
  async checkChanged(env: GoAnalysisEnv): Promise<boolean> {
    const view = this.view(env);
    let slice = performance.now();
    for (let i = 0; i < this.units.length; i++) {
      const unit = this.units[i];
      if (unit.local) continue;
      const node = this.nodeOf(view, i);
      unit.comments = view.file.comments(node);
      const raw = UNCHECKED_TYPES.has(unit.type) ? [] : checkDecl(view.file, node, env.rules, env.onError);
      unit.local = raw.filter((f) => !env.fileScoped.has(f.rule));
      unit.wide = raw.filter((f) => env.fileScoped.has(f.rule));
      unit.wideFresh = true;
      unit.minLine = minLineOf(unit, node.startPosition.row);
      if (performance.now() - slice > SLICE_MS) {
        if (!(await env.pause())) return false;
        slice = performance.now();
      }
    }
    return true;
  }

  /**
   * Re-runs file-scoped rules on units not checked since the last edit. With `until`, it stops
   * (returning 'partial') once that time passes instead of pausing. Call after checkChanged.
   */
  async checkFileScoped(env: GoAnalysisEnv, until?: number): Promise<'done' | 'partial' | 'interrupted'> {
    const wideRules = env.rules.filter((r) => env.fileScoped.has(r.id));
    const view = this.view(env);
    let slice = performance.now();
    for (let i = 0; i < this.units.length; i++) {
      const unit = this.units[i];
      if (unit.wideFresh) continue;
      if (wideRules.length && !UNCHECKED_TYPES.has(unit.type)) {
        const node = this.nodeOf(view, i);
        const wide = checkDecl(view.file, node, wideRules, env.onError);
        if (!sameFindings(wide, unit.wide)) this.unpublished = true;
        unit.wide = wide;
        unit.minLine = minLineOf(unit, node.startPosition.row);
      }
      unit.wideFresh = true;
      const now = performance.now();
      if (until !== undefined && now > until) return 'partial';
      if (until === undefined && now - slice > SLICE_MS) {
        if (!(await env.pause())) return 'interrupted';
        slice = performance.now();
      }
    }
    return 'done';
  }

  /** Findings to publish: configuration and suppressions applied, each with its suppression edit. */
  findings(env: GoAnalysisEnv): EngineFinding[] {
    const { file } = this.view(env);
    this.unpublished = false;
    const raw: Finding[] = [];
    const comments: LineComment[] = [];
    for (const u of this.units) {
      if (u.local) raw.push(...u.local);
      raw.push(...u.wide);
      comments.push(...u.comments);
    }
    // The rules were picked by the file's name; its imports may show test code ("testing"), which
    // leaves out the rules that do not check tests, as a fresh analysis does.
    const on = new Set(rulesOn(env.config, env.rules, goFileTraits(file.path, file.imports)).map((r) => r.id));
    const suppress = new SuppressionEdits(documentLines(this.doc), comments, '//');
    return finalizeFindings(file, raw.filter((f) => on.has(f.rule)), env.config, comments).map((f) => ({ ...f, suppress: suppress.editFor(f) }));
  }

  /** The current text parsed, with the units lined up with the tree's top-level nodes. */
  private view(env: GoAnalysisEnv): View {
    const key = JSON.stringify([env.semantics, env.rules.map((r) => r.id)]);
    if (key !== this.cacheKey) {
      this.cacheKey = key;
      this.forgetFindings();
    }
    if (this.current?.generation === this.generation && this.tree && this.treeCurrent) return this.current;
    const tree = this.parse();
    const view: View = { generation: this.generation, file: new GoFile(this.path, this.doc.getText(), tree, env.semantics), read: new Map() };
    if (!this.unitsKnown || !this.relineRegion(view)) this.relineAll(view);
    this.dirty.clear();
    this.unitsKnown = true;
    // New imports change what every declaration refers to (GoFile.header() is where rules read them).
    const headerText = view.file.header().filter((n) => n.type !== 'comment').map((n) => n.text).join('\n');
    // So do the file's own functions that return a resource: calls of them anywhere in the file acquire it.
    const ownDecls = packageIndexOf(view.file).ownKey;
    if (headerText !== this.headerText || ownDecls !== this.ownDecls) {
      this.headerText = headerText;
      this.ownDecls = ownDecls;
      this.forgetFindings();
    }
    return (this.current = view);
  }

  /** Reads every top-level node, keeping the cached units whose span matches and no edit touched. */
  private relineAll(view: View): void {
    const nodes = namedChildrenOf(view.file.root);
    const cached = new Map(this.units.map((u) => [`${u.start}:${u.end}:${u.type}`, u]));
    this.units = nodes.map((n) => {
      const reuse = cached.get(`${n.startIndex}:${n.endIndex}:${n.type}`);
      return reuse && !this.dirty.touches(n.startIndex, n.endIndex) ? reuse : newUnit(n);
    });
    view.all = nodes;
  }

  /**
   * Reads only the top-level nodes in the region the edits touched and replaces the units there.
   * False when the result does not add up (then everything is read again).
   */
  private relineRegion(view: View): boolean {
    const span = this.dirty.bounds();
    if (!span) return this.units.length === view.file.root.namedChildCount;
    let first = this.units.findIndex((u) => u.end >= span.start);
    if (first < 0) first = this.units.length;
    let last = first - 1;
    let end = span.end;
    let nodes: Node[] = [];
    // Grow the region until the nodes read cover the units they replace (a node may swallow its neighbours).
    for (;;) {
      while (last + 1 < this.units.length && this.units[last + 1].start <= end) end = Math.max(end, this.units[++last].end);
      const start = Math.min(span.start, this.units[first]?.start ?? span.start);
      nodes = topLevelNodesIn(view.file.root, start, end);
      const reach = Math.max(end, ...nodes.map((n) => n.endIndex));
      if (reach <= end) break;
      end = reach;
    }
    const before = this.units[first - 1];
    const after = this.units[last + 1];
    if ((before && nodes[0] && nodes[0].startIndex < before.end) || (after && nodes.length && nodes[nodes.length - 1].endIndex > after.start)) {
      return false;
    }
    const replaced = this.units.slice(first, last + 1);
    const fresh = nodes.map((n) => {
      const reuse = replaced.find((u) => u.start === n.startIndex && u.end === n.endIndex && u.type === n.type);
      const unit = reuse && !this.dirty.touches(n.startIndex, n.endIndex) ? reuse : newUnit(n);
      view.read.set(unit, n);
      return unit;
    });
    this.units.splice(first, replaced.length, ...fresh);
    return this.units.length === view.file.root.namedChildCount;
  }

  private nodeOf(view: View, index: number): Node {
    const read = view.read.get(this.units[index]);
    if (read) return read;
    view.all ??= namedChildrenOf(view.file.root);
    return view.all[index];
  }

  private parse(): Tree {
    if (this.tree && this.treeCurrent) return this.tree;
    this.trees.acquire(this);
    const old = this.tree;
    const tree = parseGo(this.doc.getText(), old);
    if (old) {
      // Typing inside an identifier changes no structure: the edited spans themselves are in `dirty`.
      for (const r of old.getChangedRanges(tree)) this.dirty.addRange(r.startIndex, r.endIndex);
      old.delete();
    } else {
      // Without the old tree nothing says what changed beyond the edits: read every unit again.
      this.unitsKnown = false;
    }
    this.tree = tree;
    this.treeCurrent = true;
    return tree;
  }
}

function newUnit(n: Node): Unit {
  return { start: n.startIndex, end: n.endIndex, type: n.type, comments: [], wide: [], wideFresh: false, minLine: n.startPosition.row };
}

function namedChildrenOf(node: Node): Node[] {
  return node.namedChildren.filter((n): n is Node => n !== null);
}

/** Top-level named nodes that overlap [start, end]. */
function topLevelNodesIn(root: Node, start: number, end: number): Node[] {
  const out: Node[] = [];
  for (let n = root.firstNamedChildForIndex(start); n && n.startIndex <= end; n = n.nextNamedSibling) {
    if (n.endIndex >= start) out.push(n);
  }
  return out;
}

/**
 * Moves a unit through an edit that did not touch it (in place); false when the edit touched it.
 * Typing on one line leaves every later line where it was, so units below need no remapping.
 */
function moveUnit(u: Unit, e: ContentEdit): boolean {
  if (u.end < e.startIndex) return true;
  if (u.start <= e.oldEndIndex) return false;
  const delta = e.newEndIndex - e.oldEndIndex;
  u.start += delta;
  u.end += delta;
  const lineDelta = e.newEnd.line - e.oldEnd.line;
  if (lineDelta === 0 && u.minLine > e.oldEnd.line) return true;
  const local = u.local && mapAll(u.local, e);
  const wide = mapAll(u.wide, e);
  if ((u.local && !local) || !wide) return false;
  u.local = local;
  u.wide = wide;
  // The whole unit lies after the edit, so its comments move by whole lines.
  if (lineDelta !== 0) for (const c of u.comments) c.line += lineDelta;
  u.minLine = minLineOf(u, Number.POSITIVE_INFINITY);
  return true;
}

function minLineOf(u: Unit, startLine: number): number {
  let line = startLine;
  for (const c of u.comments) line = Math.min(line, c.line);
  for (const f of [...(u.local ?? []), ...u.wide]) {
    line = Math.min(line, f.range.start.line);
    for (const fix of f.fixes) for (const e of fix.edits) line = Math.min(line, e.range.start.line);
    for (const r of f.related ?? []) if (!r.file) line = Math.min(line, r.range.start.line);
  }
  return line;
}

function mapAll(findings: Finding[], e: ContentEdit): Finding[] | undefined {
  const out: Finding[] = [];
  for (const f of findings) {
    const moved = mapFinding(f, e);
    if (!moved) return undefined;
    out.push(moved);
  }
  return out;
}

function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

/** Lines of an LSP text document, whose line offsets are kept up to date incrementally. */
function documentLines(doc: TextDocument): SourceLines {
  const lineText = (line: number) => doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  return { lineText, indentOf: (line) => /^[ \t]*/.exec(lineText(line))![0] };
}
