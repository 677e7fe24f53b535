/**
 * The effective configuration of each workspace folder: `.leaklens.yaml` at the folder's root,
 * overridden by the `leaklens.*` settings where the user set them. Problems in either are shown
 * once (window/showMessage naming the file or setting and the key) and the rest keeps working;
 * problems in `.leaklens.yaml` also become diagnostics on their lines.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  MessageType,
  type Connection,
  type Diagnostic,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { CONFIG_FILE_NAME, defaultConfig, mergeConfig, type ConfigError } from '../engine/config';
import { loadLeakLensConfig } from '../lint/config';
import type { EngineSettings, FolderConfig } from './engine/messages';
import { pathOfUri } from './openDocuments';
import { parseSettings, type SettingProblem, type Settings } from './settings';

export interface Folder {
  uri: string;
  path: string;
}

export function foldersOf(workspaceFolders: readonly WorkspaceFolder[] | null | undefined, rootUri: string | null | undefined): Folder[] {
  if (workspaceFolders?.length) return workspaceFolders.map((f) => ({ uri: f.uri, path: pathOfUri(f.uri) }));
  return rootUri ? [{ uri: rootUri, path: pathOfUri(rootUri) }] : [];
}

export class WorkspaceConfig {
  folders: Folder[] = [];
  /** Settings for clients that cannot answer workspace/configuration (initializationOptions, didChangeConfiguration). */
  pushedSettings: unknown;
  private shown = '';
  private readonly configDiagnostics = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly canPull: boolean,
  ) {}

  isConfigFile(file: string): boolean {
    return path.basename(file) === CONFIG_FILE_NAME && this.folders.some((f) => path.dirname(file) === f.path);
  }

  /** Reads settings and config files; returns what the engine needs and the window-wide settings. */
  async load(): Promise<{ engine: EngineSettings; settings: Settings }> {
    const raw = await this.pullSettings();
    const global = parseSettings(raw[0]);
    const problems: SettingProblem[] = [...global.problems];
    const fileErrors: ConfigError[] = [];
    const folders: FolderConfig[] = [{ folder: '', config: mergeConfig(defaultConfig(), global.settings.overrides) }];
    this.folders.forEach((folder, i) => {
      const own = parseSettings(raw[i + 1] ?? raw[0]);
      problems.push(...own.problems);
      const file = loadLeakLensConfig(path.join(folder.path, CONFIG_FILE_NAME));
      fileErrors.push(...file.errors);
      folders.push({ folder: folder.path, config: mergeConfig(mergeConfig(defaultConfig(folder.path), file.config), own.settings.overrides) });
    });
    this.report(fileErrors, problems);
    const { scope, maxFileSize, helm } = global.settings;
    return { engine: { folders, scope, maxFileSize, helm }, settings: global.settings };
  }

  /** The `leaklens` section: the window's first, then each folder's. */
  private async pullSettings(): Promise<unknown[]> {
    if (!this.canPull) return [this.pushedSettings];
    try {
      return await this.connection.workspace.getConfiguration([
        { section: 'leaklens' },
        ...this.folders.map((f) => ({ scopeUri: f.uri, section: 'leaklens' })),
      ]);
    } catch {
      return [this.pushedSettings];
    }
  }

  private report(fileErrors: readonly ConfigError[], problems: readonly SettingProblem[]): void {
    const messages = [
      ...fileErrors.map((e) => `${e.file}${e.line !== undefined ? `:${e.line + 1}` : ''}: ${e.key ? `${e.key}: ` : ''}${e.message}`),
      ...problems.map((p) => `setting ${p.key}: ${p.message}`),
    ];
    // Each distinct set of problems is shown once, not on every reload.
    const key = messages.join('\n');
    if (key !== this.shown && messages.length > 0) {
      const more = messages.length > 1 ? ` (and ${messages.length - 1} more; see the LeakLens output)` : '';
      void this.connection.sendNotification('window/showMessage', {
        type: MessageType.Error,
        message: `LeakLens configuration: ${messages[0]}${more}. Everything else keeps working.`,
      });
      for (const m of messages) this.connection.console.error(`configuration: ${m}`);
    }
    this.shown = key;

    const byFile = new Map<string, Diagnostic[]>();
    for (const e of fileErrors) {
      const line = e.line ?? 0;
      const list = byFile.get(e.file) ?? [];
      list.push({
        range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } },
        severity: DiagnosticSeverity.Error,
        source: 'leaklens',
        code: 'config',
        message: e.key ? `${e.key}: ${e.message}` : e.message,
      });
      byFile.set(e.file, list);
    }
    for (const file of this.configDiagnostics) if (!byFile.has(file)) byFile.set(file, []);
    this.configDiagnostics.clear();
    for (const [file, diagnostics] of byFile) {
      void this.connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics });
      if (diagnostics.length) this.configDiagnostics.add(file);
    }
  }
}
