/**
 * The goroutine profile parsers on what the runtime prints: every header variant of
 * runtime.goroutineheader ($GOROOT/src/runtime/traceback.go), panic tracebacks, the aggregated
 * debug=1 text, the protobuf of debug=0 (packed and unpacked fields), gzip, chunk boundaries
 * anywhere, CRLF, truncation and garbage. Real profiles of the fixture program are compared
 * across formats in goroutines-live.test.ts.
 */
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { describe, test } from 'node:test';
import { packageOf } from '../../server/src/goroutines/profile';
import { parseProfile, ProfileReader, ProfileTooLargeError } from '../../server/src/goroutines/reader';
import { parseStatus } from '../../server/src/goroutines/debug2';

const DUMP = `goroutine 1 [running]:
main.main()
	/src/app/main.go:12 +0x1d

goroutine 18 [chan send (leaked), 41 minutes]:
example.com/app/orders.Fetch.func1()
	/src/app/orders/fetch.go:61 +0x56
created by example.com/app/orders.Fetch in goroutine 7
	/src/app/orders/fetch.go:58 +0x85

goroutine 19 [chan send (leaked), 3 minutes]:
example.com/app/orders.Fetch.func1()
	/src/app/orders/fetch.go:61 +0x56
created by example.com/app/orders.Fetch in goroutine 9
	/src/app/orders/fetch.go:58 +0x85

goroutine 20 [select, 2 minutes, locked to thread]:
example.com/app/broker.(*Broker).loop(0xc000010000, {0x7f, 0x1})
	/src/app/broker/broker.go:40 +0x120
example.com/app/broker.New.gowrap1()
	/src/app/broker/broker.go:22 +0x25
created by example.com/app/broker.New in goroutine 1
	/src/app/broker/broker.go:22 +0x9c

goroutine 21 [IO wait, 9 minutes]:
internal/poll.runtime_pollWait(0x7f3d0c6e1d28, 0x72)
	/usr/local/go/src/runtime/netpoll.go:351 +0x85
net/http.(*persistConn).readLoop(0xc0001b6000)
	/usr/local/go/src/net/http/transport.go:2395 +0x1a5
...additional frames elided...
created by net/http.(*Transport).dialConn in goroutine 15
	/usr/local/go/src/net/http/transport.go:1944 +0x174c
`;

