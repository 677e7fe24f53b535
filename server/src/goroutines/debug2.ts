/**
 * The `debug=2` goroutine dump (also a panic's or SIGQUIT's traceback), streamed: one block per
 * goroutine, blocks separated by a blank line,
 *     goroutine 18 [chan send (leaked), 41 minutes]:
 *     example.com/orders.Fetch.func1(0xc000010000)
 *     	/src/orders/fetch.go:61 +0x56
 *     created by example.com/orders.Fetch in goroutine 7
 *     	/src/orders/fetch.go:58 +0x85
 * (the header as goroutineheader in $GOROOT/src/runtime/traceback.go prints it).
 *
 * A large service has 100,000 goroutines in a few hundred shapes, so each block is first reduced
 * to what identifies its group: the sequence of its locations (file:line, which name the function
 * too; the arguments, which differ from goroutine to goroutine, are not read), each location
 * numbered once per profile. Only a block of a sequence not seen yet is split into lines and
 * described (frames, and the group's key that later samples are matched by).
 */
import { GroupCollector, type Frame, type GoroutineGroup, type GoroutineProfile } from './profile';

export interface ParsedStatus {
  state: string;
  waitMinutes: number;
  leaked: boolean;
}

/** The status inside a header's brackets: "chan send (leaked), 41 minutes, locked to thread labels:{…}". */
export function parseStatus(status: string): ParsedStatus {
  const labels = status.indexOf(' labels:{');
  const parts = (labels >= 0 ? status.slice(0, labels) : status).split(', ');
  // The runtime appends " (leaked)", then " (scan)" (a GC scan in progress), then " (durable)".
  let state = parts[0].replace(' (scan)', '');
  const leaked = state.includes(' (leaked)');
  if (leaked) state = state.replace(' (leaked)', '');
  let waitMinutes = 0;
  for (const p of parts.slice(1)) {
    const m = /^(\d+) minutes$/.exec(p);
    if (m) waitMinutes = Number(m[1]);
  }
  return { state, waitMinutes, leaked };
}

const HEADER = /^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[(.*)\]:$/;
/** Statuses repeat across goroutines ("chan send, 5 minutes"): parsed once each, up to this many. */
const STATUS_CACHE_SIZE = 10_000;

/** "pkg.(*T).m(0xc000, {0x1, 0x2})" → "pkg.(*T).m" (arguments never contain parentheses). */
function withoutArgs(line: string): string {
  if (!line.endsWith(')')) return line;
  const open = line.lastIndexOf('(');
  return open > 0 ? line.slice(0, open) : line;
}

/** "\t/src/app/fetch.go:61 +0x56" → "/src/app/fetch.go:61"; undefined when it names no line. */
function locationOf(line: string): string | undefined {
  const plus = line.lastIndexOf(' +0x');
  const at = plus > 0 ? line.slice(1, plus) : line.slice(1);
  const colon = at.lastIndexOf(':');
  const digit = at.charCodeAt(colon + 1);
  return colon > 0 && digit >= 48 && digit <= 57 ? at : undefined;
}

/**
 * A string of the latin1-decoded dump as the UTF-8 it was (file paths may hold any character),
 * always a copy: a slice would keep its whole chunk of the dump alive for as long as the group.
 */
function utf8(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}

