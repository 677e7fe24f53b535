/**
 * "Fix all" (and fix on save, and the CLI's --fix): the preferred fix of every finding, skipping
 * fixes that can change how the program runs and any that would overlap one already taken; fixes
 * of one batch are applied together through the batch's edits.
 */
import { editsOverlap, LineIndex } from './text';
import type { Finding, TextEdit } from './types';

export function preferredFix(f: Finding) {
  return f.fixes.find((x) => x.preferred) ?? f.fixes[0];
}

/** Non-overlapping edits for one pass; callers re-analyze and repeat until nothing is left to fix. */
export function fixAllEdits(text: string, findings: readonly Finding[]): TextEdit[] {
  const index = new LineIndex(text);
  const taken: TextEdit[] = [];
  const batches = new Set<string>();
  for (const f of findings) {
    const fix = preferredFix(f);
    if (!fix || fix.changesBehavior || (fix.batch && batches.has(fix.batch.id))) continue;
    const edits = fix.batch?.edits ?? fix.edits;
    if (editsOverlap(edits, taken, index)) continue;
    if (fix.batch) batches.add(fix.batch.id);
    taken.push(...edits);
  }
  return taken;
}
