import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  checksTestCode,
  defaultConfig,
  effectiveSeverity,
  excludeMatcher,
  loadConfigFile,
  mergeConfig,
  parseConfigText,
  rulesOn,
} from '../../server/src/engine/config';
import { goSemanticsFor } from '../../server/src/lint/analyze';
import { configSchema } from '../../server/src/lint/config';
import { goVersionAtLeast, GoModLocator, parseGoMod } from '../../server/src/go/gomod';

const KNOWN = configSchema;

test('a valid .leaklens.yaml sets severities, excludes, the Go version and the Kubernetes switch', () => {
  const { config, errors } = parseConfigText(
    'rules:\n  go/lost-cancel: error\n  k8s/privileged: off\n  go/http-default-client: {severity: info, tests: true}\ntests: false\nexclude: ["gen/**", "**/*.pb.go"]\ngo:\n  version: 1.20\nkubernetes:\n  enabled: false\n',
    '.leaklens.yaml',
    KNOWN,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(config, {
    rules: { 'go/lost-cancel': 'error', 'k8s/privileged': 'off', 'go/http-default-client': 'info' },
    ruleTests: { 'go/http-default-client': true },
    tests: false,
    exclude: ['gen/**', '**/*.pb.go'],
    sections: { go: { version: '1.20' }, kubernetes: { enabled: false } },
  });
});

test('invalid entries are reported with file, key and line; valid ones still apply', () => {
  const { config, errors } = parseConfigText(
    'rules:\n  go/lost-cancel: loud\n  go/nope: error\n  k8s/privileged: hint\ngo:\n  version: banana\ncolour: blue\ntests: sometimes\n',
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
      ['repo/.leaklens.yaml', 'tests', 7],
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
  const file = mergeConfig(defaultConfig('/w'), { rules: { 'go/lost-cancel': 'error' }, sections: { go: { version: '1.20', enabled: true } } });
  const merged = mergeConfig(file, { rules: { 'k8s/privileged': 'off' }, sections: { go: { enabled: false } } });
  assert.deepEqual(merged.sections.go, { version: '1.20', enabled: false });
  assert.equal(effectiveSeverity(merged, 'go/lost-cancel', 'warning'), 'error');
  assert.equal(effectiveSeverity(merged, 'k8s/privileged', 'error'), undefined);
  assert.equal(effectiveSeverity(merged, 'go/other', 'hint'), 'hint');
});

test('test code: a rule\'s own setting wins over tests:, which wins over the rule\'s scope', () => {
  const quiet = { id: 'go/a', scope: { tests: { checked: false, why: '' } } };
  const loud = { id: 'go/b', scope: { tests: { checked: true, why: '' } } };
  const plain = { id: 'go/c' };
  const base = defaultConfig();
  assert.deepEqual(rulesOn(base, [quiet, loud, plain], { testCode: true }).map((r) => r.id), ['go/b', 'go/c']);
  assert.deepEqual(rulesOn(base, [quiet, loud, plain]).map((r) => r.id), ['go/a', 'go/b', 'go/c']);
  assert.equal(checksTestCode({ ...base, tests: true }, quiet), true);
  assert.equal(checksTestCode({ ...base, tests: false }, loud), false);
  assert.equal(checksTestCode({ ...base, tests: false, ruleTests: { 'go/b': true } }, loud), true);
  assert.equal(checksTestCode({ ...base, tests: true, ruleTests: { 'go/a': false } }, quiet), false);
});

test('a former rule id in the configuration names the rule it became', () => {
  const renamed = { ...configSchema, ruleId: (id: string) => (id === 'go/old-name' ? 'go/lost-cancel' : configSchema.ruleId(id)) };
  const { config, errors } = parseConfigText('rules:\n  go/old-name: error\n', 'c.yaml', renamed);
  assert.deepEqual(errors, []);
  assert.deepEqual(config.rules, { 'go/lost-cancel': 'error' });
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
    assert.deepEqual(goSemanticsFor(path.join(dir, 'a.go'), { ...cfg, sections: { go: { version: '1.20' } } }, mods), { goVersion: '1.20', timersCollected: false });
    assert.deepEqual(goSemanticsFor('/nonexistent-root/x.go', cfg, mods), { goVersion: undefined, timersCollected: false });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
