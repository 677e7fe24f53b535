/**
 * Go-version awareness of the timer rules: the nearest go.mod (or the configured version) decides
 * whether unstopped timers are collected (Go >= 1.23 without asynctimerchan=1). Then the timer
 * rules have nothing to report. Fixed code is compiled and vetted by the real Go toolchain under
 * each version.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/engine/config';
import { fixAllEdits } from '../../server/src/engine/fixAll';
import { applyEdits } from '../../server/src/engine/text';
import type { Finding } from '../../server/src/engine/types';
import { initEngine, lintGo } from '../helpers/goEngine';
import { gofmtClean, goVet } from '../helpers/goTool';

const SOURCE = `package svc

import (
	"context"
	"time"
)

func Consume(ctx context.Context, in <-chan int, handle func(int)) {
	for {
		select {
		case <-ctx.Done():
			return
		case v := <-in:
			handle(v)
		case <-time.After(time.Second):
		}
	}
}

func Poll(ctx context.Context, refresh func()) {
	t := time.NewTicker(time.Second)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			refresh()
		}
	}
}

func Wait(ctx context.Context, ready <-chan struct{}) bool {
	t := time.NewTimer(time.Minute)
	select {
	case <-ready:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func Sample(ready func() bool) bool {
	for range time.Tick(time.Second) {
		if ready() {
			return true
		}
	}
	return false
}

func Fetch(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second)
	return ctx.Err()
}
`;

const TIMER_RULES = ['go/ticker-not-stopped', 'go/time-after-in-loop', 'go/time-tick', 'go/timer-not-stopped'];

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-gover-'));

/** A module directory with the given go.mod text; returns the path of its svc.go. */
function moduleWith(name: string, goMod: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), goMod);
  const file = path.join(dir, 'svc.go');
  fs.writeFileSync(file, SOURCE);
  return file;
}

function severities(findings: Finding[]): Record<string, string> {
  return Object.fromEntries(findings.map((f) => [f.rule, f.severity]));
}

function fixAll(file: string, text: string): string {
  let current = text;
  for (let pass = 0; pass < 5; pass++) {
    const edits = fixAllEdits(current, lintGo(file, current));
    if (edits.length === 0) break;
    current = applyEdits(current, edits);
  }
  return current;
}

before(initEngine);
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('Go version awareness', () => {
  const go123 = moduleWith('go123', 'module example.com/svc\n\ngo 1.23.4\n');
  const go122 = moduleWith('go122', 'module example.com/svc\n\ngo 1.22\n');
  const asyncChan = moduleWith('async', 'module example.com/svc\n\ngo 1.24\n\ngodebug asynctimerchan=1\n');

  test('under Go 1.23 the timer rules report nothing; other rules are unchanged', () => {
    const sev = severities(lintGo(go123, SOURCE));
    for (const rule of TIMER_RULES) assert.equal(sev[rule], undefined, `${rule} under go 1.23`);
    assert.equal(sev['go/lost-cancel'], 'warning');
  });

  test('before Go 1.23, and with asynctimerchan=1, the timer rules warn', () => {
    for (const file of [go122, asyncChan]) {
      const sev = severities(lintGo(file, SOURCE));
      for (const rule of TIMER_RULES) assert.equal(sev[rule], 'warning', `${rule} in ${path.basename(path.dirname(file))}`);
    }
  });

  test('the configured Go version overrides go.mod', () => {
    const sev = severities(lintGo(go122, SOURCE, { ...defaultConfig(), sections: { go: { version: '1.23' } } }));
    assert.equal(sev['go/time-tick'], undefined);
    const back = severities(lintGo(go123, SOURCE, { ...defaultConfig(), sections: { go: { version: '1.21' } } }));
    assert.equal(back['go/time-tick'], 'warning');
  });

  test('the time.After fix stops and drains the timer before each Reset', () => {
    const f = lintGo(go122, SOURCE).find((x) => x.rule === 'go/time-after-in-loop')!;
    const fixed = applyEdits(SOURCE, f.fixes[0].edits);
    assert.match(fixed, /if !timer\.Stop\(\) \{\n\t\t\tselect \{\n\t\t\tcase <-timer\.C:\n\t\t\tdefault:\n\t\t\t\}\n\t\t\}\n\t\ttimer\.Reset\(time\.Second\)/);
  });

  for (const file of [go123, go122, asyncChan]) {
    const name = path.basename(path.dirname(file));
    test(`${name}: fix all leaves gofmt-clean code that go vet accepts and LeakLens no longer flags`, () => {
      const fixed = fixAll(file, SOURCE);
      assert.ok(gofmtClean(fixed), `not gofmt-clean:\n${fixed}`);
      assert.deepEqual(lintGo(file, fixed).map((f) => f.rule), []);
      fs.writeFileSync(file, fixed);
      const vet = goVet(path.dirname(file));
      assert.equal(vet.status, 0, `go vet failed:\n${vet.output}\n${fixed}`);
    });
  }

  test('go vet flags the original (the lost cancel), so the vet check can fail', () => {
    const dir = path.dirname(moduleWith('original', 'module example.com/svc\n\ngo 1.22\n'));
    const vet = goVet(dir);
    assert.notEqual(vet.status, 0);
    assert.match(vet.output, /cancel/);
  });
});
