/**
 * Inspections of goroutine profiles, free of the vscode module: one session per target (a pod, a
 * local process, a saved dump). Inspecting reads a first sample at once and, for a running target,
 * a second one after the configured delay, which turns counts into growth and verdicts. Nothing
 * runs in the background: a session samples only while the user's inspection runs, and a
 * cancelled wait keeps the first sample.
 */
import { assess, type AssessedGroup, type Sample } from '../../../server/src/goroutines/assess';
import { sizeText } from '../../../server/src/goroutines/evidence';
import type { FrameMapper } from '../../../server/src/goroutines/mapping';
import type { GoroutineProfile } from '../../../server/src/goroutines/profile';
import { CancelledError, type ReadOptions } from '../../../server/src/goroutines/sources';

export interface PodRef {
  context: string;
  namespace: string;
  name: string;
}

export interface Target {
  /** "pod:CONTEXT/NAMESPACE/NAME", "url:URL" or "file:PATH": a new inspection of the same target replaces the session. */
  key: string;
  /** Named in messages and diagnostics: "pod team-a/web-5d8-a". */
  label: string;
  pod?: PodRef;
  /** A running target can be sampled twice; a saved dump cannot. */
  live: boolean;
  /** Reads one profile; `detail` says from where ("port 6060 (annotation …), /debug/pprof/goroutineleak"). */
  read(opts: ReadOptions): Promise<{ profile: GoroutineProfile; detail: string }>;
}

export interface SessionSettings {
  /** Delay of the second sample; 0: one sample only. */
  secondSampleMs: number;
  minWaitMinutes: number;
  maxBytes: number;
}

export type SessionPhase = 'reading' | 'waiting' | 'done' | 'failed';

export interface Session {
  target: Target;
  phase: SessionPhase;
  samples: Sample[];
  detail?: string;
  /** Why the last read failed. */
  error?: unknown;
  /** Groups of the latest sample with their verdicts (growth once there are two samples). */
  groups: AssessedGroup[];
  /** When the second sample is due (epoch ms), while waiting for it. */
  secondSampleAt?: number;
  /** The second sample was skipped (cancelled, or it failed: see error). */
  secondSkipped?: boolean;
  /** Maps this session's frames to workspace files (built when the inspection started). */
  mapper: FrameMapper;
  settings: SessionSettings;
}

export interface InspectOptions {
  signal?: AbortSignal;
  /** What is happening, for a progress notification. */
  onProgress?: (message: string) => void;
}

export interface SessionDeps {
  mapper: () => FrameMapper;
  settings: () => SessionSettings;
  now?: () => number;
}

export class RuntimeSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<(key: string) => void>();

  constructor(private readonly deps: SessionDeps) {}

  /** Listens for changes to one session (its key); a removed session is reported too. */
  onDidChange(listener: (key: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(key: string): Session | undefined {
    return this.sessions.get(key);
  }

  all(): Session[] {
    return [...this.sessions.values()];
  }

  forPod(pod: PodRef): Session | undefined {
    return this.sessions.get(podKey(pod));
  }

  /**
   * Samples the target (twice when it is live and a delay is set). Resolves with the session when
   * done; a failure of the first read leaves a failed session (and rethrows), a failure or
   * cancellation of the second keeps the first sample.
   */
  async inspect(target: Target, opts: InspectOptions = {}): Promise<Session> {
    const settings = this.deps.settings();
    const session: Session = { target, phase: 'reading', samples: [], groups: [], mapper: this.deps.mapper(), settings };
    this.sessions.set(target.key, session);
    this.changed(session);
    const read = async () => {
      const { profile, detail } = await target.read({
        maxBytes: settings.maxBytes,
        signal: opts.signal,
        onProgress: (bytes) => opts.onProgress?.(`reading ${target.label}: ${sizeText(bytes)}`),
      });
      if (this.sessions.get(target.key) !== session) throw new CancelledError();
      session.samples.push({ profile, takenAt: this.now() });
      session.detail = detail;
      const [first, latest] = session.samples.length > 1 ? session.samples : [undefined, session.samples[0]];
      session.groups = assess(latest, { minWaitMinutes: settings.minWaitMinutes }, first);
    };
    try {
      opts.onProgress?.(`reading ${target.label}`);
      await read();
    } catch (e) {
      if (this.sessions.get(target.key) === session) {
        if (e instanceof CancelledError) this.remove(target.key);
        else {
          session.phase = 'failed';
          session.error = e;
          this.changed(session);
        }
      }
      throw e;
    }
    if (target.live && settings.secondSampleMs > 0) {
      session.phase = 'waiting';
      session.secondSampleAt = this.now() + settings.secondSampleMs;
      this.changed(session);
      try {
        await this.countdown(session, opts);
        session.phase = 'reading';
        this.changed(session);
        await read();
      } catch (e) {
        if (this.sessions.get(target.key) !== session) return session;
        session.secondSkipped = true;
        if (!(e instanceof CancelledError)) session.error = e;
      }
      session.secondSampleAt = undefined;
    }
    if (this.sessions.get(target.key) === session) {
      session.phase = 'done';
      this.changed(session);
    }
    return session;
  }

  /** Forgets a session (and so its evidence): the user cleared it, or its pod went away. */
  remove(key: string): void {
    if (this.sessions.delete(key)) this.emit(key);
  }

  clear(): void {
    for (const key of [...this.sessions.keys()]) this.remove(key);
  }

  private countdown(session: Session, opts: InspectOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const tick = () => {
        if (this.sessions.get(session.target.key) !== session) return finish(new CancelledError());
        const left = (session.secondSampleAt ?? 0) - this.now();
        if (left <= 0) return finish();
        opts.onProgress?.(`second sample of ${session.target.label} in ${Math.ceil(left / 1000)} s (Cancel keeps the first)`);
        timer = setTimeout(tick, Math.min(left, 1000));
      };
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => finish(new CancelledError());
      const finish = (e?: Error) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (e) reject(e);
        else resolve();
      };
      if (opts.signal?.aborted) return finish(new CancelledError());
      opts.signal?.addEventListener('abort', onAbort);
      tick();
    });
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private changed(session: Session): void {
    this.emit(session.target.key);
  }

  private emit(key: string): void {
    for (const l of this.listeners) {
      try {
        l(key);
      } catch {
        // One listener's failure must not keep the others from hearing.
      }
    }
  }
}

export function podKey(pod: PodRef): string {
  return `pod:${pod.context}/${pod.namespace}/${pod.name}`;
}
