/**
 * Line diff (Myers' O(ND) algorithm) shared by the language server's minimal fix-all edits and the
 * CLI's unified diffs and changed-line bookkeeping.
 */

/** Lines with their line breaks, so joining them gives the text back. */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}

export interface Hunk {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/** The hunks where two texts' lines differ; the common head and tail are skipped before diffing. */
export function lineHunks(a: readonly string[], b: readonly string[]): Hunk[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return diffLines(a.slice(head, a.length - tail), b.slice(head, b.length - tail)).map((h) => ({
    aStart: h.aStart + head,
    aEnd: h.aEnd + head,
    bStart: h.bStart + head,
    bEnd: h.bEnd + head,
  }));
}

/** Myers' diff: the hunks where `a` and `b` differ, in order (`[aStart, aEnd)` replaced by `[bStart, bEnd)`). */
function diffLines(a: readonly string[], b: readonly string[]): Hunk[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v[k] for k in [-(d+1), d+1] as it was when step d began.
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }

  // Walk back from the end, collecting the non-diagonal moves.
  const changedA = new Uint8Array(n);
  const changedB = new Uint8Array(m);
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const row = trace[d];
    const at = (k: number) => row[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
    }
    if (x === prevX) changedB[prevY] = 1;
    else changedA[prevX] = 1;
    x = prevX;
    y = prevY;
  }

  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && !changedA[i] && !changedB[j]) {
      i++;
      j++;
      continue;
    }
    const hunk = { aStart: i, aEnd: i, bStart: j, bEnd: j };
    while (i < n && changedA[i]) i++;
    while (j < m && changedB[j]) j++;
    hunk.aEnd = i;
    hunk.bEnd = j;
    hunks.push(hunk);
  }
  return hunks;
}
