/**
 * What the fixture test does not see of the timeout, context and server rules: that every fix they
 * offer is marked as changing how the program runs, that their test-file fixtures are flagged once
 * the configuration checks tests, and that go/http-server-no-timeout is off until configured.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { defaultConfig, mergeConfig } from '../../server/src/engine/config';
import { everyRuleOn, initEngine, lintGo } from '../helpers/goEngine';

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

function lintFixture(rule: string, name: string, config = everyRuleOn()) {
  const file = path.join(FIXTURES, rule, name);
  return lintGo(file, fs.readFileSync(file, 'utf8'), config).filter((f) => f.rule === `go/${rule}`);
}

const fixtureFiles = (rule: string) => fs.readdirSync(path.join(FIXTURES, rule)).filter((f) => f.endsWith('.go'));

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
  const withTests = mergeConfig(everyRuleOn(), { tests: true });
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

test('go/http-server-no-timeout runs only when the configuration gives it a severity', () => {
  const file = path.join(FIXTURES, 'http-server-no-timeout', 'servers.go');
  const text = fs.readFileSync(file, 'utf8');
  const found = (config: ReturnType<typeof defaultConfig>) => lintGo(file, text, config).filter((f) => f.rule === 'go/http-server-no-timeout');
  assert.deepEqual(found(defaultConfig()), []);
  const on = found(mergeConfig(defaultConfig(), { rules: { 'go/http-server-no-timeout': 'info' } }));
  assert.ok(on.length > 0 && on.every((f) => f.severity === 'info'));
});