/** A copy of a slice of a chunk, which it would otherwise keep alive (a map key, say). */
function detached(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

export function frameOf(func: string, at: string): Frame {
  const colon = at.lastIndexOf(':');
  return { func: utf8(func), file: utf8(at.slice(0, colon)), line: Number(at.slice(colon + 1)) };
}

interface Described {
  key: string;
  stack: Frame[];
  createdBy?: Frame;
  /** Lines that could not be read. */
  skipped: number;
}

/** The body of a block (the lines after its header), read line by line: once per group. */
function describe(state: string, body: string[]): Described {
  const parts: string[] = [];
  const stack: Frame[] = [];
  let func: string | undefined;
  let created: { func: string; at?: string } | undefined;
  let skipped = 0;
  for (const line of body) {
    if (line.charCodeAt(0) === 9) {
      const at = locationOf(line);
      if (at === undefined) skipped++;
      else if (created) created.at ??= at;
      else if (func !== undefined) {
        parts.push(func, at);
        stack.push(frameOf(func, at));
        func = undefined;
      } else skipped++;
    } else if (line.startsWith('created by ')) {
      const inG = line.lastIndexOf(' in goroutine ');
      created = { func: line.slice('created by '.length, inG >= 0 ? inG : undefined) };
    } else if (line && !line.startsWith('...') && !line.startsWith('[')) {
      // A function line; one still waiting for its location is dropped.
      func = withoutArgs(line);
    }
  }
  const createdBy = created?.at ? frameOf(created.func, created.at) : undefined;
  return { key: `${state}\n${parts.join('\n')}\n@${created?.at ? `${created.func}\n${created.at}` : ''}`, stack, createdBy, skipped };
}

export class Debug2Parser {
  private readonly groups = new GroupCollector();
  private readonly statuses = new Map<string, ParsedStatus>();
  /** Per state, the groups by their sequence of location numbers. */
  private readonly index = new Map<string, Map<string, GoroutineGroup>>();
  /** Each distinct location ("file:line") of the profile, numbered. */
  private readonly locations = new Map<string, number>();
  /** The location numbers of the goroutine being read (stacks deeper than this are cut: Go prints at most 100 frames). */
  private readonly ids = new Uint16Array(1024);
  private rest = '';
  private skipped = 0;

  push(text: string): void {
    if (text.includes('\r')) text = text.replace(/\r/g, '');
    let pos = 0;
    if (this.rest) {
      // The block begun in an earlier chunk ends in this one: it alone is parsed from a joined
      // string (searching a joined string is slow; the chunk itself is searched as it is).
      const straddles = this.rest.endsWith('\n') && text.startsWith('\n');
      const end = straddles ? 0 : text.indexOf('\n\n');
      if (end < 0) {
        this.rest += text;
        return;
      }
      const joined = this.rest + text.slice(0, end);
      this.rest = '';
      this.block(joined, 0, straddles ? joined.length - 1 : joined.length);
      pos = straddles ? 1 : end + 2;
    }
    for (let end = text.indexOf('\n\n', pos); end >= 0; end = text.indexOf('\n\n', pos)) {
      this.block(text, pos, end);
      pos = end + 2;
    }
    this.rest = text.slice(pos);
  }

  finish(truncated: boolean): Omit<GoroutineProfile, 'bytes' | 'leakDetection' | 'truncated'> {
    // Cut short, the last block may be missing frames: it is dropped.
    if (!truncated && this.rest.trim()) this.block(this.rest, 0, this.rest.length);
    this.rest = '';
    return { format: 'debug2', total: this.groups.total, groups: this.groups.result(), skipped: this.skipped };
  }

  /** The block s[start, end): goroutines, or other text (a panic message, a log line) that is skipped. */
  private block(s: string, start: number, end: number): void {
    // Leading newlines (more than one blank line between blocks).
    while (start < end && s.charCodeAt(start) === 10) start++;
    if (!s.startsWith('goroutine ', start)) return;
    // Goroutines not separated by a blank line (a hand-edited or interleaved dump): one at a time.
    for (let next = s.indexOf('\ngoroutine ', start); next >= 0 && next < end; next = s.indexOf('\ngoroutine ', start)) {
      this.goroutine(s, start, next);
      start = next + 1;
    }
    this.goroutine(s, start, end);
  }

  /** One goroutine: its header, then its frames. */
  private goroutine(s: string, start: number, end: number): void {
    let headerEnd = s.indexOf('\n', start);
    if (headerEnd < 0 || headerEnd > end) headerEnd = end;
    if (s.charCodeAt(headerEnd - 1) !== 58 /* : */ || s.charCodeAt(headerEnd - 2) !== 93 /* ] */) return;
    const open = s.indexOf(' [', start);
    const raw = s.slice(open + 2, headerEnd - 2);
    let status = this.statuses.get(raw);
    if (!status) {
      if (open < 0 || open > headerEnd || !HEADER.test(s.slice(start, headerEnd))) {
        this.skipped++;
        return;
      }
      const own = detached(raw);
      status = parseStatus(own);
      if (this.statuses.size < STATUS_CACHE_SIZE) this.statuses.set(own, status);
    }
    const id = readInt(s, start + 'goroutine '.length);

    // The block's shape: its location numbers, the creator's after a marker (0), as one string
    // of char codes (a single allocation per goroutine).
    const ids = this.ids;
    let count = 0;
    for (let line = headerEnd + 1; line < end && count < ids.length - 1; ) {
      let eol = s.indexOf('\n', line);
      if (eol < 0 || eol > end) eol = end;
      const first = s.charCodeAt(line);
      if (first === 9 /* \t */) {
        const plus = s.lastIndexOf(' +0x', eol);
        const at = s.slice(line + 1, plus > line ? plus : eol);
        let n = this.locations.get(at);
        if (n === undefined) this.locations.set(detached(at), (n = this.locations.size + 1));
        // Two code units each: up to 2^32 distinct locations.
        ids[count++] = n & 0xffff;
        ids[count++] = n >>> 16;
      } else if (first === 99 /* c */ && s.startsWith('created by ', line)) {
        ids[count++] = 0;
        ids[count++] = 0;
      }
      line = eol + 1;
    }
    const shape = String.fromCharCode.apply(null, ids.subarray(0, count) as unknown as number[]);

    let byShape = this.index.get(status.state);
    if (!byShape) this.index.set(status.state, (byShape = new Map()));
    const known = byShape.get(shape);
    if (known) {
      this.groups.count(known, 1, status.waitMinutes, status.leaked, id);
      return;
    }
    const d = describe(status.state, s.slice(headerEnd + 1, end).split('\n'));
    this.skipped += d.skipped;
    const g = this.groups.add(d.key, 1, status.waitMinutes, status.leaked, id, () => ({ state: status.state, stack: d.stack, createdBy: d.createdBy }));
    byShape.set(shape, g);
  }
}

/** The decimal number at s[at…]. */
function readInt(s: string, at: number): number {
  let n = 0;
  for (let c = s.charCodeAt(at); c >= 48 && c <= 57; c = s.charCodeAt(++at)) n = n * 10 + (c - 48);
  return n;
}
