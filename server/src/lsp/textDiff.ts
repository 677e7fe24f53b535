/**
 * The smallest edits turning one text into another: a line diff (Myers' O(ND) algorithm) whose
 * hunks are trimmed to the characters that differ. Fix-all runs several passes of fixes; diffing
 * the first text against the last gives the editor minimal edits that never touch unrelated text.
 */
import { lineHunks, splitLines } from '../engine/lineDiff';
import { LineIndex } from '../engine/text';
import type { TextEdit } from '../engine/types';

export function minimalEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const b = splitLines(after);
  const index = new LineIndex(before);
  const lineOffset = (line: number) => (line >= index.lineCount ? before.length : index.lineStart(line));
  return lineHunks(splitLines(before), b).map(({ aStart, aEnd, bStart, bEnd }) => {
    let start = lineOffset(aStart);
    let end = lineOffset(aEnd);
    let text = b.slice(bStart, bEnd).join('');
    // Trim characters the hunk's old and new text share at both ends.
    let i = 0;
    while (start + i < end && i < text.length && before[start + i] === text[i]) i++;
    start += i;
    text = text.slice(i);
    let j = 0;
    while (end - j > start && j < text.length && before[end - 1 - j] === text[text.length - 1 - j]) j++;
    end -= j;
    text = text.slice(0, text.length - j);
    return { range: { start: index.positionAt(start), end: index.positionAt(end) }, newText: text };
  });
}
