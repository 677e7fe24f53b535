/**
 * The fixture service of the runtime-evidence tests (test/fixtures/runtime/leaky): built here with
 * the Go toolchain, started as a real process, made to leak goroutines over HTTP, and read through
 * its net/http/pprof listener. See the program's doc comment for its endpoints.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

export const LEAKY_DIR = path.resolve(__dirname, '..', 'fixtures', 'runtime', 'leaky');
export const LEAKY_MODULE = 'example.com/leaky';

export interface BuildOptions {
  /** GOEXPERIMENT=goroutineleakprofile: serves /debug/pprof/goroutineleak (Go 1.26). */
  leakProfile?: boolean;
  /** -trimpath: frames name module paths, as release builds in containers do. */
  trimpath?: boolean;
}

/** Builds the fixture into a fresh temp directory; returns the binary's path. */
export function buildLeaky(opts: BuildOptions = {}): string {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-leaky-')), 'leaky');
  const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', ...(opts.leakProfile ? { GOEXPERIMENT: 'goroutineleakprofile' } : {}) };
  const r = spawnSync('go', ['build', ...(opts.trimpath ? ['-trimpath'] : []), '-o', out, '.'], { cwd: LEAKY_DIR, env, encoding: 'utf8' });
  if (r.error) throw new Error(`the Go toolchain is needed to build the fixture: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`go build of ${LEAKY_DIR} failed:\n${r.stderr}`);
  return out;
}

export interface Leaky {
  /** http://host:port of the application endpoints. */
  app: string;
  /** http://host:port of net/http/pprof. */
  pprof: string;
  /** Leaks `n` goroutines blocked on a channel send in orders.Fetch (the GC can prove these). */
  leak(n: number): Promise<void>;
  /** `n` broker subscribers that never exit (blocked on a channel the program still holds). */
  subscribe(n: number): Promise<void>;
  /** `n` goroutines blocked until release(): waiting, not leaked. */
  hold(n: number): Promise<void>;
  release(): Promise<void>;
  /** The raw profile at /debug/pprof/<name>?debug=N. */
  profile(name: 'goroutine' | 'goroutineleak', debug: 0 | 1 | 2): Promise<Buffer>;
  stop(): Promise<void>;
}

/**
 * Starts the binary (through `prefix`, e.g. `ip netns exec NS`) and waits for both listeners.
 * The process is killed when this test process exits, whatever happens.
 */
export async function startLeaky(bin: string, { addr = '127.0.0.1:0', pprof = '127.0.0.1:0', prefix = [] as string[] } = {}): Promise<Leaky> {
  const [cmd, ...args] = [...prefix, bin, '-addr', addr, '-pprof', pprof];
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const listening = new Promise<{ app: string; pprof: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`leaky did not start in 20 s: ${out}${err}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const a = /app listening on (\S+)/.exec(out);
      const p = /pprof listening on (\S+)/.exec(out);
      if (a && p) {
        clearTimeout(timer);
        resolve({ app: `http://${a[1]}`, pprof: `http://${p[1]}` });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`leaky exited (${code}): ${out}${err}`));
    });
  });
  const urls = await listening;
  // No keep-alive: a connection left open would be one more goroutine in the service's profile.
  const get = (url: string) =>
    new Promise<Buffer>((resolve, reject) => {
      http
        .get(url, { agent: false, headers: { Connection: 'close' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${url}: HTTP ${res.statusCode}`))));
          res.on('error', reject);
        })
        .on('error', reject);
    });
  return {
    ...urls,
    leak: async (n) => void (await get(`${urls.app}/leak?n=${n}`)),
    subscribe: async (n) => void (await get(`${urls.app}/subscribe?n=${n}`)),
    hold: async (n) => void (await get(`${urls.app}/hold?n=${n}`)),
    release: async () => void (await get(`${urls.app}/release`)),
    profile: (name, debug) => get(`${urls.pprof}/debug/pprof/${name}?debug=${debug}`),
    stop: async () => {
      process.removeListener('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      kill();
      await exited;
    },
  };
}

/** The 1-based line of the first line of `rel` (in the fixture) containing `text`. */
export function fixtureLine(rel: string, text: string): number {
  const lines = fs.readFileSync(path.join(LEAKY_DIR, rel), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no "${text}" in ${rel}`);
  return i + 1;
}
