/**
 * The verdicts (leaked, leaking, growing, blocked, ok) from one or two samples, growth per minute,
 * their order, and the runtime findings they put on workspace lines: at the creation site and the
 * blocking line, one finding when both are the same line, none for groups outside the workspace.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { assess, isLeak, type Sample } from '../../server/src/goroutines/assess';
import { growthText, runtimeFindings, summaryText } from '../../server/src/goroutines/evidence';
import { FrameMapper } from '../../server/src/goroutines/mapping';
import { readModule } from '../../server/src/goroutines/modules';
import { parseProfile } from '../../server/src/goroutines/reader';

/** A debug=2 dump with `n` goroutines per [status, function, file:line, creator file:line]. */
function dump(groups: [number, string, string, string, string?][]): string {
  let id = 1;
  const blocks: string[] = [];
  for (const [n, status, func, at, created] of groups) {
    for (let i = 0; i < n; i++) blocks.push(`goroutine ${id++} [${status}]:\n${func}()\n\t${at} +0x1${created ? `\ncreated by example.com/svc/x.Start in goroutine 1\n\t${created} +0x2` : ''}\n`);
  }
  return blocks.join('\n');
}

const sample = (text: string, takenAt: number): Sample => ({ profile: parseProfile(text), takenAt });
const verdicts = (a: ReturnType<typeof assess>) => Object.fromEntries(a.map((x) => [x.group.stack[0].func.split('.').pop(), [x.verdict, x.group.count, x.growthPerMinute]]));

describe('verdicts', () => {
  const before = dump([
    [3, 'chan send, 4 minutes', 'example.com/svc/x.send', '/src/x/x.go:10', '/src/x/x.go:9'],
    [2, 'chan receive', 'example.com/svc/x.young', '/src/x/x.go:20', '/src/x/x.go:19'],
    [5, 'IO wait, 2 minutes', 'example.com/svc/x.conn', '/src/x/x.go:30'],
    [1, 'select, 90 minutes', 'example.com/svc/x.loop', '/src/x/x.go:40'],
    [4, 'sync.Mutex.Lock, 3 minutes', 'example.com/svc/x.lock', '/src/x/x.go:50'],
    [2, 'running', 'example.com/svc/x.busy', '/src/x/x.go:60'],
  ]);
  const later = dump([
    [9, 'chan send, 5 minutes', 'example.com/svc/x.send', '/src/x/x.go:10', '/src/x/x.go:9'],
    [4, 'chan receive', 'example.com/svc/x.young', '/src/x/x.go:20', '/src/x/x.go:19'],
    [7, 'IO wait, 2 minutes', 'example.com/svc/x.conn', '/src/x/x.go:30'],
    [1, 'select, 90 minutes', 'example.com/svc/x.loop', '/src/x/x.go:40'],
    [4, 'sync.Mutex.Lock, 3 minutes', 'example.com/svc/x.lock', '/src/x/x.go:50'],
    [5, 'running', 'example.com/svc/x.busy', '/src/x/x.go:60'],
    [2, 'chan send (leaked)', 'example.com/svc/x.proven', '/src/x/x.go:70'],
  ]);

  test('two samples 30 s apart: growth per minute and what it means', () => {
    const a = assess(sample(later, 30_000), { minWaitMinutes: 1 }, sample(before, 0));
    assert.deepEqual(verdicts(a), {
      proven: ['leaked', 2, 4],
      send: ['leaking', 9, 12],
      conn: ['leaking', 7, 4],
      young: ['growing', 4, 4],
      busy: ['growing', 5, 6],
      lock: ['blocked', 4, 0],
      loop: ['ok', 1, 0],
    });
    assert.deepEqual(a.map((x) => x.verdict), ['leaked', 'leaking', 'leaking', 'growing', 'growing', 'blocked', 'ok'], 'worst first, then by size');
    assert.deepEqual([isLeak('leaked'), isLeak('leaking'), isLeak('growing'), isLeak('blocked')], [true, true, false, false]);
  });

  test('one sample: leaked and blocked only; a wait threshold of 0 counts every parked pile', () => {
    assert.deepEqual(verdicts(assess(sample(before, 0), { minWaitMinutes: 1 })), {
      send: ['blocked', 3, undefined],
      lock: ['blocked', 4, undefined],
      conn: ['ok', 5, undefined],
      young: ['ok', 2, undefined],
      busy: ['ok', 2, undefined],
      loop: ['ok', 1, undefined],
    });
    assert.equal(verdicts(assess(sample(before, 0), { minWaitMinutes: 0 })).young[0], 'blocked');
  });

  test('words: growth and summaries', () => {
    assert.deepEqual([growthText(12.04), growthText(2.46), growthText(0), growthText(-3)], ['+12/min', '+2.5/min', '±0/min', '−3/min']);
    const [send] = assess(sample(later, 30_000), { minWaitMinutes: 1 }, sample(before, 0)).filter((x) => x.verdict === 'leaking');
    assert.equal(summaryText(send), '9 goroutines blocked on chan send (up to 5 min, +12/min)');
  });
});

describe('runtime findings', () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-assess-')));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.writeFileSync(path.join(root, 'go.mod'), 'module example.com/svc\n');
  fs.mkdirSync(path.join(root, 'x'));
  fs.writeFileSync(path.join(root, 'x', 'x.go'), 'package x\n');
  const mapper = new FrameMapper([readModule(root)!], [root]);

  test('at the creation site and the blocking line, pointing at each other; one when they are the same line', () => {
    const text = dump([
      [6, 'chan send (leaked)', 'example.com/svc/x.Fetch.func1', '/build/x/x.go:26', '/build/x/x.go:25'],
      [3, 'chan receive, 9 minutes', 'example.com/svc/x.oneLine.func1', '/build/x/x.go:40', '/build/x/x.go:40'],
      [4, 'chan receive, 9 minutes', 'net/http.(*persistConn).readLoop', '/usr/local/go/src/net/http/transport.go:2400'],
    ]);
    const findings = runtimeFindings(assess(sample(text, 0), { minWaitMinutes: 1 }), mapper, 'pod a/b', (f) => path.relative(root, f));
    const file = path.join(root, 'x', 'x.go');
    assert.deepEqual(findings.map((f) => [f.file === file, f.line, f.code, f.severity, f.confirmsLeak]), [
      [true, 25, 'runtime/goroutines-leaked', 'error', true],
      [true, 24, 'runtime/goroutines-leaked', 'error', true],
      [true, 39, 'runtime/goroutines-blocked', 'info', false],
    ]);
    assert.equal(findings[0].message, '6 goroutines leaked here on chan send in pod a/b — proven leaked by the garbage collector; created at x/x.go:25');
    assert.equal(findings[1].message, 'Started here: 6 goroutines leaked on chan send in pod a/b — proven leaked by the garbage collector; blocked at x/x.go:26');
    assert.deepEqual(findings[0].related, [{ file, line: 24, message: 'created here: 6 goroutines leaked on chan send' }]);
    assert.equal(findings[2].message, '3 goroutines blocked here on chan receive (up to 9 min) in pod a/b (started here too)');
    assert.deepEqual(findings[2].related, []);
  });
});
