/**
 * Parsing only what the rules read. A lint run checks the declarations that hold some rule's
 * trigger words, typically about half of a codebase; tree-sitter skips the rest through included
 * ranges, and lint saves that share of its parse time. The header (package clause and imports) and
 * every import declaration are always parsed. For code without syntax errors the rules find exactly
 * what they find on a full tree (a test holds the two to that); a partial tree with a syntax error
 * (broken code, or a split the chunk scan got wrong) is dropped for a full parse. Open documents are
 * parsed in full: the editor reparses them incrementally on each keystroke.
 */
import type { Range, Tree } from 'web-tree-sitter';
import { declChunks, type Chunk } from './declChunks';
import type { PackageIndex } from './packageIndex';
import { parseGo } from './parser';
import type { GoRule } from './rule';
import { checksEveryDeclaration, rulesRead } from './rulePlan';

/**
 * A tree of `text` holding at least every declaration `rules` read (with the triggers `pkg`, the
 * file's package, adds). The caller must delete() it.
 */
export function parseForRules(text: string, rules: readonly GoRule[], pkg?: PackageIndex): Tree {
  const ranges = rangesToParse(text, rules, pkg);
  if (ranges) {
    const tree = parseGo(text, undefined, ranges);
    if (!tree.rootNode.hasError) return tree;
    tree.delete();
  }
  return parseGo(text);
}

/** The ranges to parse, merged where chunks touch; undefined when all of the text is needed. */
function rangesToParse(text: string, rules: readonly GoRule[], pkg: PackageIndex | undefined): Range[] | undefined {
  if (checksEveryDeclaration(rules)) return undefined;
  const chunks = declChunks(text);
  if (!chunks) return undefined;
  // The first chunk is always kept too: tree-sitter reads an empty list of ranges as the whole text.
  const kept = chunks.filter((c, k) => k === 0 || !c.keyword || c.keyword === 'import' || rulesRead(rules, text.slice(c.start, c.end), pkg));
  if (kept.length === chunks.length) return undefined;
  const ranges: Range[] = [];
  for (const c of kept) {
    const last = ranges[ranges.length - 1];
    if (last && last.endIndex === c.start) Object.assign(last, endOf(c));
    else ranges.push({ startIndex: c.start, startPosition: { row: c.row, column: 0 }, ...endOf(c) });
  }
  return ranges;
}

function endOf(c: Chunk): Pick<Range, 'endIndex' | 'endPosition'> {
  return { endIndex: c.end, endPosition: { row: c.endRow, column: c.endColumn } };
}
