/**
 * A line scan that proves a YAML document parses without error, for documents written in a plain
 * block subset of YAML: block mappings and sequences with consistent indentation, unique keys made
 * of letters, digits and `._/-`, single-line plain or quoted scalars without escapes, one-line flow
 * sequences of such scalars, and `|`/`>` block scalars. Printable ASCII only; no tabs, anchors,
 * aliases, tags, flow mappings or directives. Anything else answers false: "not proven", and the
 * caller parses the document to find out. It decides whether a document needs parsing, never what
 * a rule reads (rules read what the `yaml` parser builds).
 */

/** YAML 1.1 reads these keys as booleans or null: two of them can be the same key. */
const NON_STRING_KEY = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
const KEY = /^[A-Za-z][A-Za-z0-9_./-]*$/;
/** Outside printable ASCII and the line break, or `{` (flow mappings, Go templates), tab, `\r`. */
const UNSUPPORTED_CHAR = /[^\x20-\x7e\n]|[{}]/;
/** A plain scalar that stays one scalar: no indicator first (`-` only before a non-space), no `: ` or ` #` inside, not ending in `:`. */
const PLAIN_VALUE = /^(?:[A-Za-z0-9_./$()~+=^;]|-(?=[^ ]))(?:[^:#[\]]|:(?! |$)|(?<! )#)*$/;
const FLOW_ITEM = /^(?:"[^"\\]*"|'[^']*'|[A-Za-z0-9_][A-Za-z0-9_./-]*)$/;
const BLOCK_SCALAR_HEADER = /^[|>][-+]?$/;
/** Comment words of suppression directives (engine/suppress.ts): lines they sit on are never blanked. */
const DIRECTIVE_WORDS = /leaklens:ignore|nolint|nosec|gosec:disable/;
/** Keys this long stop being implicit keys for the parser. */
const MAX_LINE = 1000;

interface Frame {
  indent: number;
  seq: boolean;
  keys?: Set<string>;
  /** A sequence at the indentation of the mapping key it is the value of (`key:\n- item`). */
  underKey?: boolean;
}

/** True only when the `yaml` parser reads `doc` (one document, its `---` line first or none) without error. */
export function parsesWithoutError(doc: string): boolean {
  if (UNSUPPORTED_CHAR.test(doc) || DIRECTIVE_WORDS.test(doc)) return false;
  const lines = doc.split('\n');
  const stack: Frame[] = [];
  /** Indentation of a key whose value is on the next lines (undefined: none pending). */
  let pendingKey: number | undefined;
  let i = 0;
  if (lines[0].startsWith('---')) {
    if (!isBlankOrComment(lines[0].slice(3))) return false;
    i = 1;
  }
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > MAX_LINE) return false;
    const indent = indentOf(line);
    if (indent === line.length || line[indent] === '#') continue;
    let content = line.slice(indent);
    const isItem = content.startsWith('- ');
    if (!isItem && (content === '-' || content.startsWith('...') || content.startsWith('---'))) return false;

    // Where the line goes: a new collection under a pending key, or a sibling in an open one.
    if (pendingKey !== undefined && (indent > pendingKey || (isItem && indent === pendingKey))) {
      stack.push({ indent, seq: isItem, keys: isItem ? undefined : new Set(), underKey: isItem && indent === pendingKey });
    } else if (stack.length === 0) {
      if (indent !== 0) return false;
      stack.push({ indent, seq: isItem, keys: isItem ? undefined : new Set() });
    } else {
      while (stack.length > 0 && stack[stack.length - 1].indent > indent) stack.pop();
      const top = stack[stack.length - 1];
      if (top && !isItem && top.seq && top.underKey && top.indent === indent) stack.pop();
      const frame = stack[stack.length - 1];
      if (!frame || frame.indent !== indent || frame.seq !== isItem) return false;
    }
    pendingKey = undefined;

    let column = indent;
    if (isItem) {
      content = content.slice(2);
      column += 2;
      if (content.startsWith(' ') || content === '') return false;
      const key = keyOf(content);
      if (key === undefined) {
        const next = value(content, lines, i, indent);
        if (next === undefined) return false;
        i = next;
        continue;
      }
      // `- key: value` opens a mapping whose keys sit two columns right of the dash.
      stack.push({ indent: column, seq: false, keys: new Set() });
    }
    const map = stack[stack.length - 1];
    const key = keyOf(content);
    if (key === undefined || map.keys!.has(key)) return false;
    map.keys!.add(key);
    const rest = content.slice(key.length + 1);
    if (isBlankOrComment(rest)) {
      pendingKey = column;
      continue;
    }
    const next = value(rest.slice(1), lines, i, column);
    if (next === undefined) return false;
    i = next;
  }
  return true;
}

