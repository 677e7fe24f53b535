/**
 * What the fixture test does not see of the timeout, context and server rules: the severity of
 * bounded transports, that every fix they offer is marked as changing how the program runs, and
 * that their test-file fixtures are flagged once the configuration checks tests.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { defaultConfig, mergeConfig } from '../../server/src/engine/config';
import { initEngine, lintGo } from '../helpers/goEngine';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'go');
const RULES = [
  'exec-no-context',
  'http-client-no-timeout',
  'http-default-client',
  'http-request-no-context',
  'http-server-no-timeout',
  'net-dial-no-timeout',
  'server-no-shutdown',
];

before(initEngine);

function lintFixture(rule: string, name: string, config = defaultConfig()) {
  const file = path.join(FIXTURES, rule, name);
  return lintGo(file, fs.readFileSync(file, 'utf8'), config).filter((f) => f.rule === `go/${rule}`);
}

const fixtureFiles = (rule: string) => fs.readdirSync(path.join(FIXTURES, rule)).filter((f) => f.endsWith('.go'));

test('a client whose transport bounds part of the exchange is info, the others warnings', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'http-client-no-timeout', 'bound.go'), 'utf8').split('\n');
  const lineOf = (start: string) => text.findIndex((l) => l.trimStart().startsWith(start)) + 1;
  // The literal returned on the line after newProfileClient's signature, and dialBounded's.
  const bounded = [lineOf('func newProfileClient') + 1, lineOf('var dialBounded')];
  const findings = lintFixture('http-client-no-timeout', 'bound.go');
  const at = (severity: string) => findings.filter((f) => f.severity === severity).map((f) => f.range.start.line + 1);
  assert.deepEqual(at('info'), bounded);
  assert.equal(at('warning').length, findings.length - bounded.length);
});

test('every fix of these rules says how it changes the program, so Fix All leaves it out', () => {
  let fixes = 0;
  for (const rule of RULES) {
    for (const name of fixtureFiles(rule)) {
      for (const finding of lintFixture(rule, name)) {
        for (const fix of finding.fixes) {
          fixes++;
          assert.ok(fix.changesBehavior, `${rule}/${name}:${finding.range.start.line + 1} "${fix.title}" has no changesBehavior`);
        }
      }
    }
  }
  assert.ok(fixes > 20, `only ${fixes} fixes seen`);
});

test('test files the rules skip by default are flagged with tests: true', () => {
  const withTests = mergeConfig(defaultConfig(), { tests: true });
  for (const [rule, name] of [
    ['net-dial-no-timeout', 'probe_test.go'],
    ['net-dial-no-timeout', 'fakeproxy.go'],
    ['http-client-no-timeout', 'poll_test.go'],
    ['http-default-client', 'status_test.go'],
    ['http-server-no-timeout', 'servers_test.go'],
  ]) {
    assert.deepEqual(lintFixture(rule, name), [], `${rule}/${name} by default`);
    assert.equal(lintFixture(rule, name, withTests).length, 1, `${rule}/${name} with tests: true`);
  }
});
