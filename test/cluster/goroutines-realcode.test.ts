// The goroutine parsers and the frame mapper on a real, large Go service: the test control plane's
// kube-apiserver (built with -trimpath by scripts/build-controlplane.sh), with profiling on. Its
// profile is read in all three formats; every frame of k8s.io/apiserver and k8s.io/client-go maps
// into those modules' sources in the Go module cache (standing in for a workspace), onto a line
// that exists — inlined frames included, whose function names another package than their file;
// no line of the dump is skipped.
// Run: npx tsx --test test/cluster/goroutines-realcode.test.ts
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadKubeconfig } from '../../client/src/cluster/kubeconfig';
import { FrameMapper } from '../../server/src/goroutines/mapping';
import { readModule } from '../../server/src/goroutines/modules';
import type { GoroutineProfile } from '../../server/src/goroutines/profile';
import { ProfileReader } from '../../server/src/goroutines/reader';
import { startControlPlane, type ControlPlane } from './controlplane';

let cp: ControlPlane;
const modcache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();

before(async () => {
  cp = await startControlPlane({ auditPolicy: 'none', extraApiServerArgs: ['--profiling=true'] });
});

after(async () => {
  await cp?.stop();
});

/** /debug/pprof/goroutine?debug=N of the API server, as admin, streamed into the reader like a pod's profile. */
async function profile(debug: 0 | 1 | 2): Promise<GoroutineProfile> {
  const loaded = await loadKubeconfig(cp.adminKubeconfig, {}, cp.dir);
  assert.ok(loaded.ok);
  const reader = new ProfileReader(64 * 1024 * 1024);
  await loaded.config.apiFor('admin').streamBytes('/debug/pprof/goroutine', { debug }, (c) => reader.push(c)).done;
  return reader.finish();
}

test("kube-apiserver's profile: every format parses whole, and agrees on what is running", async () => {
  const [text, aggregated, proto] = [await profile(2), await profile(1), await profile(0)];
  process.stdout.write(`  kube-apiserver: ${text.total} goroutines in ${text.groups.length} groups (debug=2, ${Math.round(text.bytes / 1024)} KB)\n`);
  assert.ok(text.total > 200, `${text.total} goroutines`);
  assert.deepEqual([text.skipped, aggregated.skipped, proto.skipped], [0, 0, 0]);
  assert.deepEqual([text.format, aggregated.format, proto.format], ['debug2', 'debug1', 'proto']);
  // Taken a moment apart, the totals are close; the aggregated formats group at least as coarsely.
  for (const p of [aggregated, proto]) assert.ok(Math.abs(p.total - text.total) <= text.total * 0.05, `${p.format}: ${p.total} vs ${text.total}`);
  assert.ok(proto.groups.length <= text.groups.length);
  // Almost every goroutine of a server is parked; the states the text names include the common waits.
  const states = new Set(text.groups.map((g) => g.state));
  for (const s of ['select', 'chan receive', 'IO wait']) assert.ok(states.has(s), [...states].join(', '));
  assert.ok(text.groups.filter((g) => g.createdBy).length > text.groups.length * 0.9, 'creators are read');
});

test('frames of k8s.io/apiserver and client-go map to their module sources, onto lines that exist', async () => {
  const modules = ['k8s.io/apiserver@v0.36.3', 'k8s.io/client-go@v0.36.3'].map((m) => readModule(path.join(modcache, m)));
  assert.ok(modules.every(Boolean), `the module cache lacks k8s.io/apiserver or client-go v0.36.3 (filled by scripts/build-controlplane.sh)`);
  const mapper = new FrameMapper(modules.map((m) => m!), []);
  const p = await profile(2);
  let mapped = 0;
  const lines = new Map<string, number>();
  for (const g of p.groups) {
    for (const f of [...g.stack, ...(g.createdBy ? [g.createdBy] : [])]) {
      // The file names its module (-trimpath: "k8s.io/apiserver@v0.0.0/pkg/…"); inlining can put it
      // under another package's function name, so the file decides.
      const ours = /^k8s\.io\/(apiserver|client-go)@/.test(f.file);
      const m = mapper.map(f);
      assert.equal(!!m, ours, `${f.func} ${f.file}:${f.line} → ${m?.file}`);
      if (!m) continue;
      mapped++;
      if (!lines.has(m.file)) lines.set(m.file, fs.readFileSync(m.file, 'utf8').split('\n').length);
      assert.ok(m.line <= lines.get(m.file)!, `${m.file}:${m.line} is past the end`);
      assert.ok(m.file.endsWith(f.file.slice(f.file.indexOf('/', f.file.indexOf('@')))), `${f.file} → ${m.file}`);
    }
  }
  process.stdout.write(`  ${mapped} frames mapped into ${lines.size} files of k8s.io/apiserver and client-go\n`);
  assert.ok(mapped > 50, `${mapped} frames mapped`);
});
