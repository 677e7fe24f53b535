/**
 * Runs the analysis engine in a worker thread and keeps it healthy. The worker owns every parse
 * tree, so restarting it is the one way to give tree-sitter's WASM memory back (that memory only
 * grows). The host restarts the worker when:
 *  - it crashed;
 *  - a rule hung: the watchdog sees a task running with no progress (no rule call finishing, no
 *    parse moving on) while the process used `hangMs` of CPU time — CPU time, so that a busy
 *    machine is no hang — or for HANG_WALL_FACTOR times that on the wall clock; the rule marked in
 *    the shared slots is paused like a rule that overran (it gets another chance later), or, with
 *    no rule running, the file is skipped until it changes (checkAgain);
 *  - its WASM heap passed `memoryLimitBytes` and much of it is garbage: more than a quarter of the
 *    limit is explained neither by the idle baseline nor by the trees alive (memory left over from
 *    closed documents, evicted trees or a workspace scan). Checked only after memory was released,
 *    so a document whose tree alone is large cannot make the engine restart over and over.
 * After a restart the owner replays its state (configuration, open documents, scan) through `onRestart`.
 * This module stays light (no parsers, no rules): the server starts the worker before loading the
 * rest, so the worker's start-up overlaps the protocol thread's.
 */
import { Worker } from 'node:worker_threads';
import type { EngineStartData, FromEngine, ToEngine } from './engine/messages';
import { FIRST_PAUSE_MS, pauseAfter, type RuleOff } from './engine/ruleGuard';
import { WatchdogSlots } from './engine/watchdogSlots';

export interface EngineLimits {
  /** WASM/external memory above which a worker is recycled. */
  memoryLimitBytes: number;
  /** A task with no progress while the process used this much CPU time is hung. */
  hangMs: number;
  /** The first pause of a rule that overran or hung (doubling with each further one). */
  firstPauseMs: number;
}

/** Overridable through the environment, for the robustness tests and for tuning. */
export function engineLimits(env = process.env): EngineLimits {
  const mb = Number(env.LEAKLENS_ENGINE_MEMORY_MB);
  const hang = Number(env.LEAKLENS_HANG_MS);
  const pause = Number(env.LEAKLENS_RULE_PAUSE_MS);
  return {
    memoryLimitBytes: (mb > 0 ? mb : 384) * 1024 * 1024,
    hangMs: hang > 0 ? hang : 5000,
    firstPauseMs: pause > 0 ? pause : FIRST_PAUSE_MS,
  };
}

/** A task with no progress for this many times hangMs of wall-clock time is hung whatever the CPU says. */
const HANG_WALL_FACTOR = 12;

/** Roughly what a live tree costs in WASM memory per character of source (measured: 12–15). */
const TREE_BYTES_PER_CHAR = 15;
const WATCHDOG_INTERVAL_MS = 250;
/** Crashes within a minute beyond which restarts are delayed, so a crash loop does not spin. */
const CRASHES_BEFORE_BACKOFF = 3;
const BACKOFF_MS = 5000;

type RequestReply = Extract<FromEngine, { requestId: number }>;

