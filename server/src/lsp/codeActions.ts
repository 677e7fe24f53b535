/**
 * Code actions for LeakLens findings: a quick fix per fix of every finding in the requested range
 * (the finding's preferred fix marked isPreferred), "Suppress <rule> on this line", and
 * "Fix all LeakLens findings" (kind source.fixAll.leaklens, for editor.codeActionsOnSave).
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { preferredFix } from '../engine/fixAll';
import type { Position, Range } from '../engine/types';
import { toDiagnostic, type DiagnosticsPublisher } from './diagnostics';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { EngineFinding } from './engine/messages';
import { isAnalyzed, type OpenDocument, type OpenDocuments } from './openDocuments';
import { FIX_ALL_KIND } from './protocol';

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

/** Quick fixes and suppressions for the findings in `params.range`; `diagnostic` is each finding's diagnostic as published. */
export function quickFixes(
  params: CodeActionParams,
  target: EditTarget,
  findings: readonly EngineFinding[],
  diagnostic: (f: EngineFinding) => Diagnostic = (f) => toDiagnostic(target.uri, f),
): CodeAction[] {
  if (!wants(params.context.only, CodeActionKind.QuickFix)) return [];
  const actions: CodeAction[] = [];
  for (const f of findings) {
    if (!intersects(f.range, params.range)) continue;
    const diagnostics = [diagnostic(f)];
    const preferred = preferredFix(f);
    for (const fix of f.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics,
        isPreferred: fix === preferred,
        edit: workspaceEdit(target, fix.edits),
      });
    }
    if (f.suppress) {
      actions.push({
        title: `Suppress ${f.rule} on this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics,
        edit: workspaceEdit(target, [f.suppress]),
      });
    }
  }
  return actions;
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
