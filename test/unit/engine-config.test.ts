import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  defaultConfig,
  effectiveSeverity,
  excludeMatcher,
  goVersionAtLeast,
  loadConfigFile,
  mergeConfig,
  parseConfigText,
} from '../../server/src/engine/config';
import { goSemanticsFor } from '../../server/src/engine/analyze';
import { GoModLocator, parseGoMod } from '../../server/src/go/gomod';

const KNOWN = new Set(['go/lost-cancel', 'k8s/privileged']);

test('a valid .leaklens.yaml sets severities, excludes, the Go version and the Kubernetes switch', () => {
  const { config, errors } = parseConfigText(
    'rules:\n  go/lost-cancel: error\n  k8s/privileged: off\nexclude: ["gen/**", "**/*.pb.go"]\ngo:\n  version: "1.21"\nkubernetes:\n  enabled: false\n',
    '.leaklens.yaml',
    KNOWN,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(config, {
    rules: { 'go/lost-cancel': 'error', 'k8s/privileged': 'off' },
    exclude: ['gen/**', '**/*.pb.go'],
    goVersion: '1.21',
    enableKubernetes: false,
  });
});

test('invalid entries are reported with file, key and line; valid ones still apply', () => {
  const { config, errors } = parseConfigText(
    'rules:\n  go/lost-cancel: loud\n  go/nope: error\n  k8s/privileged: hint\ngo:\n  version: banana\ncolour: blue\n',
    'repo/.leaklens.yaml',
    KNOWN,
  );
  assert.deepEqual(
    errors.map((e) => [e.file, e.key, e.line]),
    [
      ['repo/.leaklens.yaml', 'rules.go/lost-cancel', 1],
      ['repo/.leaklens.yaml', 'rules.go/nope', 2],
      ['repo/.leaklens.yaml', 'go.version', 5],
      ['repo/.leaklens.yaml', 'colour', 6],
    ],
  );
  assert.deepEqual(config.rules, { 'k8s/privileged': 'hint' });
});

test('broken YAML is one error with a position, not an exception', () => {
  const { errors } = parseConfigText('rules: [\n  go/lost-cancel: error\n', 'c.yaml', KNOWN);
  assert.ok(errors.length >= 1);
  assert.equal(errors[0].file, 'c.yaml');
  assert.equal(typeof errors[0].line, 'number');
});

test('a missing config file is an empty configuration', () => {
  assert.deepEqual(loadConfigFile('/nonexistent/.leaklens.yaml', KNOWN), { config: {}, errors: [] });
});

test('settings override the file only where set; off disables a rule', () => {
  const file = mergeConfig(defaultConfig('/w'), { rules: { 'go/lost-cancel': 'error' }, goVersion: '1.20' });
  const merged = mergeConfig(file, { rules: { 'k8s/privileged': 'off' } });
  assert.equal(merged.goVersion, '1.20');
  assert.equal(effectiveSeverity(merged, 'go/lost-cancel', 'warning'), 'error');
  assert.equal(effectiveSeverity(merged, 'k8s/privileged', 'error'), undefined);
  assert.equal(effectiveSeverity(merged, 'go/other', 'hint'), 'hint');
});

test('exclude globs match paths relative to the config root', () => {
  const match = excludeMatcher({ ...defaultConfig('/w'), exclude: ['gen/**', '**/*_gen.go'] });
  assert.equal(match('/w/gen/a/b.go'), true);
  assert.equal(match('/w/pkg/x_gen.go'), true);
  assert.equal(match('/w/pkg/x.go'), false);
  assert.equal(match('gen/c.go'), true);
});

test('Go versions compare numerically', () => {
  assert.equal(goVersionAtLeast('1.23', 1, 23), true);
  assert.equal(goVersionAtLeast('1.23.4', 1, 23), true);
  assert.equal(goVersionAtLeast('1.9', 1, 23), false);
  assert.equal(goVersionAtLeast('1.100', 1, 23), true);
  assert.equal(goVersionAtLeast('go1.24rc1', 1, 23), true);
  assert.equal(goVersionAtLeast(undefined, 1, 23), false);
});

test('go.mod: go directive and godebug asynctimerchan, in line and block form', () => {
  assert.deepEqual(parseGoMod('module x\n\ngo 1.23.1 // pinned\n', 'go.mod'), { file: 'go.mod', goVersion: '1.23.1', asyncTimerChan: false });
  assert.equal(parseGoMod('module x\ngo 1.23\ngodebug asynctimerchan=1\n', 'go.mod').asyncTimerChan, true);
  assert.equal(parseGoMod('module x\ngo 1.23\ngodebug (\n\tpanicnil=1\n\tasynctimerchan=1\n)\n', 'go.mod').asyncTimerChan, true);
});

test('timer semantics come from the nearest go.mod, and the configured version wins', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-gomod-'));
  try {
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module a\n\ngo 1.23\n');
    fs.mkdirSync(path.join(dir, 'old'));
    fs.writeFileSync(path.join(dir, 'old', 'go.mod'), 'module b\n\ngo 1.21\n');
    fs.mkdirSync(path.join(dir, 'async'));
    fs.writeFileSync(path.join(dir, 'async', 'go.mod'), 'module c\n\ngo 1.24\ngodebug asynctimerchan=1\n');
    const mods = new GoModLocator();
    const cfg = defaultConfig(dir);
    assert.deepEqual(goSemanticsFor(path.join(dir, 'pkg', 'a.go'), cfg, mods), { goVersion: '1.23', timersCollected: true });
    assert.deepEqual(goSemanticsFor(path.join(dir, 'old', 'a.go'), cfg, mods), { goVersion: '1.21', timersCollected: false });
    assert.deepEqual(goSemanticsFor(path.join(dir, 'async', 'a.go'), cfg, mods), { goVersion: '1.24', timersCollected: false });
    assert.deepEqual(goSemanticsFor(path.join(dir, 'a.go'), { ...cfg, goVersion: '1.20' }, mods), { goVersion: '1.20', timersCollected: false });
    assert.deepEqual(goSemanticsFor('/nonexistent-root/x.go', cfg, mods), { goVersion: undefined, timersCollected: false });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
