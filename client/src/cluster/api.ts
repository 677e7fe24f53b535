/**
 * Read-only access to one kubeconfig context. `@kubernetes/client-node` does the kubeconfig work
 * (certificates, tokens, exec credential plugins, auth providers, proxies) through
 * `KubeConfig.applyToHTTPSOptions`; the requests themselves are plain node:https GETs so that list
 * pages and watch events stay raw JSON (its generated clients turn every object into class
 * instances, which costs ~60 ms per 1,000 pods, and its Watch reports neither the error body nor a
 * User-Agent we can recognise in the audit log).
 *
 * The only method this module can send is GET, and it refuses any path into Secrets.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeList, KubeStatus, WatchEvent } from './kube';
import { ListItemSplitter } from './listStream';

export const USER_AGENT = 'leaklens-cluster-view';

/** The server answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly kubeStatus: KubeStatus | undefined,
    readonly path: string,
  ) {
    super(kubeStatus?.message || `HTTP ${status} for ${path}`);
    this.name = 'ApiError';
  }
}

/** Building the request's credentials failed (exec plugin, auth provider, unreadable cert file). */
export class CredentialError extends Error {
  constructor(
    readonly cause: unknown,
    readonly viaExecPlugin: boolean,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'CredentialError';
  }
}

/** A stream (a watch, a list page) delivered nothing, not even a bookmark, for too long. */
export class SilenceError extends Error {
  constructor(readonly silentMs: number) {
    super(`the API server sent nothing for ${Math.round(silentMs / 1000)} s`);
    this.name = 'SilenceError';
  }
}

export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortedError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface StreamHandle {
  /** Resolves when the server ends the stream, rejects on failure (AbortedError after abort()). */
  readonly done: Promise<void>;
  abort(): void;
}

export interface WatchOptions {
  /** Abort with SilenceError when no byte arrives for this long. */
  silenceMs: number;
  /** The server accepted the watch (HTTP 200). */
  onOpen?: () => void;
}

/** What the reflector needs; KubeApi implements it. */
export interface ListWatchClient {
  listItems(path: string, query: Query, onItem: (itemJson: string) => void): Promise<KubeList>;
  watch(path: string, query: Query, onEvent: (e: WatchEvent) => void, opts: WatchOptions): StreamHandle;
}

const REQUEST_TIMEOUT_MS = 30_000;

function assertReadOnlyPath(path: string): void {
  // Secrets are never read, not even by accident through a crafted name.
  if (/\/secrets(\/|$|\?)/.test(path)) throw new Error(`refusing to read Secrets (${path})`);
}

export class KubeApi implements ListWatchClient {
  constructor(
    private readonly kc: KubeConfig,
    readonly contextName: string,
    /** A credential plugin waiting for an interactive login would otherwise hang every request. */
    private readonly credentialTimeoutMs = 60_000,
  ) {}

  /** The API server URL of this context ('' when the kubeconfig names none). */
  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  async getJson<T>(path: string, query: Query = {}): Promise<T> {
    const text = await this.getText(path, query);
    return JSON.parse(text) as T;
  }

  async getText(path: string, query: Query = {}): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const res = await this.open(path, query, (req) => {
        timer = setTimeout(() => req.destroy(new Error(`no answer from the API server after ${REQUEST_TIMEOUT_MS / 1000} s (ETIMEDOUT)`)), REQUEST_TIMEOUT_MS);
      });
      const body = await readBody(res);
      if ((res.statusCode ?? 0) >= 300) throw apiError(res.statusCode ?? 0, body, path);
      return body;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One page of a list, streamed: onItem gets each item's JSON text as soon as it arrived; resolves
   * with the page without its items (resourceVersion, continue token).
   */
  async listItems(path: string, query: Query, onItem: (itemJson: string) => void): Promise<KubeList> {
    const splitter = new ListItemSplitter(onItem);
    const handle = this.stream<string>(path, query, REQUEST_TIMEOUT_MS, undefined, (chunk) => splitter.write(chunk), false);
    await handle.done;
    return splitter.end();
  }

