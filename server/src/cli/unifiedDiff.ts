/** `--diff`: a file's fixes as a unified diff (`a/` and `b/` prefixes, 3 lines of context), for `git apply` or `patch -p1`. */
import { lineHunks, splitLines } from '../engine/lineDiff';

const CONTEXT = 3;

/** One diff line: its marker and the line without its line break ("\ No newline…" follows a last line without one). */
function diffLine(marker: ' ' | '-' | '+', line: string): string {
  return line.endsWith('\n') ? `${marker}${line}` : `${marker}${line}\n\\ No newline at end of file\n`;
}

/** A range in a hunk header: 1-based start (the line before, for an empty range) and length. */
function range(start: number, length: number): string {
  return `${length === 0 ? start : start + 1},${length}`;
}

export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const hunks = lineHunks(a, b);
  const name = file.split('\\').join('/');
  let out = `--- a/${name}\n+++ b/${name}\n`;
  for (let i = 0; i < hunks.length; ) {
    // Hunks whose contexts touch are printed as one.
    let j = i;
    while (j + 1 < hunks.length && hunks[j + 1].aStart - hunks[j].aEnd <= 2 * CONTEXT) j++;
    const aStart = Math.max(0, hunks[i].aStart - CONTEXT);
    const aEnd = Math.min(a.length, hunks[j].aEnd + CONTEXT);
    const bStart = hunks[i].bStart - (hunks[i].aStart - aStart);
    const bEnd = hunks[j].bEnd + (aEnd - hunks[j].aEnd);
    out += `@@ -${range(aStart, aEnd - aStart)} +${range(bStart, bEnd - bStart)} @@\n`;
    let at = aStart;
    for (let k = i; k <= j; k++) {
      const h = hunks[k];
      for (; at < h.aStart; at++) out += diffLine(' ', a[at]);
      for (let x = h.aStart; x < h.aEnd; x++) out += diffLine('-', a[x]);
      for (let y = h.bStart; y < h.bEnd; y++) out += diffLine('+', b[y]);
      at = h.aEnd;
    }
    for (; at < aEnd; at++) out += diffLine(' ', a[at]);
    i = j + 1;
  }
  return out;
}
