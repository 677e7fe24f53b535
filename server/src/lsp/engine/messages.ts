/**
 * Messages between the language server's protocol thread and its engine worker. The worker owns
 * parse trees, caches and rules; the protocol thread owns the LSP connection and decides what is
 * published (it alone knows the editor's current document versions).
 */
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { LeakLensConfig } from '../../engine/config';
import type { FileLanguage } from '../../lint/analyze';
import type { Finding, TextEdit } from '../../engine/types';
import type { HelmOptions } from '../../k8s/helm';

export type Scope = 'workspace' | 'openFiles';

/** The configuration of one workspace folder (the file's nearest folder applies). */
export interface FolderConfig {
  /** Absolute folder path; '' for files outside every folder. */
  folder: string;
  config: LeakLensConfig;
}

export interface EngineSettings {
  folders: FolderConfig[];
  scope: Scope;
  maxFileSize: number;
  /** How saved Helm chart templates are rendered (absent: helm on PATH, the chart's values only). */
  helm?: HelmOptions;
}

/** A finding as published: with the edit that suppresses it on its line. */
export interface EngineFinding extends Finding {
  suppress?: TextEdit;
}

/** What the worker is started with (Worker `workerData`). */
export interface EngineStartData {
  /** Slots the worker writes and the protocol thread's watchdog reads (see engine/watchdog.ts). */
  watchdog: SharedArrayBuffer;
  /** Rules switched off by an earlier engine (threw, too slow, hung). */
  disabledRules: string[];
  /** Files an earlier engine hung on with no rule to blame. */
  skippedFiles: string[];
}

export type ToEngine =
  | { kind: 'configure'; settings: EngineSettings }
  | { kind: 'open'; uri: string; path: string; language: FileLanguage; version: number; text: string }
  | { kind: 'change'; uri: string; version: number; changes: TextDocumentContentChangeEvent[] }
  | { kind: 'close'; uri: string }
  /** `reportAll`: report files that are not open even when the scope is "openFiles" (Lint Workspace). */
  | { kind: 'scan'; scanId: number; reportAll: boolean }
  | { kind: 'filesChanged'; changes: { path: string; deleted: boolean }[] }
  | { kind: 'fixAll'; requestId: number; uri: string }
  | { kind: 'status'; requestId: number };

export interface EngineStatus {
  /** Parse trees held for open documents, and the bound on them. */
  trees: number;
  maxTrees: number;
  /** Bytes outside the worker's JS heap: dominated by tree-sitter's WASM memory. */
  externalBytes: number;
  openDocuments: number;
  disabledRules: string[];
}

export type FromEngine =
  /** The parsers are loaded; `goRuleIds` numbers the rules for the watchdog slots; `externalBytes` is the idle baseline. */
  | { kind: 'ready'; goRuleIds: string[]; externalBytes: number }
  /**
   * `version` null: a file that is not open (workspace scan). The findings travel as JSON text:
   * structured cloning thousands of small objects costs two to three times more.
   */
  | { kind: 'findings'; uri: string; version: number | null; findingsJson: string }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { kind: 'ruleDisabled'; rule: string }
  /** Analysis of a file started (the watchdog blames this file when no rule is running). */
  | { kind: 'busy'; file: string }
  | { kind: 'scanProgress'; scanId: number; done: number; total: number }
  /** `uris`: the files not open that the scan published findings for. */
  | { kind: 'scanDone'; scanId: number; uris: string[] }
  /** Sent after memory was released (a document closed, a scan finished): the host may recycle the engine. */
  | { kind: 'memory'; externalBytes: number; liveTextBytes: number }
  | { kind: 'fixAllResult'; requestId: number; version: number | null; text: string | null }
  | { kind: 'statusResult'; requestId: number; status: EngineStatus };