  /** Streams a watch; every event, bookmark included, goes to onEvent. */
  watch(path: string, query: Query, onEvent: (e: WatchEvent) => void, opts: WatchOptions): StreamHandle {
    let buffered = '';
    return this.stream<string>(path, { ...query, watch: 'true' }, opts.silenceMs, opts.onOpen, (chunk) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim()) onEvent(JSON.parse(line) as WatchEvent);
      }
    }, false);
  }

  /** Streams a text body (pod logs); onText gets each chunk. */
  streamText(path: string, query: Query, onText: (text: string) => void): StreamHandle {
    return this.stream(path, query, 0, undefined, onText, false);
  }

  /** Streams a body as bytes (a goroutine profile through the pod proxy: text or gzip); fails after `silenceMs` without data. */
  streamBytes(path: string, query: Query, onChunk: (chunk: Buffer) => void, silenceMs = REQUEST_TIMEOUT_MS): StreamHandle {
    return this.stream(path, query, silenceMs, undefined, onChunk, true);
  }

  private stream<T extends string | Buffer>(path: string, query: Query, silenceMs: number, onOpen: (() => void) | undefined, onChunk: (chunk: T) => void, binary: boolean): StreamHandle {
    let req: http.ClientRequest | undefined;
    // The first reason the stream stopped wins (abort, silence, a bad event), not the socket's echo of it.
    let failure: Error | undefined;
    const fail = (e: Error) => {
      failure ??= e;
      req?.destroy(failure);
    };
    const run = async () => {
      const res = await this.open(path, query, (r) => {
        req = r;
        if (failure) r.destroy(failure);
        // Socket inactivity covers both a server that never answers and a stream gone quiet.
        if (silenceMs > 0) r.setTimeout(silenceMs, () => fail(new SilenceError(silenceMs)));
      });
      if ((res.statusCode ?? 0) >= 300) throw apiError(res.statusCode ?? 0, await readBody(res), path);
      onOpen?.();
      if (!binary) res.setEncoding('utf8');
      await new Promise<void>((ok, ko) => {
        res.on('data', (chunk: T) => {
          try {
            onChunk(chunk);
          } catch (e) {
            fail(e as Error);
          }
        });
        res.on('end', ok);
        res.on('error', ko);
        res.on('close', () => (res.complete ? ok() : ko(new Error('the connection closed mid-stream (ECONNRESET)'))));
      });
      if (failure) throw failure;
    };
    const done = run().catch((e) => {
      throw failure ?? e;
    });
    // A rejection nobody awaits (e.g. after abort) must not become an unhandled rejection.
    done.catch(() => undefined);
    return { done, abort: () => fail(new AbortedError()) };
  }

  /** Sends the GET and resolves with the response head. */
  private async open(path: string, query: Query, onRequest: (req: http.ClientRequest) => void): Promise<http.IncomingMessage> {
    assertReadOnlyPath(path);
    const server = this.server;
    if (!server) throw new Error(`context "${this.contextName}" names no cluster server`);
    const url = new URL(server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));

    const opts: https.RequestOptions = { headers: {} };
    const viaExecPlugin = !!this.kc.getCurrentUser()?.exec;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.kc.applyToHTTPSOptions(opts),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no credentials after ${this.credentialTimeoutMs / 1000} s (is the plugin waiting for an interactive login?)`)), this.credentialTimeoutMs);
        }),
      ]);
    } catch (e) {
      throw new CredentialError(e, viaExecPlugin);
    } finally {
      clearTimeout(timer);
    }
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, {
        ...opts,
        method: 'GET',
        headers: { ...opts.headers, Accept: 'application/json, */*', 'User-Agent': USER_AGENT },
      });
      req.on('response', resolve);
      req.on('error', reject);
      onRequest(req);
      req.end();
    });
  }
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    // Decoded as it arrives: one copy of the body in memory, not chunks + joined buffer + string.
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => resolve(text));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('the connection closed mid-response (ECONNRESET)'));
    });
  });
}

function apiError(status: number, body: string, path: string): ApiError {
  let parsed: KubeStatus | undefined;
  try {
    const o = JSON.parse(body);
    if (o && typeof o === 'object' && o.kind === 'Status') parsed = o as KubeStatus;
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the status code only.
  }
  return new ApiError(status, parsed ?? { code: status, message: body.slice(0, 300) || undefined }, path);
}