describe('debug=2 text', () => {
  test('groups by state, stack and creator; counts, waits, leaked marks and ids', () => {
    const p = parseProfile(DUMP);
    assert.deepEqual([p.format, p.total, p.groups.length, p.skipped, p.leakDetection], ['debug2', 5, 4, 0, true]);
    const orders = p.groups[0];
    assert.deepEqual(
      { count: orders.count, state: orders.state, leaked: orders.leaked, wait: orders.maxWaitMinutes, ids: orders.ids },
      { count: 2, state: 'chan send', leaked: 2, wait: 41, ids: [18, 19] },
    );
    assert.deepEqual(orders.stack, [{ func: 'example.com/app/orders.Fetch.func1', file: '/src/app/orders/fetch.go', line: 61 }]);
    assert.deepEqual(orders.createdBy, { func: 'example.com/app/orders.Fetch', file: '/src/app/orders/fetch.go', line: 58 });
    const broker = p.groups.find((g) => g.state === 'select')!;
    assert.equal(broker.maxWaitMinutes, 2);
    assert.equal(broker.stack[0].func, 'example.com/app/broker.(*Broker).loop', 'arguments are dropped');
    const main = p.groups.find((g) => g.state === 'running')!;
    assert.equal(main.createdBy, undefined);
    const http = p.groups.find((g) => g.state === 'IO wait')!;
    assert.deepEqual(http.stack.map((f) => f.line), [351, 2395], 'the elided-frames marker is not a frame');
  });

  test('every header variant of goroutineheader', () => {
    const cases: [string, ReturnType<typeof parseStatus>][] = [
      ['running', { state: 'running', waitMinutes: 0, leaked: false }],
      ['chan receive (nil chan)', { state: 'chan receive (nil chan)', waitMinutes: 0, leaked: false }],
      ['select (no cases), 1440 minutes', { state: 'select (no cases)', waitMinutes: 1440, leaked: false }],
      ['sync.WaitGroup.Wait (leaked) (scan), 5 minutes', { state: 'sync.WaitGroup.Wait', waitMinutes: 5, leaked: true }],
      ['chan receive (leaked) (durable)', { state: 'chan receive (durable)', waitMinutes: 0, leaked: true }],
      ['chan send (leaked), 7 minutes, locked to thread', { state: 'chan send', waitMinutes: 7, leaked: true }],
      ['chan receive (durable), synctest bubble 3', { state: 'chan receive (durable)', waitMinutes: 0, leaked: false }],
      ['GC worker (idle), 3 minutes labels:{"handler": "a, 9 minutes", "x": "]"}', { state: 'GC worker (idle)', waitMinutes: 3, leaked: false }],
    ];
    for (const [status, want] of cases) assert.deepEqual(parseStatus(status), want, status);
    // GOTRACEBACK=system adds gp= and m= to the header.
    const p = parseProfile('goroutine 7 gp=0xc000007c00 m=nil [semacquire, 2 minutes]:\nsync.runtime_Semacquire(0x1)\n\t/usr/local/go/src/runtime/sema.go:71 +0x25\n');
    assert.deepEqual([p.total, p.groups[0].state, p.groups[0].maxWaitMinutes, p.groups[0].ids], [1, 'semacquire', 2, [7]]);
  });

  test('a stack deeper than the runtime ever prints is read whole', () => {
    const frames = Array.from({ length: 600 }, (_, i) => `example.com/app.f${i}()\n\t/src/app/f.go:${i + 1} +0x1\n`).join('');
    const p = parseProfile(`goroutine 1 [select]:\n${frames}\ngoroutine 2 [select]:\n${frames}`);
    assert.deepEqual([p.total, p.groups.length, p.groups[0].stack.length], [2, 1, 600]);
  });

  test('a panic traceback: the message and trailing lines are not goroutines', () => {
    const p = parseProfile(`panic: runtime error: index out of range [3] with length 3\n\n${DUMP}\nexit status 2\n`);
    assert.equal(p.total, 5);
  });

  test('any chunking, CRLF line ends and a missing final newline give the same groups', () => {
    const whole = parseProfile(DUMP);
    const crlf = parseProfile(DUMP.replace(/\n/g, '\r\n').trimEnd());
    assert.deepEqual(crlf.groups, whole.groups);
    const bytes = Buffer.from(DUMP);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const r = new ProfileReader();
      r.push(bytes.subarray(0, cut));
      r.push(bytes.subarray(cut));
      assert.deepEqual(r.finish().groups, whole.groups, `cut at ${cut}`);
    }
    // One byte at a time: a block spans many chunks.
    const bytewise = new ProfileReader();
    for (let i = 0; i < bytes.length; i++) bytewise.push(bytes.subarray(i, i + 1));
    assert.deepEqual(bytewise.finish().groups, whole.groups);
    // A UTF-8 character split between chunks.
    const utf = Buffer.from('goroutine 1 [running]:\nmain.main()\n\t/src/äpp/main.go:3 +0x1\n');
    const r = new ProfileReader();
    const at = utf.indexOf(0xc3) + 1;
    r.push(utf.subarray(0, at));
    r.push(utf.subarray(at));
    assert.equal(r.finish().groups[0].stack[0].file, '/src/äpp/main.go');
  });

  test('at the size limit the last, partial goroutine is dropped and the profile marked truncated', () => {
    const bytes = Buffer.from(DUMP);
    const r = new ProfileReader(DUMP.indexOf('goroutine 20') + 30);
    assert.equal(r.push(bytes), false);
    const p = r.finish();
    assert.deepEqual([p.truncated, p.total, p.bytes], [true, 3, DUMP.indexOf('goroutine 20') + 30]);
  });

  test('garbage in a text dump is skipped and counted; binary garbage is a clear error', () => {
    const p = parseProfile('goroutine x [running]:\nmain.main()\n\tno line number here\ngoroutine 2 [running]:\nmain.f()\n\t/a.go:1\n\t/b.go:2\n');
    assert.equal(p.total, 1);
    assert.ok(p.skipped >= 2);
    assert.deepEqual(parseProfile('').groups, []);
    assert.throws(() => parseProfile('\u0000\u0001binary'), /neither a goroutine dump nor a valid pprof protobuf/);
  });

  test('import paths with dots in the last element are escaped by the linker', () => {
    assert.equal(packageOf('gopkg.in/yaml%2ev3.(*decoder).unmarshal'), 'gopkg.in/yaml%2ev3');
    assert.equal(packageOf('example.com/x/y.F[go.shape.int,go.shape.string]'), 'example.com/x/y');
    assert.equal(packageOf('main.main.func1'), 'main');
  });
});

describe('debug=1 text', () => {
  const DEBUG1 = `goroutine profile: total 9
6 @ 0x489ace 0x4195bc 0x4191b7 0x6747f6 0x4911c1
#	0x6747f5	example.com/app/orders.Fetch.func1+0x55	/src/app/orders/fetch.go:61

2 @ 0x489ace 0x44c197 0x4911c1
# labels: {"handler":"orders"}
#	0x488ca4	internal/poll.runtime_pollWait+0x84		/usr/local/go/src/runtime/netpoll.go:351
#	0x63546b	net/http.(*Server).Serve+0x30b			/usr/local/go/src/net/http/server.go:3434

1 @ 0x4911c1
`;
  test('counts per stack, no states or creators', () => {
    const p = parseProfile(DEBUG1);
    assert.deepEqual([p.format, p.total, p.groups.map((g) => g.count), p.skipped], ['debug1', 9, [6, 2, 1], 0]);
    assert.deepEqual(p.groups[0].stack, [{ func: 'example.com/app/orders.Fetch.func1', file: '/src/app/orders/fetch.go', line: 61 }]);
    assert.deepEqual(p.groups[1].stack.map((f) => f.func), ['internal/poll.runtime_pollWait', 'net/http.(*Server).Serve']);
    assert.equal(p.groups[0].state, '');
  });

  test('the goroutineleak profile at debug=1 lists leaked goroutines only', () => {
    const p = parseProfile(DEBUG1.replace('goroutine profile', 'goroutineleak profile'));
    assert.deepEqual([p.leakDetection, p.groups[0].leaked], [true, 6]);
  });
});

