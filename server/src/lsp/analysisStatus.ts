/**
 * What the server is not checking right now, for the user to see: files skipped (with why and
 * what brings them back) and rules that are off (with why and when they run again). Sent as the
 * `leaklens/analysisStatus` notification whenever it changes (the VS Code client shows it in the
 * status bar); a file newly skipped is also announced once with `window/showMessage`.
 */
import { MessageType, type Connection } from 'vscode-languageserver/node';
import * as path from 'node:path';
import type { RuleOff } from './engine/ruleGuard';
import { AnalysisStatusNotification, type AnalysisStatus } from './protocol';
import { pathOfUri } from './openDocuments';

/** Changes arriving together (a restart, a scan) are sent as one notification. */
const DEBOUNCE_MS = 50;

export class AnalysisStatusReporter {
  private readonly skipped = new Map<string, string>();
  private rules: RuleOff[] = [];
  private timer?: NodeJS.Timeout;
  private lastSent = JSON.stringify(this.current());

  constructor(private readonly connection: Connection) {}

  current(): AnalysisStatus {
    return {
      skippedFiles: [...this.skipped].map(([uri, reason]) => ({ uri, reason })),
      rulesOff: this.rules.map(({ rule, reason, retryAt }) => ({ rule, reason, retryAt })),
    };
  }

  /** `announce`: false for skips that come with a message of their own (files over leaklens.maxFileSize). */
  fileSkipped(uri: string, reason: string, announce = true): void {
    if (this.skipped.get(uri) === reason) return;
    const isNew = !this.skipped.has(uri);
    this.skipped.set(uri, reason);
    if (isNew && announce) {
      void this.connection.sendNotification('window/showMessage', {
        type: MessageType.Warning,
        message: `LeakLens is not checking ${path.basename(pathOfUri(uri))}: ${reason}.`,
      });
    }
    this.changed();
  }

  /** The file was analyzed, or is no longer reported at all. */
  fileChecked(uri: string): void {
    if (this.skipped.delete(uri)) this.changed();
  }

  rulesOff(rules: RuleOff[]): void {
    this.rules = rules;
    this.changed();
  }

  private changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const status = this.current();
      const json = JSON.stringify(status);
      if (json === this.lastSent) return;
      this.lastSent = json;
      void this.connection.sendNotification(AnalysisStatusNotification, status);
    }, DEBOUNCE_MS);
  }
}
