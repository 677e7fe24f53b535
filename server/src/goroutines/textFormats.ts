/**
 * Streaming parsers of the two text goroutine dumps, fed chunk by chunk so a large profile is
 * grouped while it downloads and never held whole:
 *
 * - `debug=2` (also a panic's or SIGQUIT's traceback): one block per goroutine,
 *     goroutine 18 [chan send (leaked), 41 minutes]:
 *     example.com/orders.Fetch.func1()
 *     	/src/orders/fetch.go:61 +0x56
 *     created by example.com/orders.Fetch in goroutine 7
 *     	/src/orders/fetch.go:58 +0x85
 *   (header as printed by goroutineheader in $GOROOT/src/runtime/traceback.go).
 * - `debug=1`: goroutines already aggregated by stack, without states or creators,
 *     goroutine profile: total 15
 *     6 @ 0x489ace 0x4195bc …
 *     #	0x6747f5	example.com/orders.Fetch.func1+0x55	/src/orders/fetch.go:61
 */
import { GroupCollector, type Frame, type GoroutineProfile } from './profile';

/** Parsers take the dump's bytes as latin1 text (one character per byte, see reader.ts). */
export interface TextParser {
  push(text: string): void;
  /** `truncated`: the input was cut short, so the last block is dropped. */
  finish(truncated: boolean): Omit<GoroutineProfile, 'bytes' | 'leakDetection' | 'truncated'>;
}

/** Picks the parser from the first line: debug=1 starts with "goroutine profile: total N". */
export class TextProfileParser implements TextParser {
  private head = '';
  private parser: TextParser | undefined;

  push(text: string): void {
    if (this.parser) return this.parser.push(text);
    this.head += text;
    const firstLine = /^\s*(\S[^\n]*)\n/.exec(this.head);
    if (!firstLine) return;
    this.parser = /^goroutine(leak)? profile: total \d+/.test(firstLine[1]) ? new Debug1Parser() : new Debug2Parser();
    const head = this.head;
    this.head = '';
    this.parser.push(head);
  }

  finish(truncated: boolean): ReturnType<TextParser['finish']> {
    if (!this.parser) {
      this.parser = new Debug2Parser();
      this.parser.push(this.head);
    }
    return this.parser.finish(truncated);
  }
}

/** Splits chunks into lines; `onLine` gets each complete line without its newline (and without \r). */
class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    let pos = 0;
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.rest += text;
      return;
    }
    // The line begun in the previous chunk; then the chunk's own lines, sliced from it directly.
    if (this.rest) {
      this.emit(this.rest + text.slice(0, nl));
      this.rest = '';
      pos = nl + 1;
      nl = text.indexOf('\n', pos);
    }
    for (; nl >= 0; nl = text.indexOf('\n', pos)) {
      this.emit(text.slice(pos, nl));
      pos = nl + 1;
    }
    this.rest = text.slice(pos);
  }

  /** The unterminated last line, if any. */
  flush(): void {
    if (this.rest) this.emit(this.rest);
    this.rest = '';
  }

  private emit(line: string): void {
    this.onLine(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);
  }
}

const HEADER = /^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[(.*)\]:$/;

