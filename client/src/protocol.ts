/** The LeakLens-specific messages between the client and the language server, beyond plain LSP. */
import { NotificationType, RequestType, RequestType0, type WorkspaceEdit } from 'vscode-languageclient/node';
import type { RuntimeEvidenceParams } from '../../server/src/lsp/runtimeEvidence';

/** Fix every fixable finding in one document (the preferred fix each, non-overlapping). */
export const FixAllRequest = new RequestType<{ uri: string }, WorkspaceEdit | null, void>('leaklens/fixAll');

/** Re-scan the whole workspace now, whatever `leaklens.scope` says about reporting. */
export const LintWorkspaceRequest = new RequestType0<unknown, void>('leaklens/lintWorkspace');

export interface FindingCount {
  /** Findings across the workspace. */
  total: number;
  /** Files with at least one finding. */
  files: number;
  /** Per severity: the Problems view lists errors, warnings and infos; hints show only in the editor. */
  bySeverity?: { error: number; warning: number; info: number; hint: number };
}

/** Sent by the server whenever the workspace's finding count changes. */
export const FindingCountNotification = new NotificationType<FindingCount>('leaklens/findingCount');

/** The code action kind of "fix all LeakLens findings", for `editor.codeActionsOnSave`. */
export const FIX_ALL_KIND = 'source.fixAll.leaklens';

/** What the server is not checking now, and why (server/src/lsp/analysisStatus.ts). */
export interface AnalysisStatus {
  /** Files not analyzed: the reason says why and what brings them back. */
  skippedFiles: { uri: string; reason: string }[];
  /** Rules switched off or paused; `retryAt` (epoch ms) is when a paused rule runs again. */
  rulesOff: { rule: string; reason: string; retryAt?: number }[];
}

/** Sent by the server whenever what it is not checking changes. */
export const AnalysisStatusNotification = new NotificationType<AnalysisStatus>('leaklens/analysisStatus');

/**
 * Sent by the client after inspecting goroutines: evidence from one source (a pod, a process, a
 * dump) replacing that source's previous evidence; an empty list clears it. The server publishes
 * it as `leaklens-runtime` diagnostics and merges it into static findings on the same lines.
 */
export const RuntimeEvidenceNotification = new NotificationType<RuntimeEvidenceParams>('leaklens/runtimeEvidence');

/** The command of the "Suppress…" code action: which of its choices to apply (server/src/lsp/suppressCommand.ts). */
export const SUPPRESS_COMMAND = 'leaklens.suppress';

export interface SuppressArgs {
  prompt: string;
  choices: { title: string; edit: WorkspaceEdit }[];
}
