/**
 * Channel fields of the file's struct types that no code of the package can ever complete an
 * operation on: a field nothing sends on or closes (every receive waits forever), or an unbuffered
 * field nothing receives from (every send waits forever). Read from the text, strictly: only
 * unexported fields (no other package can reach them) declared by one struct of the file, every
 * mention of which in the file is understood (a send, a receive, a close, a make, a simple accessor
 * method that returns it, a nil or len check), which the file makes, and which no other file of the
 * package mentions.
 * Anything else — handed to a function, aliased, reached through reflection-like helpers — and the
 * field is not judged.
 */
import type { Node } from 'web-tree-sitter';
import { LineIndex } from '../../engine/text';
import type { FileDecls } from '../declaredResults';
import { hasType, isFunctionNode, namedChildren, parentOf, typeOf, unparen } from '../syntax';
import { alternationOf } from '../words';

export interface FieldChannels {
  /** Accessor methods (`func (s *S) Done() <-chan T { return s.done }`) and the field each returns. */
  accessors: ReadonlyMap<string, string>;
  /** Fields no code sends on or closes. */
  neverSignalled: ReadonlySet<string>;
  /** Fields made unbuffered that no code receives from. */
  neverReceived: ReadonlySet<string>;
  /** The names an operation on those fields mentions: the fields and their accessors. */
  words: readonly string[];
}

type Use = 'send' | 'receive' | 'close' | 'make' | 'accessor' | 'check' | 'other';

/** The facts for a file of package `pkg` with `text`, beside the other files of its directory. */
export function readFieldChannels(source: string, pkg: string, others: readonly FileDecls[]): FieldChannels {
  const none: FieldChannels = { accessors: new Map(), neverSignalled: new Set(), neverReceived: new Set(), words: [] };
  // Most files that say `chan` declare no channel field: no line (or struct body) starts with names and a channel type.
  if (!FIELD_LINE_OF_CHANNEL.test(source)) return none;
  // Empty struct and interface types, blanked to the same length, leave every brace a block's.
  const text = source.replace(/\b(struct|interface)\s*\{\s*\}/g, (m) => '_'.repeat(m.length));
  const fields = channelFields(text);
  if (fields.size === 0) return none;
  const siblings = others.filter((d) => d.pkg === pkg);
  // A field or accessor another file of the package names may be signalled or drained there.
  const elsewhere = (name: string) =>
    siblings.some((d) => {
      const names = d.selectors?.();
      return !names || names.has(name);
    });
  const accessors = new Map([...accessorMethods(text)].filter(([m, f]) => fields.has(f) && !elsewhere(m)));
  const neverSignalled = new Set<string>();
  const neverReceived = new Set<string>();
  const judgeable = [...fields].filter((field) => !elsewhere(field));
  const usesByField = usesOf(text, judgeable, accessors);
  for (const field of judgeable) {
    const uses = usesByField.get(field);
    // Made here, or its value comes from somewhere this reading cannot see (a positional literal).
    if (!uses || uses.includes('other') || !uses.includes('make')) continue;
    const signalled = uses.includes('send') || uses.includes('close');
    if (!signalled && uses.includes('receive')) neverSignalled.add(field);
    if (!uses.includes('receive') && uses.includes('send') && unbufferedOnly(text, field)) neverReceived.add(field);
  }
  const judged = new Set([...neverSignalled, ...neverReceived]);
  const words = [...judged, ...[...accessors].filter(([, f]) => judged.has(f)).map(([m]) => m)];
  return { accessors, neverSignalled, neverReceived, words };
}