/** The status inside a header's brackets: "chan send (leaked), 41 minutes, locked to thread labels:{…}". */
export function parseStatus(status: string): { state: string; waitMinutes: number; leaked: boolean } {
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

/** "pkg.(*T).m(0xc000, {0x1, 0x2})" → "pkg.(*T).m" (arguments never contain parentheses). */
function withoutArgs(line: string): string {
  if (!line.endsWith(')')) return line;
  const open = line.lastIndexOf('(');
  return open > 0 ? line.slice(0, open) : line;
}

interface Block {
  id: number;
  status: ParsedStatus;
  /** The group key's pieces so far: function, location, function, location… (joined once, at the end). */
  parts: string[];
  /** A function line waiting for its location line. */
  func: string | undefined;
  created?: { func: string; at?: string };
  /** The next file line belongs to the creator. */
  inCreator: boolean;
}

type ParsedStatus = ReturnType<typeof parseStatus>;

/** "function\nfile:line\n" pairs (the body of a group key) as frames. */
function framesOf(body: string): Frame[] {
  const parts = body.split('\n');
  const frames: Frame[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) frames.push(frameOf(parts[i], parts[i + 1]));
  return frames;
}

/** A string of the latin1-decoded dump as the UTF-8 it was (file paths may hold any character). */
function utf8(s: string): string {
  return /[\x80-\xff]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

function frameOf(func: string, at: string): Frame {
  const colon = at.lastIndexOf(':');
  return { func: utf8(func), file: utf8(at.slice(0, colon)), line: Number(at.slice(colon + 1)) };
}

/** "\t/src/app/fetch.go:61 +0x56" → "/src/app/fetch.go:61"; undefined when it names no line. */
function locationOf(line: string): string | undefined {
  const plus = line.lastIndexOf(' +0x');
  const at = plus > 0 ? line.slice(1, plus) : line.slice(1);
  const colon = at.lastIndexOf(':');
  const digit = at.charCodeAt(colon + 1);
  return colon > 0 && digit >= 48 && digit <= 57 ? at : undefined;
}

/** Statuses repeat across goroutines ("chan send, 5 minutes"): parsed once each, up to this many. */
const STATUS_CACHE_SIZE = 10_000;

/**
 * debug=2: one block per goroutine. Each block's key is built as its lines arrive; frames are made
 * only for a new group, from its key, so 100,000 goroutines in a few hundred groups cost a few
 * string slices each.
 */
export class Debug2Parser implements TextParser {
  private readonly groups = new GroupCollector();
  private readonly lines = new LineSplitter((l) => this.line(l));
  private readonly statuses = new Map<string, ParsedStatus>();
  private block: Block | undefined;
  private skipped = 0;

  push(text: string): void {
    this.lines.push(text);
  }

  finish(truncated: boolean): ReturnType<TextParser['finish']> {
    if (truncated) this.block = undefined;
    else this.lines.flush();
    this.end();
    return { format: 'debug2', total: this.groups.total, groups: this.groups.result(), skipped: this.skipped };
  }

  private line(line: string): void {
    const b = this.block;
    const first = line.charCodeAt(0);
    if (line.length === 0) return this.end();
    if (first === 9 /* \t */) {
      if (!b) return;
      const at = locationOf(line);
      if (at === undefined) this.skipped++;
      else if (b.inCreator && b.created) b.created.at = at;
      else if (b.func !== undefined) {
        b.parts.push(b.func, at);
        b.func = undefined;
      } else this.skipped++;
      return;
    }
    if (first === 103 /* g */ && line.startsWith('goroutine ') && line.endsWith(']:')) {
      this.end();
      this.header(line);
      return;
    }
    // Outside a goroutine: a panic message, "exit status 2", a log line around a SIGQUIT dump.
    if (!b) return;
    if (first === 99 /* c */ && line.startsWith('created by ')) {
      const inG = line.lastIndexOf(' in goroutine ');
      b.created = { func: line.slice('created by '.length, inG >= 0 ? inG : undefined) };
      b.inCreator = true;
      return;
    }
    // "...additional frames elided...", "[originating from goroutine 7]:" (GODEBUG=tracebackancestors).
    if (first === 46 /* . */ || first === 91 /* [ */) return;
    // A function line; one still waiting for its location is dropped.
    b.func = withoutArgs(line);
  }

  private header(line: string): void {
    const open = line.indexOf(' [');
    const id = Number(line.slice('goroutine '.length, line.indexOf(' ', 'goroutine '.length)));
    if (open < 0 || !Number.isInteger(id) || !HEADER.test(line)) {
      this.skipped++;
      return;
    }
    const raw = line.slice(open + 2, -2);
    let status = this.statuses.get(raw);
    if (!status) {
      status = parseStatus(raw);
      if (this.statuses.size < STATUS_CACHE_SIZE) this.statuses.set(raw, status);
    }
    this.block = { id, status, parts: [], func: undefined, inCreator: false };
  }

  private end(): void {
    const b = this.block;
    if (!b) return;
    this.block = undefined;
    const { state, waitMinutes, leaked } = b.status;
    const created = b.created?.at;
    b.parts.push(created ? `@${b.created!.func}\n${created}` : '@');
    const key = `${state}\n${b.parts.join('\n')}`;
    this.groups.add(key, 1, waitMinutes, leaked, b.id, () => ({
      state,
      stack: framesOf(b.parts.slice(0, -1).join('\n')),
      createdBy: b.created?.at ? frameOf(b.created.func, b.created.at) : undefined,
    }));
  }
}

interface Record1 {
  count: number;
  parts: string[];
}

export class Debug1Parser implements TextParser {
  private readonly groups = new GroupCollector();
  private readonly lines = new LineSplitter((l) => this.line(l));
  private record: Record1 | undefined;
  private skipped = 0;
  /** "goroutineleak profile: total N": every goroutine listed was proven leaked. */
  private leakProfile = false;

  push(text: string): void {
    this.lines.push(text);
  }

  finish(truncated: boolean): ReturnType<TextParser['finish']> {
    if (truncated) this.record = undefined;
    else this.lines.flush();
    this.end();
    return { format: 'debug1', total: this.groups.total, groups: this.groups.result(), skipped: this.skipped };
  }

  private line(line: string): void {
    if (line === '') return this.end();
    const count = /^(\d+) @( 0x[0-9a-f]+)*$/.exec(line);
    if (count) {
      this.end();
      this.record = { count: Number(count[1]), parts: [] };
      return;
    }
    if (!this.record || !line.startsWith('#\t')) {
      const header = /^goroutine(leak)? profile: total \d+$/.exec(line);
      if (header) this.leakProfile = !!header[1];
      else if (!line.startsWith('# labels:')) this.skipped++;
      return;
    }
    // "#	0x6747f5	example.com/orders.Fetch.func1+0x55	/src/orders/fetch.go:61"
    const fields = line.split(/\t+/);
    if (fields.length < 4) {
      this.skipped++;
      return;
    }
    this.record.parts.push(fields[2].replace(/\+0x[0-9a-f]+$/, ''), fields.slice(3).join('\t'));
  }

  private end(): void {
    const r = this.record;
    if (!r) return;
    this.record = undefined;
    const body = r.parts.join('\n');
    this.groups.add(`\n${body}\n@`, r.count, 0, this.leakProfile, undefined, () => ({ state: '', stack: framesOf(body) }));
  }
}
