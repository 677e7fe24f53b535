/**
 * Whole-word search in Go source: the cheap first look that tells the engine where (and whether)
 * to ask the syntax tree. A hit is only a place to look; the tree decides what is there.
 */

/** True when `word` occurs in `text` as a whole identifier or keyword, not inside a longer name. */
export function mentionsWord(text: string, word: string): boolean {
  return nextWord(text, word, 0) >= 0;
}

/** The offset of the first whole-word occurrence of `word` in `text`, or -1. */
export function firstWord(text: string, word: string): number {
  return nextWord(text, word, 0);
}

/** Offsets of the whole-word occurrences of `word` in `text`. */
export function wordOffsets(text: string, word: string): number[] {
  const out: number[] = [];
  for (let at = nextWord(text, word, 0); at >= 0; at = nextWord(text, word, at + word.length)) out.push(at);
  return out;
}

/**
 * Below this many words, one indexOf search per word beats building and running a pattern of them
 * all; past it (the many functions of a large file), one pass of the pattern is far cheaper.
 */
const FEW_WORDS = 16;

/**
 * Calls `visit` once with each whole-word occurrence of one of `words` (repeats count once) in
 * `text` and the word, in no particular order: one search per word when there are few, one pattern
 * over the text otherwise.
 */
export function forEachWordOf(text: string, words: readonly string[], visit: (at: number, word: string) => void): void {
  if (words.length <= FEW_WORDS) {
    for (const word of new Set(words)) for (const at of wordOffsets(text, word)) visit(at, word);
    return;
  }
  for (const m of text.matchAll(wordPattern(words))) visit(m.index, m[0]);
}

/** The index of the first of `offsets` (ascending) at or after `offset`: a binary search. */
export function firstAtOrAfter(offsets: readonly number[], offset: number): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function nextWord(text: string, word: string, from: number): number {
  for (let at = text.indexOf(word, from); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!isIdentifierChar(text.charCodeAt(at - 1)) && !isIdentifierChar(text.charCodeAt(at + word.length))) return at;
  }
  return -1;
}

/** The identifier or keyword `text` ends with: the field of a selector's text (`Close` in `resp.Body.Close`). */
export function trailingWord(text: string): string {
  let at = text.length;
  while (at > 0 && isIdentifierChar(text.charCodeAt(at - 1))) at--;
  return text.slice(at);
}

/** ASCII letters, digits and `_`; anything beyond ASCII counts too, as Go identifiers may hold it. */
export function isIdentifierChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127;
}

/**
 * A search for many words at once: which of `words` occur whole in a text, in one pass. The
 * declaration prefilter asks this for every rule's trigger words; one scan beats an indexOf per word.
 */
export function wordFinder(words: readonly string[]): (text: string) => Set<string> {
  const pattern = wordPattern(words);
  return (text) => new Set(text.match(pattern));
}

/** Word characters as isIdentifierChar has them: ASCII letters, digits, `_`, and any code unit past ASCII. */
const WORD_CHAR = '[0-9A-Za-z_\u0080-\uffff]';
/** RegExp source: no word character right before, so what follows starts a word. */
export const WORD_START = `(?<!${WORD_CHAR})`;
/** RegExp source: an identifier, word characters not starting with a digit. */
export const IDENTIFIER = `[A-Za-z_\u0080-\uffff]${WORD_CHAR}*`;

/** A global RegExp matching any of `words` as a whole word, as isIdentifierChar has words end. */
export function wordPattern(words: readonly string[]): RegExp {
  if (words.length === 0) return /(?!)/g;
  return new RegExp(`${WORD_START}(?:${alternationOf(words)})(?!${WORD_CHAR})`, 'g');
}

/** `words` as a RegExp alternation that matches them literally, the longest first (a prefix of another never wins). */
export function alternationOf(words: readonly string[]): string {
  return [...new Set(words)].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
}

/** `text` as a RegExp source that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
