/**
 * Keeps a local copy of one collection (say, the pods of one namespace) in step with the API server,
 * the way client-go's reflector does and `@kubernetes/client-node`'s informer does not:
 *
 * - list in pages (`limit`/`continue`), then watch from the list's resourceVersion with
 *   `allowWatchBookmarks`, so an idle watch still advances its resourceVersion;
 * - a watch that ends (server timeout, broken connection) resumes from the last resourceVersion
 *   seen; 410 Gone (that version was compacted away) triggers a fresh list;
 * - failures back off exponentially with jitter; a watch silent for `silenceMs` (no event, no
 *   bookmark) is restarted;
 * - problems that waiting cannot fix (403, 401, TLS, a failing credential plugin) stop the loop
 *   until `restart()`.
 */
import { ApiError, type ListWatchClient, type Query } from './api';
import type { Backoff } from './backoff';
import type { Gate } from './gate';
import type { KubeObject, WatchEvent } from './kube';
import { isAborted, isGone, problemFromError, type ClusterProblem, type CredentialInfo } from './problems';

export interface ReflectorSink {
  /** An object was listed, added or modified. */
  upsert(obj: KubeObject): void;
  remove(name: string): void;
  /** A full list completed: anything whose name is not in `names` no longer exists. */
  resync(names: ReadonlySet<string>): void;
  state(state: ReflectorState): void;
}

export type ReflectorState =
  | { phase: 'listing' }
  | { phase: 'live' }
  | { phase: 'retrying'; problem: ClusterProblem; retryInMs: number }
  | { phase: 'failed'; problem: ClusterProblem };

export interface ReflectorOptions {
  /** "list pods in team-a", for problem titles. */
  what: string;
  credentialInfo: CredentialInfo;
  backoff: Backoff;
  pageSize?: number;
  /** Restart a watch that delivered nothing (not even a bookmark) for this long. */
  silenceMs?: number;
  /** The server-side timeoutSeconds of each watch request. */
  watchTimeoutSeconds?: () => number;
  /** Shared by reflectors to bound the list pages in flight. */
  listGate?: Gate;
}

export interface ReflectorStats {
  lists: number;
  pages: number;
  watches: number;
  /** Lists caused by 410 Gone. */
  relists: number;
  /** Attempts after a failure. */
  retries: number;
  silences: number;
  events: number;
  bookmarks: number;
}

/** The API server sends a bookmark about once a minute; twice that without any byte means trouble. */
const DEFAULT_SILENCE_MS = 150_000;
const MAX_RELIST_DELAY_MS = 30_000;

export class Reflector {
  readonly stats: ReflectorStats = { lists: 0, pages: 0, watches: 0, relists: 0, retries: 0, silences: 0, events: 0, bookmarks: 0 };
  /** Resolves once the first list completed or the first problem was reported. */
  readonly firstSync: Promise<void>;
  private resolveFirstSync!: () => void;
  private generation = 0;
  private resourceVersion: string | undefined;
  private abortCurrent: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private lastState: ReflectorState | undefined;
  /** 410 Gone answers since the last event that was not an error. */
  private goneInARow = 0;

  constructor(
    private readonly client: ListWatchClient,
    private readonly path: string,
    private readonly sink: ReflectorSink,
    private readonly opts: ReflectorOptions,
  ) {
    this.firstSync = new Promise((r) => (this.resolveFirstSync = r));
  }

  get state(): ReflectorState | undefined {
    return this.lastState;
  }

  start(): void {
    const generation = ++this.generation;
    void this.run(generation);
  }

  /** Stops the loop and closes the watch; the sink hears nothing more. */
  stop(): void {
    this.generation++;
    this.abortCurrent?.();
    this.wake?.();
  }

  /** Starts over with a fresh list (the Refresh command). */
  restart(): void {
    this.stop();
    this.resourceVersion = undefined;
    this.start();
  }

  private setState(generation: number, s: ReflectorState): void {
    if (generation !== this.generation) return;
    this.lastState = s;
    this.sink.state(s);
    if (s.phase !== 'listing') this.resolveFirstSync();
  }

