/**
 * The workspace scan: lists the Go files and manifests under the workspace folders (skipping
 * vendor/, testdata/, node_modules/, .git/ and excluded globs), indexes every manifest for the
 * cross-file rules, then — when the scope is "workspace" — analyzes each file that is not open and
 * publishes its findings. It runs as a low-priority task, one file per slice, so edits in open
 * documents are never kept waiting.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageOf } from '../../lint/analyze';
import { CONFIG_FILE_NAME } from '../../engine/config';
import { SKIPPED_DIRS } from '../../cli/files';
import type { Task } from './taskQueue';

export interface ScanHost {
  folders(): string[];
  isExcluded(file: string): boolean;
  isOpen(file: string): boolean;
  /** The file's text, or undefined when it is unreadable, binary or over the size limit. */
  readSource(file: string): string | undefined;
  indexManifest(file: string, text: string): void;
  /** Analyzes a file that is not open and publishes its findings. */
  analyzeAndPublish(file: string, text: string): void;
  progress(done: number, total: number): void;
  finished(published: string[]): void;
}

export class WorkspaceScan {
  private files?: { manifests: string[]; goFiles: string[] };
  private step = 0;
  private readonly published: string[] = [];
  private cancelled = false;

  constructor(
    private readonly host: ScanHost,
    /** Analyze and report the files that are not open (scope "workspace", or Lint Workspace). */
    private readonly reporting: boolean,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }

  readonly task: Task = async (pause) => {
    if (this.cancelled) return 'done';
    this.files ??= await this.list();
    const { manifests, goFiles } = this.files;
    // Every manifest is indexed before any is analyzed: a Service's findings depend on the others.
    const steps = [
      ...manifests.map((f) => ({ file: f, index: true })),
      ...(this.reporting ? [...manifests, ...goFiles].map((f) => ({ file: f, index: false })) : []),
    ];
    while (this.step < steps.length) {
      if (this.cancelled) return 'done';
      const { file, index } = steps[this.step++];
      // Open files are indexed and analyzed from the editor's text instead.
      if (!this.host.isOpen(file)) {
        const text = this.host.readSource(file);
        if (text !== undefined && index) this.host.indexManifest(file, text);
        else if (text !== undefined) {
          this.host.analyzeAndPublish(file, text);
          this.published.push(file);
        }
      }
      this.host.progress(this.step, steps.length);
      if (!(await pause())) return this.cancelled ? 'done' : 'again';
    }
    if (!this.cancelled) this.host.finished(this.published);
    return 'done';
  };

  private async list(): Promise<{ manifests: string[]; goFiles: string[] }> {
    const manifests: string[] = [];
    const goFiles: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (this.cancelled || this.host.isExcluded(full)) continue;
        if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) await walk(full);
        else if (e.isFile() && e.name !== CONFIG_FILE_NAME) {
          const language = languageOf(e.name);
          if (language === 'go') goFiles.push(full);
          else if (language === 'k8s') manifests.push(full);
        }
      }
    };
    for (const folder of this.host.folders()) await walk(folder);
    return { manifests, goFiles };
  }
}
