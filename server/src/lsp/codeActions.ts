/**
 * Code actions for LeakLens findings: a quick fix per fix of every finding in the requested range
 * or named in the request's diagnostics (the finding's preferred fix marked isPreferred); one
 * suppression entry ("Suppress <rule> on this line", or "Suppress…" asking which when several
 * rules are concerned); and "Fix all LeakLens findings" (kind source.fixAll.leaklens, for
 * editor.codeActionsOnSave).
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { preferredFix } from '../engine/fixAll';
import type { Fix, Position, Range } from '../engine/types';
import type { DiagnosticsPublisher } from './diagnostics';
import type { EngineFinding } from './engine/messages';
import { combineSuppressions } from './engine/suppressEdits';
import { isAnalyzed, type OpenDocument, type OpenDocuments } from './openDocuments';
import { FIX_ALL_KIND } from './protocol';
import { SUPPRESS_COMMAND, type SuppressArgs } from './suppressCommand';

export interface EditTarget {
  uri: string;
  version: number;
  /** The client applies versioned document changes (rejecting them if the document moved on). */
  documentChanges: boolean;
}

export function workspaceEdit(target: EditTarget, edits: TextEdit[]): WorkspaceEdit {
  if (target.documentChanges) {
    return { documentChanges: [{ textDocument: { uri: target.uri, version: target.version }, edits }] };
  }
  return { changes: { [target.uri]: edits } };
}

/** True when actions of `kind` were asked for (no `only` means every kind). */
export function wants(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function intersects(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * The findings a request is about: those in its range, and those its diagnostics name whatever
 * the range (Neovim sends a line's diagnostics with the cursor before their start).
 */
function requested(params: CodeActionParams, findings: readonly EngineFinding[]): EngineFinding[] {
  const named = (params.context.diagnostics ?? []).filter((d: Diagnostic) => d.source === 'leaklens');
  return findings.filter((f) => intersects(f.range, params.range) || named.some((d) => d.code === f.rule && sameRange(d.range, f.range)));
}

/** A fix's title, marked with why it is risky when it can change how the program or workload runs. */
export function quickFixTitle(fix: Fix): string {
  return fix.changesBehavior ? `${fix.title} (changes behavior: ${fix.changesBehavior})` : fix.title;
}

/**
 * Quick fixes for the requested findings, then one suppression entry for all of them;
 * `diagnostic` is each finding's diagnostic as published (with its runtime evidence).
 */
export function quickFixes(
  params: CodeActionParams,
  target: EditTarget,
  findings: readonly EngineFinding[],
  diagnostic: (f: EngineFinding) => Diagnostic,
): CodeAction[] {
  if (!wants(params.context.only, CodeActionKind.QuickFix)) return [];
  const actions: CodeAction[] = [];
  const selected = requested(params, findings);
  for (const f of selected) {
    const diagnostics = [diagnostic(f)];
    const preferred = preferredFix(f);
    for (const fix of f.fixes) {
      actions.push({
        title: quickFixTitle(fix),
        kind: CodeActionKind.QuickFix,
        diagnostics,
        // A preferred action may be applied without a look (VS Code's Auto Fix): never one that changes behavior.
        isPreferred: fix === preferred && !fix.changesBehavior,
        edit: workspaceEdit(target, fix.edits),
      });
    }
  }
  const suppression = suppressAction(target, selected, diagnostic);
  if (suppression) actions.push(suppression);
  return actions;
}

/**
 * "Suppress <rule> on this line" when the findings are of one rule; otherwise one "Suppress…"
 * whose command asks: all of them, or one rule (see suppressCommand.ts).
 */
function suppressAction(
  target: EditTarget,
  selected: readonly EngineFinding[],
  diagnostic: (f: EngineFinding) => Diagnostic,
): CodeAction | undefined {
  const suppressible = selected.filter((f): f is EngineFinding & { suppress: TextEdit } => !!f.suppress);
  const rules = [...new Set(suppressible.map((f) => f.rule))];
  if (rules.length === 0) return undefined;
  const diagnostics = suppressible.map(diagnostic);
  const editFor = (only: readonly string[]) =>
    workspaceEdit(target, combineSuppressions(suppressible.filter((f) => only.includes(f.rule)).map((f) => ({ rule: f.rule, edit: f.suppress }))));
  const lines = [...new Set(suppressible.map((f) => f.range.start.line + 1))];
  const where = lines.length === 1 ? 'this line' : 'these lines';
  if (rules.length === 1) {
    return { title: `Suppress ${rules[0]} on ${where}`, kind: CodeActionKind.QuickFix, diagnostics, edit: editFor(rules) };
  }
  const args: SuppressArgs = {
    prompt: `Suppress which LeakLens finding on ${lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.join(', ')}`}?`,
    choices: [{ title: `All ${rules.length}: ${rules.join(', ')}`, edit: editFor(rules) }, ...rules.map((r) => ({ title: r, edit: editFor([r]) }))],
  };
  const title = `Suppress ${rules.length} LeakLens findings on ${where}…`;
  return { title, kind: CodeActionKind.QuickFix, diagnostics, command: { title, command: SUPPRESS_COMMAND, arguments: [args] } };
}

/** The data of an unresolved fix-all action. */
export interface FixAllData {
  uri: string;
  version: number;
}

const FIX_ALL_TITLE = 'Fix all LeakLens findings';

/** The fix-all action, without its edit (resolved later), or undefined when nothing in the document is fixable. */
export function fixAllAction(params: CodeActionParams, target: EditTarget, findings: readonly EngineFinding[]): CodeAction | undefined {
  if (!wants(params.context.only, FIX_ALL_KIND) || !findings.some((f) => f.fixes.length > 0)) return undefined;
  const data: FixAllData = { uri: target.uri, version: target.version };
  return { title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, data };
}

export function fixAllData(action: CodeAction): FixAllData | undefined {
  const data = action.data as Partial<FixAllData> | undefined;
  return action.kind === FIX_ALL_KIND && typeof data?.uri === 'string' && typeof data.version === 'number'
    ? { uri: data.uri, version: data.version }
    : undefined;
}

export interface CodeActionContext {
  docs: OpenDocuments;
  publisher: DiagnosticsPublisher;
  documentChanges: boolean;
  /** The client resolves an action's edit later (codeAction/resolve). */
  resolveEdit: boolean;
  fixAllEdit(d: OpenDocument): Promise<WorkspaceEdit | null>;
  /** How long to wait for the analysis of the document's current version. */
  waitMs: number;
}

/** Answers textDocument/codeAction from the findings published for the document's current version. */
export async function codeActionsFor(params: CodeActionParams, ctx: CodeActionContext): Promise<CodeAction[]> {
  const d = ctx.docs.get(params.textDocument.uri);
  if (!d || !isAnalyzed(d)) return [];
  const version = d.doc.version;
  const findings = await ctx.publisher.findingsFor(d.uri, version, ctx.waitMs);
  if (!findings || d.doc.version !== version) return [];
  const target: EditTarget = { uri: d.uri, version, documentChanges: ctx.documentChanges };
  const actions = quickFixes(params, target, findings, (f) => ctx.publisher.diagnosticOf(d.uri, f));
  const fixAll = fixAllAction(params, target, findings);
  if (fixAll) {
    // Asked for by kind (e.g. on save), or a client that cannot resolve later: compute the edit now.
    if (params.context.only || !ctx.resolveEdit) {
      const edit = await ctx.fixAllEdit(d);
      if (edit) actions.push({ ...fixAll, edit });
    } else actions.push(fixAll);
  }
  return actions;
}