  private async run(generation: number): Promise<void> {
    const live = () => generation === this.generation;
    const { backoff } = this.opts;
    while (live()) {
      try {
        if (this.resourceVersion === undefined) {
          const rv = await this.list(generation);
          // A list that outlived a stop()/restart() must not touch the new loop's resourceVersion.
          if (!live()) return;
          this.resourceVersion = rv;
          backoff.reset();
          this.setState(generation, { phase: 'live' });
        }
        await this.watch(generation);
      } catch (e) {
        if (!live() || isAborted(e)) return;
        if (isGone(e)) {
          // Our resourceVersion (or continue token) is older than etcd keeps: list again. One relist
          // normally settles it; a server that keeps answering 410 gets lists at a growing interval.
          this.stats.relists++;
          this.resourceVersion = undefined;
          if (this.goneInARow++ > 0) await this.sleep(Math.min(MAX_RELIST_DELAY_MS, 250 * 2 ** this.goneInARow));
          continue;
        }
        const problem = problemFromError(e, { what: this.opts.what }, this.opts.credentialInfo);
        if (!problem.retryable) {
          this.setState(generation, { phase: 'failed', problem });
          return;
        }
        this.stats.retries++;
        const delay = backoff.next();
        // One broken watch is routine (the data stays valid while we resume); say so only when it persists.
        if (this.resourceVersion === undefined || backoff.consecutiveFailures > 1) {
          this.setState(generation, { phase: 'retrying', problem, retryInMs: delay });
        }
        await this.sleep(delay);
      }
    }
  }

  private async list(generation: number): Promise<string> {
    // A relist after a problem keeps the problem on screen until it succeeds.
    if (!this.lastState) this.setState(generation, { phase: 'listing' });
    const names = new Set<string>();
    let cont: string | undefined;
    let rv: string | undefined;
    // Each item is parsed and handed to the sink as it arrives, so only one raw object is alive at a time.
    const onItem = (json: string) => {
      if (generation !== this.generation) return;
      const item = JSON.parse(json) as KubeObject;
      const name = item.metadata?.name;
      if (!name) return;
      names.add(name);
      this.sink.upsert(item);
    };
    do {
      const query: Query = { limit: this.opts.pageSize ?? 500, continue: cont };
      const fetchPage = () => this.client.listItems(this.path, query, onItem);
      const page = await (this.opts.listGate ? this.opts.listGate.run(fetchPage) : fetchPage());
      if (generation !== this.generation) return '';
      this.stats.pages++;
      rv = page.metadata?.resourceVersion;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    this.sink.resync(names);
    this.stats.lists++;
    if (!rv) throw new Error(`the list of ${this.path} carried no resourceVersion`);
    return rv;
  }

  private async watch(generation: number): Promise<void> {
    const started = Date.now();
    let events = 0;
    const { backoff } = this.opts;
    const onEvent = (e: WatchEvent) => {
      if (generation !== this.generation) return;
      events++;
      if (e.type === 'ERROR') throw new ApiError(e.object.code ?? 500, e.object, this.path);
      this.goneInARow = 0;
      const rv = e.object.metadata?.resourceVersion;
      if (e.type === 'BOOKMARK') this.stats.bookmarks++;
      else {
        this.stats.events++;
        const name = e.object.metadata?.name;
        if (name) e.type === 'DELETED' ? this.sink.remove(name) : this.sink.upsert(e.object);
      }
      if (rv) this.resourceVersion = rv;
      if (backoff.consecutiveFailures > 0) backoff.reset();
      if (this.lastState?.phase !== 'live') this.setState(generation, { phase: 'live' });
    };
    const timeoutSeconds = this.opts.watchTimeoutSeconds?.() ?? Math.round(300 + Math.random() * 300);
    const handle = this.client.watch(
      this.path,
      { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds },
      onEvent,
      {
        silenceMs: this.opts.silenceMs ?? DEFAULT_SILENCE_MS,
        onOpen: () => {
          if (generation === this.generation && this.lastState?.phase !== 'live') this.setState(generation, { phase: 'live' });
        },
      },
    );
    this.stats.watches++;
    this.abortCurrent = handle.abort;
    try {
      await handle.done;
    } catch (e) {
      if ((e as Error)?.name === 'SilenceError') this.stats.silences++;
      throw e;
    } finally {
      this.abortCurrent = undefined;
    }
    // A watch that the server closes at once, without a word, is a failure in disguise (a proxy
    // dropping connections); treat it as one so we back off instead of spinning.
    if (events === 0 && Date.now() - started < 1000) throw new Error('the watch connection closed at once (ECONNRESET)');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
