/**
 * Reading a goroutine profile from where it lives: a running process's net/http/pprof (a URL; the
 * pod proxy of the cluster view uses the same procedure through its own opener) or a saved dump.
 * Streams, stops at the size limit, reports progress and can be cancelled.
 *
 * A service built with GOEXPERIMENT=goroutineleakprofile (Go 1.26) serves
 * /debug/pprof/goroutineleak: asking it first runs a leak-detecting GC and prints every goroutine
 * with the leaked ones marked "(leaked)". Other services answer 404, and the ordinary goroutine
 * profile is read instead.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { ProfileReader } from './reader';
import type { GoroutineProfile } from './profile';

export interface ReadOptions {
  maxBytes: number;
  signal?: AbortSignal;
  /** Bytes read so far. */
  onProgress?: (bytes: number) => void;
}

export interface ChunkStream {
  /** Resolves at the end of the body; rejects on failure or after abort(). */
  done: Promise<void>;
  abort(): void;
}

/** Sends GET `path?query` and streams the body (binary) to `onChunk`. Errors must say their HTTP status (see `isNotFound`). */
export type OpenStream = (path: string, query: Record<string, string>, onChunk: (chunk: Buffer) => void) => ChunkStream;

export interface Endpoint {
  path: string;
  query: Record<string, string>;
  /** The goroutineleak profile: its "(leaked)" marks were decided by the GC. */
  leak: boolean;
}

export const PPROF_ENDPOINTS: readonly Endpoint[] = [
  { path: '/debug/pprof/goroutineleak', query: { debug: '2' }, leak: true },
  { path: '/debug/pprof/goroutine', query: { debug: '2' }, leak: false },
];

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** An HTTP answer other than 200 from a process's pprof server. */
class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    body: string,
  ) {
    super(`HTTP ${status} from ${url}${body.trim() ? `: ${body.trim().slice(0, 200)}` : ''}`);
    this.name = 'HttpStatusError';
  }
}

export interface ProfileRead {
  profile: GoroutineProfile;
  endpoint: Endpoint;
}

/**
 * Reads the first endpoint that exists (a 404 moves on to the next one). `isNotFound` tells a
 * missing endpoint from other failures, which are thrown.
 */
export async function readFirstEndpoint(open: OpenStream, endpoints: readonly Endpoint[], isNotFound: (e: unknown) => boolean, opts: ReadOptions): Promise<ProfileRead> {
  for (let i = 0; ; i++) {
    const endpoint = endpoints[i];
    try {
      return { profile: await readEndpoint(open, endpoint, opts), endpoint };
    } catch (e) {
      if (i + 1 < endpoints.length && isNotFound(e)) continue;
      throw e;
    }
  }
}

async function readEndpoint(open: OpenStream, endpoint: Endpoint, opts: ReadOptions): Promise<GoroutineProfile> {
  if (opts.signal?.aborted) throw new CancelledError();
  const reader = new ProfileReader(opts.maxBytes, endpoint.leak);
  let full = false;
  let cancelled = false;
  const stream = open(endpoint.path, endpoint.query, (chunk) => {
    if (full) return;
    full = !reader.push(chunk);
    opts.onProgress?.(reader.bytesRead);
    if (full) stream.abort();
  });
  const onAbort = () => {
    cancelled = true;
    stream.abort();
  };
  opts.signal?.addEventListener('abort', onAbort);
  try {
    await stream.done;
  } catch (e) {
    if (cancelled) throw new CancelledError();
    if (!full) throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return reader.finish();
}

/**
 * The endpoints behind a URL the user gave: a base ("http://127.0.0.1:6060", ".../debug/pprof/")
 * means both profiles; a profile's own URL (".../debug/pprof/goroutine?debug=1") means just that.
 */
function endpointsOf(url: URL): { origin: string; endpoints: Endpoint[] } {
  const p = url.pathname.replace(/\/+$/, '');
  const own = /^(.*)\/(goroutine|goroutineleak)$/.exec(p);
  if (own) {
    const query = Object.fromEntries(url.searchParams);
    return { origin: url.origin + own[1], endpoints: [{ path: `/${own[2]}`, query: { debug: '2', ...query }, leak: own[2] === 'goroutineleak' }] };
  }
  const base = p.endsWith('/debug/pprof') ? p.slice(0, -'/debug/pprof'.length) : p;
  return { origin: url.origin + base, endpoints: [...PPROF_ENDPOINTS] };
}

/** GET with node's http/https; aborting destroys the request. */
function openUrl(origin: string, timeoutMs = 30_000): OpenStream {
  return (p, query, onChunk) => {
    const url = new URL(origin + p);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let req: http.ClientRequest | undefined;
    let aborted = false;
    const done = new Promise<void>((resolve, reject) => {
      const transport = url.protocol === 'https:' ? https : http;
      req = transport.get(url, { headers: { 'User-Agent': 'leaklens-goroutines' }, timeout: timeoutMs }, (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += body.length < 1000 ? c : ''));
          res.on('end', () => reject(new HttpStatusError(res.statusCode ?? 0, url.href, body)));
          res.on('error', reject);
          return;
        }
        res.on('data', (c: Buffer) => onChunk(c));
        res.on('end', resolve);
        res.on('error', reject);
        res.on('close', () => (res.complete ? resolve() : reject(new Error(aborted ? 'aborted' : `the connection to ${url.host} closed mid-profile`))));
      });
      req.on('timeout', () => req?.destroy(new Error(`no answer from ${url.host} for ${timeoutMs / 1000} s (ETIMEDOUT)`)));
      req.on('error', reject);
    });
    done.catch(() => undefined);
    return {
      done,
      abort: () => {
        aborted = true;
        req?.destroy(new Error('aborted'));
      },
    };
  };
}

/** A running process's profile: the leak profile when served, else the goroutine profile. */
export function readProfileFromUrl(url: string, opts: ReadOptions): Promise<ProfileRead> {
  const { origin, endpoints } = endpointsOf(new URL(url));
  return readFirstEndpoint(openUrl(origin), endpoints, (e) => e instanceof HttpStatusError && e.status === 404, opts);
}

/** A saved dump: debug=2 or debug=1 text, or the (gzipped) protobuf. */
export function readProfileFromFile(file: string, opts: ReadOptions): Promise<GoroutineProfile> {
  const open: OpenStream = (_p, _q, onChunk) => {
    // Megabyte chunks: the size the reader decodes text in (reader.ts).
    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    stream.on('data', (c) => onChunk(c as Buffer));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('error', reject);
      stream.on('close', () => (stream.readableEnded ? resolve() : reject(new Error('aborted'))));
    });
    done.catch(() => undefined);
    return { done, abort: () => stream.destroy() };
  };
  // A dump's own name tells nothing about leak detection; its "(leaked)" marks speak for themselves.
  return readEndpoint(open, { path: '', query: {}, leak: false }, opts);
}

/** A human reason for a failure to read from a process. */
export function describeFetchError(e: unknown, what: string): string {
  const code = (e as { code?: string })?.code;
  if (code === 'ECONNREFUSED') return `nothing answers at ${what} (ECONNREFUSED): is the process running, with net/http/pprof on that port?`;
  if (e instanceof HttpStatusError && e.status === 404) return `${what} serves no goroutine profile (HTTP 404): import net/http/pprof and serve it on this port`;
  return `cannot read the goroutine profile from ${what}: ${(e as Error)?.message ?? e}`;
}
