/**
 * Streaming parsers of the two text goroutine dumps, fed chunk by chunk so a large profile is
 * grouped while it downloads and never held whole: `debug=2` (debug2.ts) and `debug=1`, goroutines
 * already aggregated by stack, without states or creators:
 *     goroutine profile: total 15
 *     6 @ 0x489ace 0x4195bc …
 *     #	0x6747f5	example.com/orders.Fetch.func1+0x55	/src/orders/fetch.go:61
 */
import { Debug2Parser, frameOf } from './debug2';
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

interface Record1 {
  count: number;
  parts: string[];
}

class Debug1Parser implements TextParser {
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
    const stack: Frame[] = [];
    for (let i = 0; i + 1 < r.parts.length; i += 2) stack.push(frameOf(r.parts[i], r.parts[i + 1]));
    this.groups.add(`\n${r.parts.join('\n')}\n@`, r.count, 0, this.leakProfile, undefined, () => ({ state: '', stack }));
  }
}
