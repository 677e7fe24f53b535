/**
 * The protobuf goroutine profile (`/debug/pprof/goroutine`, debug=0, after gunzip): samples of
 * identical stacks with their count. Only the few fields of profile.proto
 * (github.com/google/pprof/proto/profile.proto) that a goroutine profile needs are read, with a
 * small varint reader; everything else is skipped by wire type. The profile names no wait states:
 * they are inferred from the runtime function the goroutine parked in (runtime.chansend → "chan
 * send"), and those runtime frames are then dropped, as the debug=2 text does.
 */
import { GroupCollector, type Frame, type GoroutineProfile } from './profile';

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a number; exact below 2^53, which covers ids, indexes, lines and counts. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('varint too long');
    }
  }

  /** A length-delimited field's bounds. */
  bytes(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new Error('field runs past its message');
    this.pos += len;
    return [start, start + len];
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
  }

  /** Repeated numbers, packed (wire type 2) or one per field (wire type 0). */
  numbers(wireType: number, into: number[]): void {
    if (wireType === 0) {
      into.push(this.varint());
      return;
    }
    const [start, end] = this.bytes();
    const inner = new Reader(this.buf, start, end);
    while (!inner.done) into.push(inner.varint());
  }

  sub(): Reader {
    const [start, end] = this.bytes();
    return new Reader(this.buf, start, end);
  }
}

/** Runtime functions a goroutine parks in, and the wait reason the text dump would print. */
const PARKED_IN: Record<string, string> = {
  'runtime.chansend': 'chan send',
  'runtime.chanrecv': 'chan receive',
  'runtime.selectgo': 'select',
  'runtime.block': 'select (no cases)',
  'runtime.netpollblock': 'IO wait',
  'time.Sleep': 'sleep',
  'sync.runtime_SemacquireWaitGroup': 'sync.WaitGroup.Wait',
  'sync.runtime_SemacquireMutex': 'sync.Mutex.Lock',
  'sync.runtime_SemacquireRWMutexR': 'sync.RWMutex.RLock',
  'sync.runtime_SemacquireRWMutex': 'sync.RWMutex.Lock',
  'sync.runtime_notifyListWait': 'sync.Cond.Wait',
  'sync.runtime_Semacquire': 'semacquire',
};

/** Frames the text dump hides: the runtime's own (except the ones users recognise). */
function hidden(func: string): boolean {
  return func.startsWith('runtime.') && func !== 'runtime.main' && !func.startsWith('runtime.Goexit');
}

interface Location {
  /** Innermost (inlined) first, like the profile. */
  lines: { functionId: number; line: number }[];
}

/** Decodes an uncompressed profile.proto message. Throws on malformed input. */
export function parseProtoProfile(buf: Uint8Array): Omit<GoroutineProfile, 'bytes' | 'truncated'> {
  const strings: string[] = [];
  const functions = new Map<number, { name: number; file: number }>();
  const locations = new Map<number, Location>();
  const samples: { locations: number[]; count: number }[] = [];
  const sampleTypes: number[] = [];
  const decoder = new TextDecoder();

  const top = new Reader(buf);
  while (!top.done) {
    const tag = top.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire !== 2) {
      top.skip(wire);
      continue;
    }
    switch (field) {
      case 1: {
        const vt = top.sub();
        while (!vt.done) {
          const t = vt.varint();
          if (t >> 3 === 1) sampleTypes.push(vt.varint());
          else vt.skip(t & 7);
        }
        break;
      }
      case 2: {
        const s = top.sub();
        const locs: number[] = [];
        const values: number[] = [];
        while (!s.done) {
          const t = s.varint();
          if (t >> 3 === 1) s.numbers(t & 7, locs);
          else if (t >> 3 === 2) s.numbers(t & 7, values);
          else s.skip(t & 7);
        }
        samples.push({ locations: locs, count: values[0] ?? 0 });
        break;
      }
      case 4: {
        const l = top.sub();
        let id = 0;
        const lines: Location['lines'] = [];
        while (!l.done) {
          const t = l.varint();
          if (t >> 3 === 1) id = l.varint();
          else if (t >> 3 === 4) {
            const ln = l.sub();
            let functionId = 0;
            let line = 0;
            while (!ln.done) {
              const u = ln.varint();
              if (u >> 3 === 1) functionId = ln.varint();
              else if (u >> 3 === 2) line = ln.varint();
              else ln.skip(u & 7);
            }
            lines.push({ functionId, line });
          } else l.skip(t & 7);
        }
        locations.set(id, { lines });
        break;
      }
      case 5: {
        const f = top.sub();
        let id = 0;
        let name = 0;
        let file = 0;
        while (!f.done) {
          const t = f.varint();
          if (t >> 3 === 1) id = f.varint();
          else if (t >> 3 === 2) name = f.varint();
          else if (t >> 3 === 4) file = f.varint();
          else f.skip(t & 7);
        }
        functions.set(id, { name, file });
        break;
      }
      case 6: {
        const [start, end] = top.bytes();
        strings.push(decoder.decode(buf.subarray(start, end)));
        break;
      }
      default:
        top.skip(wire);
    }
  }

  const sampleType = strings[sampleTypes[0]] ?? '';
  if (sampleType && sampleType !== 'goroutine' && sampleType !== 'goroutineleak') {
    throw new Error(`this is a ${sampleType} profile, not a goroutine profile`);
  }
  const leakProfile = sampleType === 'goroutineleak';
  const groups = new GroupCollector();
  let skipped = 0;
  for (const s of samples) {
    const all: Frame[] = [];
    for (const id of s.locations) {
      const loc = locations.get(id);
      if (!loc) {
        skipped++;
        continue;
      }
      for (const l of loc.lines) {
        const fn = functions.get(l.functionId);
        all.push({ func: strings[fn?.name ?? 0] ?? '?', file: strings[fn?.file ?? 0] ?? '', line: l.line });
      }
    }
    let state = '';
    for (const f of all) {
      const reason = PARKED_IN[f.func.replace(/[0-9]+$/, '')];
      if (reason) {
        state = reason;
        break;
      }
    }
    const stack = all.filter((f) => !hidden(f.func));
    const key = `${state}\n${stack.map((f) => `${f.func}\n${f.file}:${f.line}`).join('\n')}\n@`;
    groups.add(key, s.count, 0, leakProfile, undefined, () => ({ state, stack }));
  }
  return { format: 'proto', total: groups.total, groups: groups.result(), leakDetection: leakProfile, skipped };
}
