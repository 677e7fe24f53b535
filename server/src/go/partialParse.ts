/**
 * Parsing only what the rules read, a batch at a time. A lint run checks the declarations that hold
 * some rule's trigger words in their code, a quarter of the standard library; tree-sitter skips
 * the rest through included ranges, and lint saves that share of its parse time. The declarations
 * to check are parsed in batches of about BATCH_CHARS, one tree after another, each with the header
 * (package clause and imports), every import declaration and the declarations file-scoped rules
 * read anywhere, or where what they check names them (namedContext.ts): tree-sitter's WASM memory
 * grows to the largest tree parsed and never shrinks, and one tree of a 2 MB file took 75 MB of it.
 * For code without syntax errors the rules find exactly what they find on a full tree (a test holds
 * the two to that); a batch with a syntax error (broken code, or a split the chunk scan got wrong)
 * sends the file to a full parse. Open documents are parsed in full: the editor reparses them
 * incrementally on each keystroke.
 */
import type { Range } from 'web-tree-sitter';
import { chunkIndexAt, declChunks, type Chunk } from './declChunks';
import { namedContext } from './namedContext';
import type { PackageIndex } from './packageIndex';
import type { GoRule } from './rule';
import { checksEveryDeclaration, chunkNeeds } from './rulePlan';

/** Text of the declarations one tree holds to be checked (context chunks come on top). */
const BATCH_CHARS = 256 * 1024;

/** One tree to parse: the ranges of the text it includes (all of it when absent), and the top-level nodes it checks. */
export interface TreePlan {
  ranges?: Range[];
  /** True for a top-level node (by its start offset) this tree checks; others are there to be read. */
  checks(offset: number): boolean;
  /**
   * The rules' words in the code of the chunk a top-level node (by its start offset) lies in, found
   * while planning: the analysis need not search its text again. Absent for a tree of the whole file.
   */
  wordsAt?(offset: number): ReadonlySet<string> | undefined;
}

const WHOLE_FILE: TreePlan[] = [{ checks: () => true }];

/**
 * The trees to parse `text` in for `rules` (with the triggers `pkg`, the file's package, adds), in
 * order; one tree of the whole text when nothing can be left out or split.
 */
export function treePlans(text: string, rules: readonly GoRule[], pkg?: PackageIndex): TreePlan[] {
  if (checksEveryDeclaration(rules)) return WHOLE_FILE;
  const chunks = declChunks(text);
  if (!chunks) return WHOLE_FILE;
  // The header: the package clause and the imports, which Go wants before any other declaration.
  let headerEnd = 0;
  while (headerEnd < chunks.length && (!chunks[headerEnd].keyword || chunks[headerEnd].keyword === 'import')) headerEnd++;
  // An import further down (not Go) would join the header of whichever tree it came first in.
  if (chunks.slice(headerEnd).some((c) => c.keyword === 'import')) return WHOLE_FILE;
  const needs = chunkNeeds(rules, text, chunks, pkg);
  // The first chunk is always parsed: tree-sitter reads an empty list of ranges as the whole text.
  const read = (k: number) => k === 0 || k < headerEnd || needs[k].readAnywhere;
  const named = namedContext(text, chunks, needs, (k) => read(k) || needs[k].checked);
  const context = chunks.filter((_, k) => read(k) || named.has(k));
  const checked = chunks.filter((_, k) => needs[k].checked);
  const batches: Chunk[][] = [];
  let size = Number.POSITIVE_INFINITY;
  for (const c of checked) {
    if (size >= BATCH_CHARS) batches.push((size = 0, []));
    batches[batches.length - 1].push(c);
    size += c.end - c.start;
  }
  if (batches.length === 0) batches.push([]);
  const wordsAt = (offset: number) => needs[chunkIndexAt(chunks, offset)]?.words;
  return batches.map((own) => {
    const parsed = [...new Set([...context, ...own])].sort((a, b) => a.start - b.start);
    const spans = own.map((c) => [c.start, c.end] as const);
    return {
      ranges: parsed.length === chunks.length ? undefined : rangesOf(parsed),
      checks: batches.length === 1 ? () => true : (offset) => spans.some(([start, end]) => start <= offset && offset < end),
      wordsAt,
    };
  });
}

/** Chunks as ranges to parse, merged where they touch. */
function rangesOf(chunks: readonly Chunk[]): Range[] {
  const ranges: Range[] = [];
  for (const c of chunks) {
    const last = ranges[ranges.length - 1];
    if (last && last.endIndex === c.start) Object.assign(last, endOf(c));
    else ranges.push({ startIndex: c.start, startPosition: { row: c.row, column: 0 }, ...endOf(c) });
  }
  return ranges;
}

function endOf(c: Chunk): Pick<Range, 'endIndex' | 'endPosition'> {
  return { endIndex: c.end, endPosition: { row: c.endRow, column: c.endColumn } };
}
