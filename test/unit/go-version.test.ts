/**
 * Go-version awareness of the timer rules: the nearest go.mod (or the configured version) decides
 * whether unstopped timers are collected (Go >= 1.23 without asynctimerchan=1). Then the timer
 * rules only hint, and the time.After fix resets without draining. Fixed code is compiled and
 * vetted by the real Go toolchain under each version.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/engine/config';
import { fixAllEdits } from '../../server/src/engine/fixAll';
import { applyEdits } from '../../server/src/engine/text';
import type { Finding } from '../../server/src/engine/types';
import { initEngine, lintGo } from '../helpers/goEngine';

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
const COLLECTED_NOTE = /since Go 1\.23 an unstopped timer or ticker is garbage-collected/;

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

/** `go vet` in the module directory with the local toolchain only (no network). */
function goVet(dir: string): { status: number | null; output: string } {
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off', GOWORK: 'off' };
  const r = spawnSync('go', ['vet', './...'], { cwd: dir, env, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function gofmtClean(text: string): boolean {
  const r = spawnSync('gofmt', [], { input: text, encoding: 'utf8' });
  return r.status === 0 && r.stdout === text;
}

before(initEngine);
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('Go version awareness', () => {
  const go123 = moduleWith('go123', 'module example.com/svc\n\ngo 1.23.4\n');
  const go122 = moduleWith('go122', 'module example.com/svc\n\ngo 1.22\n');
  const asyncChan = moduleWith('async', 'module example.com/svc\n\ngo 1.24\n\ngodebug asynctimerchan=1\n');

  test('under Go 1.23 the timer rules hint and say why; other rules keep their severity', () => {
    const findings = lintGo(go123, SOURCE);
    const sev = severities(findings);
    for (const rule of TIMER_RULES) {
      assert.equal(sev[rule], 'hint', `${rule} under go 1.23`);
      assert.match(findings.find((f) => f.rule === rule)!.message, COLLECTED_NOTE);
    }
    assert.equal(sev['go/lost-cancel'], 'warning');
  });

  test('before Go 1.23, and with asynctimerchan=1, the timer rules warn without the note', () => {
    for (const file of [go122, asyncChan]) {
      const findings = lintGo(file, SOURCE);
      for (const rule of TIMER_RULES) {
        const f = findings.find((x) => x.rule === rule);
        assert.equal(f?.severity, 'warning', `${rule} in ${path.basename(path.dirname(file))}`);
        assert.doesNotMatch(f!.message, COLLECTED_NOTE);
      }
    }
  });

  test('the configured Go version overrides go.mod', () => {
    const sev = severities(lintGo(go122, SOURCE, { ...defaultConfig(), sections: { go: { version: '1.23' } } }));
    assert.equal(sev['go/time-tick'], 'hint');
    const back = severities(lintGo(go123, SOURCE, { ...defaultConfig(), sections: { go: { version: '1.21' } } }));
    assert.equal(back['go/time-tick'], 'warning');
  });

  test('the time.After fix resets directly under Go 1.23 and drains first before it', () => {
    const fixText = (file: string) => {
      const f = lintGo(file, SOURCE).find((x) => x.rule === 'go/time-after-in-loop')!;
      return applyEdits(SOURCE, f.fixes[0].edits);
    };
    const modern = fixText(go123);
    assert.match(modern, /\ttimer\.Reset\(time\.Second\)\n\t\tselect \{/);
    assert.doesNotMatch(modern, /!timer\.Stop\(\)/);
    for (const file of [go122, asyncChan]) {
      const legacy = fixText(file);
      assert.match(legacy, /if !timer\.Stop\(\) \{\n\t\t\tselect \{\n\t\t\tcase <-timer\.C:\n\t\t\tdefault:\n\t\t\t\}\n\t\t\}\n\t\ttimer\.Reset\(time\.Second\)/);
    }
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
