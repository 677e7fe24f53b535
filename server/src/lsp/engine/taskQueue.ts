/**
 * The engine worker runs one task at a time, most urgent first: edited documents, then background
 * work on open documents, then the workspace scan. Long tasks pause between slices so new
 * messages (edits) get in; when other work as urgent waits, pause says stop and the task returns
 * 'again' to be resumed after it (a newer task queued under the same key replaces it instead).
 * Tasks keep their progress in their documents, so a resumed task picks up where it stopped.
 */
import type { WatchdogSlots } from './watchdogSlots';

export const Priority = { edit: 0, background: 1, scan: 2 } as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

export type TaskResult = 'done' | 'again';
/** `pause` lets queued messages in; it resolves false when the task should stop for now. */
export type Task = (pause: () => Promise<boolean>) => Promise<TaskResult> | TaskResult;

export class TaskQueue {
  private readonly queues: Map<string, Task>[] = [new Map(), new Map(), new Map()];
  private running = false;
  private started = false;

  constructor(
    private readonly slots: WatchdogSlots,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  /** Queues `task` under `key`, replacing a queued task with the same key. */
  schedule(key: string, priority: Priority, task: Task): void {
    for (const q of this.queues) q.delete(key);
    this.queues[priority].set(key, task);
    this.kick();
  }

  cancel(key: string): void {
    for (const q of this.queues) q.delete(key);
  }

  /** Tasks run only once the engine is loaded. */
  start(): void {
    this.started = true;
    this.kick();
  }

  private kick(): void {
    if (this.running || !this.started) return;
    this.running = true;
    setImmediate(() => void this.pump());
  }

  private async pump(): Promise<void> {
    for (let next = this.take(); next; next = this.take()) {
      const { key, priority, task } = next;
      let result: TaskResult = 'done';
      this.slots.setBusy(true);
      try {
        result = await task(() => this.pause(priority));
      } catch (err) {
        this.onError(key, err);
      } finally {
        this.slots.setBusy(false);
      }
      if (result === 'again' && !this.queues.some((q) => q.has(key))) this.queues[priority].set(key, task);
    }
    this.running = false;
  }

  private take(): { key: string; priority: Priority; task: Task } | undefined {
    for (let p = 0; p < this.queues.length; p++) {
      const first = this.queues[p].entries().next();
      if (!first.done) {
        this.queues[p].delete(first.value[0]);
        return { key: first.value[0], priority: p as Priority, task: first.value[1] };
      }
    }
    return undefined;
  }

  /** False when anything as urgent is waiting (a newer task for the same key included): tasks take turns. */
  private async pause(priority: Priority): Promise<boolean> {
    this.slots.setBusy(false);
    await new Promise((resolve) => setImmediate(resolve));
    this.slots.setBusy(true);
    return !this.queues.slice(0, priority + 1).some((q) => q.size > 0);
  }
}