/** What a field line channelFields keeps looks like, where a line or a struct body begins. */
const FIELD_LINE_OF_CHANNEL = /(?:^|[\n{])[ \t\r]*[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*\s+(?:<-\s*)?chan\b/;

/** Unexported channel fields declared by exactly one struct field line of the file. */
function channelFields(text: string): Set<string> {
  const count = new Map<string, number>();
  let chan = new Set<string>();
  for (const { line, times } of structFieldLines(text)) {
    const m = /^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+(\S.*)$/.exec(line);
    if (!m) continue;
    const isChan = /^(<-\s*)?chan\b/.test(m[2]);
    for (const name of m[1].split(',').map((n) => n.trim())) {
      count.set(name, (count.get(name) ?? 0) + times);
      if (isChan) chan.add(name);
    }
  }
  chan = new Set([...chan].filter((n) => count.get(n) === 1 && /^[a-z_]/.test(n)));
  return chan;
}

/**
 * The lines of the text between the braces of each `struct {…}` of the file, nested struct types
 * included, each with the number of struct bodies it lies in (a nested struct's field line is one of
 * its own and of every struct around it). The first and last line of a body are cut at its braces.
 * One pass over the braces and a count per line, so struct types nested thousands deep stay linear.
 */
function structFieldLines(text: string): { line: string; times: number }[] {
  const structBraces = new Set([...text.matchAll(/\bstruct\s*\{/g)].map((m) => m.index + m[0].length - 1));
  const bodies: { start: number; end: number }[] = [];
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i); // `{` 123, `}` 125
    if (c === 123) open.push(i);
    else if (c === 125) {
      const brace = open.pop();
      if (brace !== undefined && structBraces.has(brace)) bodies.push({ start: brace + 1, end: i });
    }
  }
  // A struct left open runs to the end of the text, less its last character.
  for (const brace of open) if (structBraces.has(brace)) bodies.push({ start: brace + 1, end: Math.max(brace + 1, text.length - 1) });

  const lines = new LineIndex(text, 'lf');
  const lineOf = (pos: number) => lines.positionAt(pos).line;
  // Up to the `\n`, a `\r` before it kept: the lines are the text split at `\n`.
  const lineEnd = (n: number) => (n + 1 < lines.lineCount ? lines.lineStart(n + 1) - 1 : text.length);

  const out: { line: string; times: number }[] = [];
  // times[n] - times[n-1]: how many bodies hold line n whole, as a difference array.
  const wholeDelta = new Array<number>(lines.lineCount + 1).fill(0);
  for (const { start, end } of bodies) {
    const first = lineOf(start);
    const last = lineOf(end);
    if (first === last) {
      out.push({ line: text.slice(start, end), times: 1 });
      continue;
    }
    out.push({ line: text.slice(start, lineEnd(first)), times: 1 });
    out.push({ line: text.slice(lines.lineStart(last), end), times: 1 });
    wholeDelta[first + 1]++;
    wholeDelta[last]--;
  }
  let times = 0;
  for (let n = 0; n < lines.lineCount; n++) {
    times += wholeDelta[n];
    if (times > 0) out.push({ line: text.slice(lines.lineStart(n), lineEnd(n)), times });
  }
  return out;
}

/** `func (r *T) name() <-chan X { return r.field }`: method name -> field. */
function accessorMethods(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^func\s*\(\s*(\w+)\s+\*?\w+\s*\)\s*(\w+)\s*\(\s*\)\s*(?:<-\s*)?chan\b[^{\n]*\{((?:[^{}]|\{[^{}]*\})*)\}/gm;
  for (const m of text.matchAll(re)) {
    const returned = [...m[3].matchAll(/\breturn\s+(\S+)/g)].map((r) => r[1]);
    const fields = returned.filter((r) => r !== 'nil').map((r) => new RegExp(`^${m[1]}\\.(\\w+)$`).exec(r)?.[1]);
    if (fields.length > 0 && fields.every((f) => f && f === fields[0])) out.set(m[2], fields[0]!);
  }
  return out;
}

/**
 * How the file uses `.field` and `.accessor()` for each of `fields` (`accessors`: method -> field),
 * all in one pass of each pattern; a field mentioned neither after a dot nor as a literal's key has no entry.
 */
function usesOf(text: string, fields: readonly string[], accessors: ReadonlyMap<string, string>): Map<string, Use[]> {
  const out = new Map<string, Use[]>();
  if (fields.length === 0) return out;
  const note = (field: string, use: Use) => {
    const uses = out.get(field);
    if (uses) uses.push(use);
    else out.set(field, [use]);
  };
  /** For each name after a dot: the field it is, or the fields whose accessor it calls (a name may be both, in two structs). */
  const meanings = new Map<string, { field: string; call: boolean }[]>();
  const mean = (name: string, field: string, call: boolean) => meanings.set(name, [...(meanings.get(name) ?? []), { field, call }]);
  for (const field of fields) mean(field, field, false);
  for (const [method, field] of accessors) if (fields.includes(field)) mean(method, field, true);
  for (const m of text.matchAll(new RegExp(`\\.\\s*(${alternationOf([...meanings.keys()])})\\b`, 'g'))) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 40);
    for (const { field, call } of meanings.get(m[1])!) {
      // A method value (`s.done` passed without calling it) is handed on.
      if (call && !/^\s*\(\s*\)/.test(after)) {
        note(field, 'other');
        continue;
      }
      const rest = call ? after.replace(/^\s*\(\s*\)/, '') : after;
      note(field, classify(text.slice(Math.max(0, m.index - 200), chainStart(text, m.index)), rest, text, m.index, field, call));
    }
  }
  // `field: value` in a composite literal: a make, or another channel the field now aliases.
  for (const m of text.matchAll(new RegExp(`[{,]\\s*(${alternationOf(fields)})\\s*:\\s*(?=\\S)`, 'g'))) {
    note(m[1], text.startsWith('make', m.index + m[0].length) ? 'make' : 'other');
  }
  return out;
}