/** A minimal profile.proto writer for the tests: fields as Go's runtime/pprof writes them. */
class Proto {
  private readonly bytes: number[] = [];
  varint(n: number): this {
    while (n >= 0x80) {
      this.bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.bytes.push(n);
    return this;
  }
  field(no: number, n: number): this {
    return this.varint(no * 8).varint(n);
  }
  message(no: number, body: Proto | Uint8Array): this {
    const b = body instanceof Proto ? body.done() : body;
    this.varint(no * 8 + 2).varint(b.length);
    this.bytes.push(...b);
    return this;
  }
  packed(no: number, ns: number[]): this {
    const inner = new Proto();
    for (const n of ns) inner.varint(n);
    return this.message(no, inner);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function goroutineProto(sampleType = 'goroutine'): Uint8Array {
  const strings = ['', sampleType, 'count', 'runtime.gopark', 'runtime.chansend1', 'example.com/app/orders.Fetch.func1', '/src/app/orders/fetch.go', '/usr/local/go/src/runtime/chan.go', 'main.main', '/src/app/main.go'];
  const fn = (id: number, name: number, file: number) => new Proto().field(1, id).field(2, name).field(4, file);
  const loc = (id: number, ...lines: [number, number][]) => {
    const p = new Proto().field(1, id).field(2, 1).field(3, 0x4a0000 + id);
    for (const [f, l] of lines) p.message(4, new Proto().field(1, f).field(2, l));
    return p;
  };
  const p = new Proto()
    .message(11, new Proto().field(1, 1).field(2, 2))
    .message(1, new Proto().field(1, 1).field(2, 2))
    // Three locations: packed; the inlined chansend1 → gopark sits in one location of two lines.
    .message(2, new Proto().packed(1, [1, 2]).packed(2, [7]))
    // Two or fewer: one field each (runtime/pprof/protobuf.go uint64s).
    .message(2, new Proto().field(1, 3).field(2, 1))
    .message(4, loc(1, [1, 120], [2, 161]))
    .message(4, loc(2, [3, 61]))
    .message(4, loc(3, [4, 12]))
    .message(5, fn(1, 3, 7))
    .message(5, fn(2, 4, 7))
    .message(5, fn(3, 5, 6))
    .message(5, fn(4, 8, 9));
  for (const s of strings) p.message(6, Buffer.from(s));
  return p.field(9, 1_700_000_000_000_000_000 % 2 ** 50).done();
}

describe('protobuf (debug=0)', () => {
  test('samples become groups; the parked-in runtime function names the state; runtime frames are dropped', () => {
    const p = parseProfile(zlib.gzipSync(goroutineProto()));
    assert.deepEqual([p.format, p.total, p.groups.length, p.leakDetection], ['proto', 8, 2, false]);
    assert.deepEqual([p.groups[0].count, p.groups[0].state, p.groups[0].stack], [7, 'chan send', [{ func: 'example.com/app/orders.Fetch.func1', file: '/src/app/orders/fetch.go', line: 61 }]]);
    assert.deepEqual([p.groups[1].count, p.groups[1].state, p.groups[1].stack[0].func], [1, '', 'main.main']);
    // Uncompressed too.
    assert.deepEqual(parseProfile(goroutineProto()).groups, p.groups);
  });

  test('the goroutineleak sample type marks every goroutine leaked; other profiles are refused', () => {
    const p = parseProfile(zlib.gzipSync(goroutineProto('goroutineleak')));
    assert.deepEqual([p.leakDetection, p.groups[0].leaked], [true, 7]);
    assert.throws(() => parseProfile(zlib.gzipSync(goroutineProto('alloc_space'))), /alloc_space profile, not a goroutine profile/);
  });

  test('a gzipped text dump is read as text; broken gzip and a compressed profile over the limit fail clearly', () => {
    assert.equal(parseProfile(zlib.gzipSync(DUMP)).total, 5);
    assert.throws(() => parseProfile(zlib.gzipSync(DUMP).subarray(0, 40)), /not valid gzip/);
    const r = new ProfileReader(100);
    r.push(zlib.gzipSync(Buffer.alloc(10_000, 'x')));
    assert.throws(() => r.finish(), ProfileTooLargeError);
    assert.throws(() => parseProfile(new Proto().message(2, Uint8Array.of(0x0a, 0x09)).done()), /neither a goroutine dump nor a valid pprof protobuf/);
  });
});
