/**
 * Runtime evidence from a real Go program: the fixture service (test/fixtures/runtime/leaky) built
 * here with the Go toolchain, run on loopback, made to leak, and read through its net/http/pprof —
 * in all three formats (the same groups from each), through the Go 1.26 goroutineleak profile,
 * mapped to the fixture's lines, sampled twice by an inspection session, and through
 * `leaklens goroutines` (text, JSON, SARIF, exit codes).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RuntimeSessions, type Target } from '../../client/src/runtime/sessions';
import { evidenceParams } from '../../client/src/runtime/evidence';
import { sitesOf } from '../../server/src/goroutines/evidence';
import { FrameMapper } from '../../server/src/goroutines/mapping';
import { readModule } from '../../server/src/goroutines/modules';
import type { GoroutineProfile } from '../../server/src/goroutines/profile';
import { parseProfile } from '../../server/src/goroutines/reader';
import { describeFetchError, readProfileFromFile, readProfileFromUrl } from '../../server/src/goroutines/sources';
import { buildLeaky, fixtureLine, LEAKY_DIR, startLeaky, type Leaky } from '../helpers/leakyProgram';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const MB = 1024 * 1024;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-live-'));
const mapper = () => new FrameMapper([readModule(LEAKY_DIR)!], [LEAKY_DIR]);
const fetchGo = path.join(LEAKY_DIR, 'orders', 'fetch.go');

let app: Leaky;
let go126: Leaky;

before(async () => {
  // A local build (absolute paths of this machine), and the Go 1.26 leak-profile build.
  app = await startLeaky(buildLeaky());
  go126 = await startLeaky(buildLeaky({ leakProfile: true }));
  await app.leak(5);
  await app.subscribe(3);
  await app.hold(2);
  await go126.leak(4);
  await go126.subscribe(2);
});

after(async () => {
  await app?.stop();
  await go126?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function countsIn(p: GoroutineProfile): Record<string, [number, string]> {
  const out: Record<string, [number, string]> = {};
  for (const g of p.groups) {
    const f = g.stack[0];
    if (f?.file.startsWith(LEAKY_DIR)) out[`${path.relative(LEAKY_DIR, f.file)}:${f.line}`] = [g.count, g.state];
  }
  return out;
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'goroutines', ...args], { cwd: LEAKY_DIR, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a real profile', () => {
  test('debug=2, debug=1 and the protobuf give the same groups of the fixture (states where the format has them)', async () => {
    const [d2, d1, d0] = await Promise.all([app.profile('goroutine', 2), app.profile('goroutine', 1), app.profile('goroutine', 0)]);
    const want = {
      [`orders/fetch.go:${fixtureLine('orders/fetch.go', 'ch <- lookup')}`]: [5, 'chan send'],
      [`broker/broker.go:${fixtureLine('broker/broker.go', 'case ev := <-events')}`]: [3, 'chan receive'],
      [`main.go:${fixtureLine('main.go', '<-ch')}`]: [2, 'chan receive'],
    };
    assert.deepEqual(countsIn(parseProfile(d2)), want);
    assert.deepEqual(countsIn(parseProfile(d0)), want);
    assert.deepEqual(countsIn(parseProfile(d1)), Object.fromEntries(Object.entries(want).map(([k, [n]]) => [k, [n, '']])));
    // Saved to files, they read the same.
    fs.writeFileSync(path.join(tmp, 'dump.txt'), d2);
    fs.writeFileSync(path.join(tmp, 'profile.pb.gz'), d0);
    assert.deepEqual(countsIn(await readProfileFromFile(path.join(tmp, 'dump.txt'), { maxBytes: MB })), want);
    assert.deepEqual(countsIn(await readProfileFromFile(path.join(tmp, 'profile.pb.gz'), { maxBytes: MB })), want);
  });

  test('mapped to the fixture: created at the go statement, blocked at the send', async () => {
    const { profile, endpoint } = await readProfileFromUrl(app.pprof, { maxBytes: 64 * MB });
    assert.equal(endpoint.path, '/debug/pprof/goroutine', 'no leak profile in this build: the 404 moves on');
    const orders = profile.groups.find((g) => g.stack[0].file === fetchGo)!;
    const sites = sitesOf(orders, mapper());
    assert.deepEqual([sites.created?.mapped?.line, sites.blocked?.mapped?.line], [fixtureLine('orders/fetch.go', 'go func()'), fixtureLine('orders/fetch.go', 'ch <- lookup')]);
    // A profile URL of its own is read as given (here: debug=1).
    const own = await readProfileFromUrl(`${app.pprof}/debug/pprof/goroutine?debug=1`, { maxBytes: MB });
    assert.equal(own.profile.format, 'debug1');
  });

  test('Go 1.26: the goroutineleak profile proves the orders goroutines leaked, not the reachable subscribers', async () => {
    const { profile, endpoint } = await readProfileFromUrl(go126.pprof, { maxBytes: 64 * MB });
    assert.equal(endpoint.path, '/debug/pprof/goroutineleak');
    assert.equal(profile.leakDetection, true);
    const byFile = (f: string) => profile.groups.find((g) => g.stack[0].file.endsWith(f))!;
    assert.deepEqual([byFile('orders/fetch.go').count, byFile('orders/fetch.go').leaked], [4, 4]);
    assert.equal(byFile('broker/broker.go').leaked, 0);
  });

  test('a port with nothing behind it says so', async () => {
    const e = await readProfileFromUrl('http://127.0.0.1:1', { maxBytes: MB }).catch((x: unknown) => x);
    assert.match(describeFetchError(e, 'http://127.0.0.1:1'), /nothing answers at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });
});

describe('an inspection session', () => {
  const urlTarget = (url: string): Target => ({
    key: `url:${url}`,
    label: `process ${url}`,
    live: true,
    read: async (opts) => ({ profile: (await readProfileFromUrl(url, opts)).profile, detail: url }),
  });

  test('two samples: growth per group; the group that grew while waiting is leaking', async () => {
    const sessions = new RuntimeSessions({ mapper, settings: () => ({ secondSampleMs: 800, minWaitMinutes: 0, maxBytes: 64 * MB }) });
    const changes: string[] = [];
    sessions.onDidChange((k) => changes.push(`${k}:${sessions.get(k)?.phase}`));
    let grown: Promise<void> | undefined;
    const s = await sessions.inspect(urlTarget(app.pprof), { onProgress: (m) => /^second sample/.test(m) && (grown ??= app.subscribe(4)) });
    await grown;
    const key = `url:${app.pprof}`;
    assert.deepEqual(changes, [`${key}:reading`, `${key}:waiting`, `${key}:reading`, `${key}:done`]);
    const broker = s.groups.find((a) => a.group.stack[0].file.endsWith('broker/broker.go'))!;
    assert.deepEqual([broker.verdict, broker.before, broker.group.count], ['leaking', 3, 7]);
    assert.ok(broker.growthPerMinute! > 60, `${broker.growthPerMinute}/min`);
    assert.equal(s.groups[0], broker, 'leaking groups come first');
    const items = evidenceParams(s, (f) => path.relative(LEAKY_DIR, f)).items.filter((i) => i.code === 'runtime/goroutines-leaking');
    assert.equal(items.length, 2);
  });

  test('cancelling the wait keeps the first sample; a dump is sampled once; clearing removes the session', async () => {
    const sessions = new RuntimeSessions({ mapper, settings: () => ({ secondSampleMs: 60_000, minWaitMinutes: 1, maxBytes: 64 * MB }) });
    const abort = new AbortController();
    const s = await sessions.inspect(urlTarget(app.pprof), { signal: abort.signal, onProgress: (m) => /^second sample/.test(m) && abort.abort() });
    assert.deepEqual([s.phase, s.samples.length, s.secondSkipped, s.error], ['done', 1, true, undefined]);
    assert.ok(s.groups.every((a) => a.verdict === 'ok'), 'one sample, nothing waited a minute: nothing to report');

    fs.writeFileSync(path.join(tmp, 'again.txt'), await app.profile('goroutine', 2));
    const file = path.join(tmp, 'again.txt');
    const dump = await sessions.inspect({ key: `file:${file}`, label: 'dump again.txt', live: false, read: async (o) => ({ profile: await readProfileFromFile(file, o), detail: file }) });
    assert.deepEqual([dump.phase, dump.samples.length], ['done', 1]);
    sessions.remove(`url:${app.pprof}`);
    assert.deepEqual(sessions.all().map((x) => x.target.key), [`file:${file}`]);
  });

  test('a failed read leaves a failed session that says why', async () => {
    const sessions = new RuntimeSessions({ mapper, settings: () => ({ secondSampleMs: 0, minWaitMinutes: 1, maxBytes: MB }) });
    await assert.rejects(sessions.inspect(urlTarget('http://127.0.0.1:1')));
    const s = sessions.get('url:http://127.0.0.1:1')!;
    assert.equal(s.phase, 'failed');
    assert.match(String(s.error), /ECONNREFUSED/);
    assert.deepEqual(evidenceParams(s, (f) => f).items, []);
  });
});

describe('leaklens goroutines', () => {
  test('text: leaked and blocked groups with their places in the working tree; --fail-on-leak exits 1 on a proven leak', () => {
    const plain = cli([app.pprof, '--min-wait', '0']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^http:\/\/127\.0\.0\.1:\d+: \d+ goroutines in \d+ groups\n/);
    assert.match(plain.stdout, /\nblocked +5 × chan send {2}created at orders\/fetch\.go:25, blocked at orders\/fetch\.go:26\n/);
    assert.match(plain.stderr, /leaklens: http:\/\/127\.0\.0\.1:\d+: \d+ goroutines in \d+ groups \(\d+ KB\)/);
    const leak = cli([go126.pprof, '--fail-on-leak']);
    assert.equal(leak.code, 1, leak.stderr);
    assert.match(leak.stdout, /\(leak detection by the garbage collector\)\nleaked +4 × chan send {2}created at orders\/fetch\.go:25, blocked at orders\/fetch\.go:26\n/);
  });

  test('json and sarif: the documented shapes, relative paths, 1-based lines', () => {
    const json = JSON.parse(cli([go126.pprof, '--format', 'json']).stdout);
    assert.equal(json.version, 1);
    assert.equal(json.samples[0].endpoint, '/debug/pprof/goroutineleak');
    const leaked = json.groups.find((g: { verdict: string }) => g.verdict === 'leaked');
    assert.deepEqual([leaked.count, leaked.leaked, leaked.blocked.workspaceFile, leaked.blocked.line], [4, 4, 'orders/fetch.go', 26]);
    assert.deepEqual(json.findings.map((f: { file: string; line: number; code: string }) => `${f.file}:${f.line} ${f.code}`).sort(), [
      'orders/fetch.go:25 runtime/goroutines-leaked',
      'orders/fetch.go:26 runtime/goroutines-leaked',
    ]);
    const sarif = JSON.parse(cli([go126.pprof, '--format', 'sarif']).stdout);
    const results = sarif.runs[0].results;
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(results.map((r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) => `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine}`).sort(), [
      'runtime/goroutines-leaked orders/fetch.go:25',
      'runtime/goroutines-leaked orders/fetch.go:26',
    ]);
    assert.equal(results[0].relatedLocations.length, 1);
  });

  test('usage and failures exit 2 with a reason', async () => {
    const file = path.join(tmp, 'usage.txt');
    fs.writeFileSync(file, await app.profile('goroutine', 2));
    assert.match(cli([file, '--second-sample', '5s']).stderr, /--second-sample needs a running target/);
    assert.equal(cli([file, '--second-sample', '5s']).code, 2);
    assert.equal(cli([]).code, 2);
    assert.match(cli(['--format', 'xml', file]).stderr, /--format expects one of text, json, sarif/);
    assert.match(cli(['--min-wait', 'soon', file]).stderr, /--min-wait expects a duration/);
    const refused = cli(['http://127.0.0.1:1']);
    assert.deepEqual([refused.code, /ECONNREFUSED/.test(refused.stderr)], [2, true]);
    assert.match(cli(['no/such/dump.txt']).stderr, /no such file/);
    fs.writeFileSync(path.join(tmp, 'binary.bin'), Buffer.from([0, 1, 2, 3, 0xff]));
    const binary = cli([path.join(tmp, 'binary.bin')]);
    assert.deepEqual([binary.code, /neither a goroutine dump nor a valid pprof protobuf/.test(binary.stderr)], [2, true]);
    assert.equal(cli(['--help']).code, 0);
  });
});
