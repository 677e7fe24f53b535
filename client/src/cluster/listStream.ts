/**
 * Splits a list response (`{"kind":"PodList","metadata":{…},"items":[{…},{…}]}`) into the JSON
 * text of each item while it streams in, so that a page of 500 pods never sits in memory whole,
 * neither as one string nor as one parsed tree: each item is parsed, summarized and dropped
 * before the next arrives. What is left, the list without its items, gives the page's
 * resourceVersion and continue token.
 */
import type { KubeList } from './kube';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const ITEMS_KEY = /"items"\s*:\s*$/;

export class ListItemSplitter {
  /** The list's text outside its items, with "items" left as an empty array. */
  private envelope = '';
  /** The beginning of an item whose end has not arrived yet. */
  private partial = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inItems = false;

  constructor(private readonly onItem: (json: string) => void) {}

  write(chunk: string): void {
    const text = this.partial + chunk;
    // text[start..] is not yet handed on (to onItem or the envelope); `partial` was scanned already.
    let start = 0;
    for (let i = this.partial.length; i < text.length; i++) {
      if (this.inString) {
        i = this.endOfString(text, i);
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.inItems && this.depth === 2) start = i; // an item begins; the comma before it is dropped
        else if (this.depth === 1 && c === OPEN_BRACKET && ITEMS_KEY.test(this.envelope + text.slice(start, i))) {
          this.inItems = true;
          this.envelope += text.slice(start, i + 1);
          start = i + 1;
        }
        this.depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.inItems && this.depth === 2) {
          this.onItem(text.slice(start, i + 1));
          start = i + 1;
        } else if (this.inItems && this.depth === 1) {
          this.inItems = false;
          start = i; // the closing bracket goes to the envelope
        }
      }
    }
    if (this.inItems && this.depth > 2) this.partial = text.slice(start);
    else {
      this.partial = '';
      if (!this.inItems) this.envelope += text.slice(start);
    }
  }

  /**
   * Where the string being read from `i` on ends (its closing quote), or text.length when it goes
   * on in the next chunk. Most of a list's text is inside strings: indexOf skips it natively.
   */
  private endOfString(text: string, i: number): number {
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    for (;;) {
      const quote = text.indexOf('"', i);
      const stop = quote < 0 ? text.length : quote;
      let k = stop;
      while (k > i && text.charCodeAt(k - 1) === BACKSLASH) k--;
      const escapes = (stop - k) % 2 === 1;
      if (quote < 0) {
        this.escaped = escapes;
        return text.length;
      }
      if (!escapes) {
        this.inString = false;
        return quote;
      }
      i = quote + 1;
    }
  }

  /** The list without its items; throws when the body was cut short or is not JSON. */
  end(): KubeList {
    if (this.depth !== 0 || this.inString) throw new Error('the list response ended mid-object');
    return JSON.parse(this.envelope) as KubeList;
  }
}
