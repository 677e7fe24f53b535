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
    const s = this.rest + text;
    let pos = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', pos)) {
      this.onLine(s.charCodeAt(nl - 1) === 13 ? s.slice(pos, nl - 1) : s.slice(pos, nl));
      pos = nl + 1;
    }
    this.rest = s.slice(pos);
  }

  /** The unterminated last line, if any. */
  flush(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}

const HEADER = /^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[(.*)\]:$/;
const FILE_LINE = /^\t(.*):(\d+)(?: \+0x[0-9a-f]+)?$/;

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
  state: string;
  waitMinutes: number;
  leaked: boolean;
  /** Function, location, function, location… each location "file:line". */
  parts: string[];
  created?: { func: string; at?: string };
  /** The next file line belongs to the creator. */
  inCreator: boolean;
}

function framesOf(parts: readonly string[]): Frame[] {
  const frames: Frame[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) frames.push(frameOf(parts[i], parts[i + 1]));
  return frames;
}

function frameOf(func: string, at: string): Frame {
  const colon = at.lastIndexOf(':');
  return { func, file: at.slice(0, colon), line: Number(at.slice(colon + 1)) };
}

export class Debug2Parser implements TextParser {
  private readonly groups = new GroupCollector();
  private readonly lines = new LineSplitter((l) => this.line(l));
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
    if (line === '') return this.end();
    if (line.startsWith('goroutine ') && line.endsWith(']:')) {
      this.end();
      const m = HEADER.exec(line);
      if (!m) {
        this.skipped++;
        return;
      }
      this.block = { id: Number(m[1]), ...parseStatus(m[2]), parts: [], inCreator: false };
      return;
    }
    // Outside a goroutine: a panic message, "exit status 2", a log line around a SIGQUIT dump.
    if (!b) return;
    if (line.charCodeAt(0) === 9) {
      const m = FILE_LINE.exec(line);
      if (!m) {
        this.skipped++;
        return;
      }
      const at = `${m[1]}:${m[2]}`;
      if (b.inCreator && b.created) b.created.at = at;
      else if (b.parts.length % 2 === 1) b.parts.push(at);
      else this.skipped++;
      return;
    }
    if (line.startsWith('created by ')) {
      const inG = line.lastIndexOf(' in goroutine ');
      b.created = { func: line.slice('created by '.length, inG >= 0 ? inG : undefined) };
      b.inCreator = true;
      return;
    }
    // "...additional frames elided...", "[originating from goroutine 7]:" (GODEBUG=tracebackancestors).
    if (line.startsWith('...') || line.startsWith('[')) return;
    if (b.parts.length % 2 === 1) b.parts.pop(); // a function line without a location
    b.parts.push(withoutArgs(line));
  }

  private end(): void {
    const b = this.block;
    if (!b) return;
    this.block = undefined;
    if (b.parts.length % 2 === 1) b.parts.pop();
    const created = b.created?.at ? `${b.created.func}\n${b.created.at}` : '';
    const key = `${b.state}\n${b.parts.join('\n')}\n@${created}`;
    this.groups.add(key, 1, b.waitMinutes, b.leaked, b.id, () => ({
      state: b.state,
      stack: framesOf(b.parts),
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
    const key = `\n${r.parts.join('\n')}\n@`;
    this.groups.add(key, r.count, 0, this.leakProfile, undefined, () => ({ state: '', stack: framesOf(r.parts) }));
  }
}