/** Where the selector chain ending at `dot` starts (`r.recv.get().c`: at r). */
function chainStart(text: string, dot: number): number {
  let i = dot;
  while (i > 0) {
    const c = text[i - 1];
    if (/[\w.]/.test(c)) i--;
    else if (c === ')') {
      let depth = 0;
      let j = i - 1;
      for (; j >= 0; j--) {
        if (text[j] === ')') depth++;
        else if (text[j] === '(' && --depth === 0) break;
      }
      if (j < 0) break;
      i = j;
    } else break;
  }
  return i;
}

function classify(before: string, after: string, text: string, dot: number, field: string, call: boolean): Use {
  const b = before.replace(/\s+$/, '');
  if (/^\s*<-/.test(after) && !call) return 'send';
  if (/<-$/.test(b) || /\brange$/.test(b)) return 'receive';
  if (/\bclose\s*\($/.test(b) && /^\s*\)/.test(after)) return 'close';
  if (/\b(len|cap)\s*\($/.test(b)) return 'check';
  if (/^\s*[!=]=\s*nil\b/.test(after)) return 'check';
  if (!call && /^\s*=\s*make\s*\(\s*(<-\s*)?chan\b/.test(after)) return 'make';
  // The return in the field's own accessor.
  if (!call && /\breturn$/.test(b) && accessorReturn(text, dot, field)) return 'accessor';
  return 'other';
}

/** The `return r.field` at `dot` sits in a one-line-body accessor method. */
function accessorReturn(text: string, dot: number, field: string): boolean {
  const open = text.lastIndexOf('\nfunc ', dot);
  const header = text.slice(open + 1, text.indexOf('\n', open + 1));
  return /^func\s*\(\s*\w+\s+\*?\w+\s*\)\s*\w+\s*\(\s*\)\s*(<-\s*)?chan\b/.test(header) && !text.slice(open, dot).includes(`${field} =`);
}

/** Every make of the field (`f: make(chan T)`, `x.f = make(chan T)`) has no buffer size, and there is one. */
function unbufferedOnly(text: string, field: string): boolean {
  const makes = [...text.matchAll(new RegExp(`(?:\\b${field}\\s*:|\\.${field}\\s*=)\\s*make\\s*\\(`, 'g'))];
  if (makes.length === 0) return false;
  return makes.every((m) => {
    let depth = 1;
    let i = m.index + m[0].length;
    let comma = false;
    for (; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (c === '(' || c === '{' || c === '[') depth++;
      else if (c === ')' || c === '}' || c === ']') depth--;
      else if (c === ',' && depth === 1) comma = true;
    }
    return !comma;
  });
}

/** A send or receive in `decl` on a field no code can answer. */
export interface BlockedOnField {
  node: Node;
  field: string;
  why: 'never-signalled' | 'never-received';
}

/** The operations of `decl` that wait forever on such fields; those with a way out (another select case, a default) are left. */
export function blockedOnFields(decl: Node, facts: FieldChannels): BlockedOnField[] {
  if (facts.words.length === 0) return [];
  const out: BlockedOnField[] = [];
  const fieldOf = (expr: Node | null): string | undefined => {
    const e = expr && unparen(expr);
    if (hasType(e, 'selector_expression')) return e.childForFieldName('field')?.text;
    const fn = hasType(e, 'call_expression') && e.childForFieldName('arguments')?.namedChildCount === 0 ? e.childForFieldName('function') : null;
    return hasType(fn, 'selector_expression') ? facts.accessors.get(fn.childForFieldName('field')?.text ?? '') : undefined;
  };
  for (const n of decl.descendantsOfType(['unary_expression', 'send_statement', 'range_clause'])) {
    if (!n || hasWayOut(n)) continue;
    if (typeOf(n) === 'send_statement') {
      const field = fieldOf(n.childForFieldName('channel'));
      if (field && facts.neverReceived.has(field)) out.push({ node: n, field, why: 'never-received' });
      continue;
    }
    if (typeOf(n) === 'unary_expression' && n.childForFieldName('operator')?.text !== '<-') continue;
    const field = fieldOf(n.childForFieldName(typeOf(n) === 'range_clause' ? 'right' : 'operand'));
    if (field && facts.neverSignalled.has(field)) out.push({ node: n, field, why: 'never-signalled' });
  }
  return out;
}

/** The operation is one case of a select with others or a default. */
function hasWayOut(op: Node): boolean {
  for (let p = parentOf(op), below: Node = op; p && !isFunctionNode(p); below = p, p = parentOf(p)) {
    // In a case's body, not its communication: the case was already taken.
    if (typeOf(p) === 'communication_case') {
      if (p.childForFieldName('communication')?.id !== below.id) return false;
    } else if (typeOf(p) === 'select_statement') {
      return namedChildren(p).filter((c) => typeOf(c) === 'communication_case' || typeOf(c) === 'default_case').length > 1;
    } else if (typeOf(p) === 'block') return false;
  }
  return false;
}
