/**
 * Workspace scans as the editor sees them: each scan the engine runs is shown with LSP work-done
 * progress (`$/progress`), one at a time; a newer scan replaces the running one. When a scan ends,
 * files it no longer reported (deleted, excluded, scope changed) are cleared.
 */
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { DiagnosticsPublisher } from './diagnostics';
import type { FromEngine, ToEngine } from './engine/messages';

interface RunningScan {
  id: number;
  reportAll: boolean;
  progress: WorkDoneProgressServerReporter;
  /** Publication order when the scan started (see DiagnosticsPublisher.clearStaleSince). */
  mark: number;
  finished(): void;
}

export class WorkspaceScans {
  private running?: RunningScan;
  private lastId = 0;

  constructor(
    private readonly connection: Connection,
    private readonly publisher: DiagnosticsPublisher,
    private readonly toEngine: (message: ToEngine) => void,
  ) {}

  /** Scans the workspace; resolves when the scan finishes or a newer one replaces it. */
  async run(reportAll: boolean): Promise<void> {
    this.running?.finished();
    const id = ++this.lastId;
    const progress = await this.connection.window.createWorkDoneProgress();
    if (this.lastId !== id) {
      progress.done();
      return;
    }
    progress.begin('LeakLens', 0, 'Scanning the workspace', false);
    await new Promise<void>((resolve) => {
      const scan: RunningScan = {
        id,
        reportAll,
        progress,
        mark: this.publisher.mark(),
        finished: () => {
          if (this.running === scan) this.running = undefined;
          progress.done();
          resolve();
        },
      };
      this.running = scan;
      this.toEngine({ kind: 'scan', scanId: id, reportAll });
    });
  }

  /** After an engine restart: the running scan starts over in the new engine; without one, a fresh scan. */
  resume(): void {
    if (this.running) this.toEngine({ kind: 'scan', scanId: this.running.id, reportAll: this.running.reportAll });
    else void this.run(false);
  }

  /** Handles the engine's scan messages. */
  receive(m: Extract<FromEngine, { kind: 'scanProgress' | 'scanDone' }>): void {
    const scan = this.running;
    if (scan?.id !== m.scanId) return;
    if (m.kind === 'scanProgress') {
      scan.progress.report(Math.floor((100 * m.done) / Math.max(1, m.total)), `${m.done}/${m.total} files`);
    } else {
      this.publisher.clearStaleSince(scan.mark);
      scan.finished();
    }
  }
}