export interface EngineHandlers {
  onMessage(message: FromEngine): void;
  /** The engine was replaced: send it the configuration, the open documents, the scan. */
  onRestart(): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export class EngineHost {
  private worker?: Worker;
  private slots = new WatchdogSlots();
  private handlers?: EngineHandlers;
  /** What arrived before attach(). */
  private early: FromEngine[] = [];
  /** Go rule ids in the order the watchdog slots number them (sent by the worker when ready). */
  private goRuleIds: string[] = [];
  /** External memory of the idle engine (WASM runtime and grammar). */
  private baselineBytes = 0;
  /** The rules off, as the engine last reported them (and hung rules): a restarted engine starts with them. */
  private rulesOff: RuleOff[] = [];
  /** Files the engine hung on with no rule to blame, with why; skipped until they change. */
  private readonly skippedFiles = new Map<string, string>();
  private lastBusyFile?: string;
  private readonly pending = new Map<number, { message: ToEngine; resolve: (reply: RequestReply) => void }>();
  private nextRequestId = 1;
  private readonly crashes: number[] = [];
  private watchdog?: NodeJS.Timeout;
  private stuck = { progress: -1, since: 0, cpu: 0 };
  private disposed = false;
  restarts = 0;
  lastRestartReason?: string;

  constructor(private readonly limits: EngineLimits) {}

  attach(handlers: EngineHandlers): void {
    this.handlers = handlers;
    for (const m of this.early.splice(0)) this.receive(m);
  }

  start(): void {
    // Fresh slots: a terminated worker may have left a rule marked as running.
    this.slots = new WatchdogSlots();
    const data: EngineStartData = {
      watchdog: this.slots.buffer,
      rulesOff: this.rulesOff,
      skippedFiles: [...this.skippedFiles].map(([path, reason]) => ({ path, reason })),
      firstPauseMs: this.limits.firstPauseMs,
    };
    // stdout/stderr piped: a stray console.log in the worker must never reach the LSP stream.
    const worker = new Worker(__filename, { workerData: data, stdout: true, stderr: true });
    this.worker = worker;
    worker.stdout.on('data', (d: Buffer) => this.log('info', `engine: ${d.toString().trimEnd()}`));
    worker.stderr.on('data', (d: Buffer) => this.log('warn', `engine: ${d.toString().trimEnd()}`));
    worker.on('message', (m: FromEngine) => {
      // A replaced worker may still have messages queued: its requests are re-sent to the new one.
      if (this.worker !== worker) return;
      if (this.handlers) this.receive(m);
      else this.early.push(m);
    });
    worker.on('error', (err) => this.log('error', `engine crashed: ${err?.stack ?? err}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker || this.disposed) return;
      this.worker = undefined;
      this.log('error', `engine stopped (exit code ${code}); restarting it`);
      this.afterCrash();
    });
    for (const { message } of this.pending.values()) worker.postMessage(message);
    this.stuck = { progress: -1, since: performance.now(), cpu: processCpuMs() };
    this.watchdog ??= setInterval(() => this.checkHung(), WATCHDOG_INTERVAL_MS).unref();
  }

  send(message: ToEngine): void {
    this.worker?.postMessage(message);
  }

  /** A file changed or was opened again: if it was skipped after a hang, it is analyzed again. */
  checkAgain(path: string): void {
    if (this.skippedFiles.delete(path)) this.send({ kind: 'checkAgain', path });
  }

  /** Sends a request; it is re-sent to a restarted engine until answered. */
  request<K extends RequestReply['kind']>(
    build: (requestId: number) => ToEngine,
  ): Promise<Extract<RequestReply, { kind: K }>> {
    const requestId = this.nextRequestId++;
    const message = build(requestId);
    return new Promise((resolve) => {
      this.pending.set(requestId, { message, resolve: resolve as (reply: RequestReply) => void });
      this.send(message);
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await this.worker?.terminate();
  }

  private receive(m: FromEngine): void {
    switch (m.kind) {
      case 'ready':
        this.goRuleIds = m.goRuleIds;
        this.baselineBytes = m.externalBytes;
        this.log('info', 'engine ready');
        return;
      case 'busy':
        this.lastBusyFile = m.file;
        return;
      case 'rulesOff':
        this.rulesOff = m.rules;
        this.handlers?.onMessage(m);
        return;
      case 'memory': {
        const garbage = m.externalBytes - this.baselineBytes - m.liveTextBytes * TREE_BYTES_PER_CHAR;
        if (m.externalBytes > this.limits.memoryLimitBytes && garbage > this.limits.memoryLimitBytes / 4) {
          this.restart(
            `engine memory ${mb(m.externalBytes)} MB is over the ${mb(this.limits.memoryLimitBytes)} MB limit, about ${mb(garbage)} MB of it no longer in use; restarting the engine to release it`,
          );
        }
        return;
      }
      case 'fixAllResult':
      case 'statusResult': {
        const waiting = this.pending.get(m.requestId);
        this.pending.delete(m.requestId);
        waiting?.resolve(m);
        return;
      }
      default:
        this.handlers?.onMessage(m);
    }
  }

  /** Replaces the worker with a fresh one and lets the owner replay its state. */
  private restart(reason: string): void {
    this.log('warn', reason);
    this.restarts++;
    this.lastRestartReason = reason;
    const old = this.worker;
    this.worker = undefined;
    // The new engine starts once the old one is gone: a hung one burns CPU until then, which the
    // watchdog would charge to the new one. Until then messages are dropped; onRestart replays state.
    const replace = () => {
      if (this.disposed || this.worker) return;
      this.start();
      this.handlers?.onRestart();
    };
    if (old) old.terminate().then(replace, replace);
    else replace();
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    if (this.handlers) this.handlers.log(level, message);
    else this.early.push({ kind: 'log', level, message });
  }

  private afterCrash(): void {
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length && now - this.crashes[0] > 60_000) this.crashes.shift();
    const delay = this.crashes.length > CRASHES_BEFORE_BACKOFF ? BACKOFF_MS : 0;
    setTimeout(() => {
      if (!this.disposed && !this.worker) this.restart('engine restarted after a crash');
    }, delay);
  }

  /**
   * A task that makes no progress (no rule call finishing, no parse moving on) while the process
   * uses hangMs of CPU time is hung: blame the rule or the file.
   */
  private checkHung(): void {
    if (!this.worker) return;
    const { ruleIndex, progress, busy } = this.slots.read();
    const now = performance.now();
    const cpu = processCpuMs();
    if (!busy || progress !== this.stuck.progress) {
      this.stuck = { progress, since: now, cpu };
      return;
    }
    if (cpu - this.stuck.cpu < this.limits.hangMs && now - this.stuck.since < this.limits.hangMs * HANG_WALL_FACTOR) return;
    const rule = ruleIndex === undefined ? undefined : this.goRuleIds[ruleIndex];
    const seconds = Math.round(this.limits.hangMs / 1000);
    const file = this.lastBusyFile;
    if (rule) {
      const strikes = (this.rulesOff.find((r) => r.rule === rule)?.strikes ?? 0) + 1;
      const pause = pauseAfter(strikes, this.limits.firstPauseMs);
      const reason = `did not return within ${seconds} s of CPU time${file ? ` on ${file}` : ''}`;
      this.rulesOff = [...this.rulesOff.filter((r) => r.rule !== rule), { rule, reason, retryAt: Date.now() + pause, strikes }];
      this.handlers?.onMessage({ kind: 'rulesOff', rules: this.rulesOff });
      this.restart(`rule ${rule} ${reason}; restarting the engine with the rule paused for ${Math.round(pause / 1000)} s`);
    } else if (file) {
      this.skippedFiles.set(file, `its analysis did not finish within ${seconds} s of CPU time; it is checked again when it changes`);
      this.restart(`analysis of ${file} did not finish within ${seconds} s of CPU time; restarting the engine and skipping that file until it changes`);
    } else {
      this.restart(`the engine stopped responding for ${seconds} s; restarting it`);
    }
  }
}

/** CPU time of the whole process (the engine worker's included), in ms. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}