function indentOf(line: string): number {
  let n = 0;
  while (n < line.length && line.charCodeAt(n) === 0x20) n++;
  return n;
}

/** Nothing, or spaces then a comment (a `#` right after a token is not one). */
function isBlankOrComment(s: string): boolean {
  const trimmed = s.trimStart();
  return trimmed === '' || (trimmed[0] === '#' && trimmed.length < s.length);
}

/** The key of `key:` or `key: …`, when it is a plain key that YAML 1.1 reads as that string. */
function keyOf(content: string): string | undefined {
  const colon = content.indexOf(':');
  if (colon <= 0 || (colon + 1 < content.length && content[colon + 1] !== ' ')) return undefined;
  const key = content.slice(0, colon);
  return KEY.test(key) && !NON_STRING_KEY.test(key) ? key : undefined;
}

/**
 * Checks the value after `key: ` or `- ` (`text` starts at its first character); `parentIndent` is
 * the column of its key or dash. Answers the index of the last line it spans, undefined if unproven.
 */
function value(text: string, lines: readonly string[], at: number, parentIndent: number): number | undefined {
  if (text.startsWith(' ')) return undefined;
  const { body, comment } = splitComment(text);
  if (comment === undefined) return undefined;
  if (BLOCK_SCALAR_HEADER.test(body)) return comment === '' ? blockScalarEnd(lines, at, parentIndent) : undefined;
  if (body.startsWith('"')) return /^"[^"\\]*"$/.test(body) ? at : undefined;
  if (body.startsWith("'")) return /^'[^']*'$/.test(body) ? at : undefined;
  if (body.startsWith('[')) return flowSequence(body) ? at : undefined;
  return PLAIN_VALUE.test(body) ? at : undefined;
}

/** A value and its trailing comment ('' when none); comment undefined when a quote does not close. */
function splitComment(text: string): { body: string; comment?: string } {
  let end = text.length;
  if (text[0] === '"' || text[0] === "'") {
    const close = text.indexOf(text[0], 1);
    if (close < 0) return { body: text };
    end = close + 1;
  } else if (text[0] === '[') {
    const close = text.indexOf(']');
    if (close < 0) return { body: text };
    end = close + 1;
  } else {
    const hash = text.indexOf(' #');
    if (hash >= 0) end = hash;
  }
  const body = text.slice(0, end).trimEnd();
  const rest = text.slice(end);
  if (!isBlankOrComment(rest)) return { body };
  return { body, comment: rest.trim() };
}

/** `[a, "b", 'c']` or `[]`, one line, scalars only. */
function flowSequence(body: string): boolean {
  if (!body.endsWith(']')) return false;
  const inner = body.slice(1, -1).trim();
  if (inner === '') return true;
  // Items are quoted without commas inside, or plain: splitting on commas is exact.
  return inner.split(',').every((item) => FLOW_ITEM.test(item.trim()));
}

/**
 * The last line of a block scalar's content: lines indented deeper than its first content line's
 * indentation, which must be deeper than the parent's. Blank lines before the first content line,
 * or content that ends at a column between the two, are left to the parser.
 */
function blockScalarEnd(lines: readonly string[], at: number, parentIndent: number): number | undefined {
  const first = lines[at + 1];
  if (first === undefined) return at;
  const contentIndent = indentOf(first);
  if (contentIndent === first.length || contentIndent <= parentIndent) return undefined;
  let last = at + 1;
  for (let i = at + 2; i < lines.length; i++) {
    const line = lines[i];
    const indent = indentOf(line);
    if (indent === line.length) continue;
    if (indent >= contentIndent) {
      last = i;
      continue;
    }
    if (indent > parentIndent) return undefined;
    break;
  }
  return last;
}
