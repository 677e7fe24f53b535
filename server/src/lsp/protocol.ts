/**
 * LeakLens messages beyond plain LSP, server side (client/src/protocol.ts declares the same names
 * for the VS Code client; docs/language-server.md documents them for other editors).
 */
import { NotificationType, RequestType, RequestType0, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { Severity } from '../engine/types';
import type { EngineStatus } from './engine/messages';

/** Every preferred fix in one document, repeated until nothing is left to fix; null when there is none. */
export const FixAllRequest = new RequestType<{ uri: string }, WorkspaceEdit | null, void>('leaklens/fixAll');

/** Re-scans the workspace now and reports every file, even when `leaklens.scope` is "openFiles". Resolves when done. */
export const LintWorkspaceRequest = new RequestType0<null, void>('leaklens/lintWorkspace');

export interface FindingCount {
  total: number;
  files: number;
  /** Findings per severity: the Problems view shows errors, warnings and infos; hints only in the editor. */
  bySeverity: Record<Severity, number>;
}

/** Sent whenever the number of findings across the workspace changes (for a status bar). */
export const FindingCountNotification = new NotificationType<FindingCount>('leaklens/findingCount');

export interface ServerStatus extends EngineStatus {
  /** Times the engine worker was restarted (crash, hung rule, memory recycling), and the last reason. */
  engineRestarts: number;
  lastRestartReason?: string;
  /** The protocol thread's resident set size, in bytes (the whole process). */
  rssBytes: number;
}

/** Diagnostics about the server itself, for troubleshooting and tests. */
export const ServerStatusRequest = new RequestType0<ServerStatus, void>('leaklens/serverStatus');

/** The code action kind of "fix all LeakLens findings", for `editor.codeActionsOnSave`. */
export const FIX_ALL_KIND = 'source.fixAll.leaklens';
