/**
 * "Fix all" (and fix on save, and the CLI's --fix): the preferred fix of every finding, skipping
 * fixes that can change how the program runs and any that would overlap one already taken; fixes
 * of one batch are applied together through the batch's edits.
 */
import { applyEdits, editsOverlap, LineIndex } from './text';
import type { Finding, Fix, TextEdit } from './types';

export function preferredFix(f: Finding) {
  return f.fixes.find((x) => x.preferred) ?? f.fixes[0];
}

/** Non-overlapping edits for one pass; callers re-analyze and repeat until nothing is left to fix. */
export function fixAllEdits(text: string, findings: readonly Finding[]): TextEdit[] {
  return fixAllPass(text, findings).flatMap((a) => a.edits);
}

/** A fix taken by a pass, with the finding it fixes (positions in the text the pass started from). */
export interface AppliedFix {
  finding: Finding;
  fix: Fix;
  /** The edits it contributes: its own, its batch's for the first of a batch, none for the batch's others. */
  edits: TextEdit[];
}

/**
 * The fixes one pass applies: each finding's preferred fix, unless it changes behaviour or
 * overlaps one taken; a batch's edits are applied once, for all the findings in it.
 */
export function fixAllPass(text: string, findings: readonly Finding[]): AppliedFix[] {
  const index = new LineIndex(text);
  const taken: AppliedFix[] = [];
  const all: TextEdit[] = [];
  const batches = new Set<string>();
  for (const f of findings) {
    const fix = preferredFix(f);
    if (!fix || fix.changesBehavior) continue;
    if (fix.batch && batches.has(fix.batch.id)) {
      taken.push({ finding: f, fix, edits: [] });
      continue;
    }
    const edits = fix.batch?.edits ?? fix.edits;
    if (editsOverlap(edits, all, index)) continue;
    if (fix.batch) batches.add(fix.batch.id);
    taken.push({ finding: f, fix, edits });
    all.push(...edits);
  }
  return taken;
}

/** Fix-all applies fixes, re-analyzes and repeats until nothing is left to fix, at most this often. */
export const MAX_FIX_PASSES = 10;

/**
 * Applies every safe preferred fix of `analyze(text)`'s findings, re-analyzes and repeats until
 * nothing is left to fix. `take` narrows which findings a pass may fix (given the pass's text).
 * Returns the final text and the fixes of each pass (positions in the text that pass started from).
 */
export function fixText(
  text: string,
  analyze: (text: string) => readonly Finding[],
  take: (f: Finding, text: string) => boolean = () => true,
): { text: string; passes: { before: string; applied: AppliedFix[] }[] } {
  const passes: { before: string; applied: AppliedFix[] }[] = [];
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const current = text;
    const applied = fixAllPass(current, analyze(current).filter((f) => take(f, current)));
    if (applied.length === 0) break;
    text = applyEdits(current, applied.flatMap((a) => a.edits));
    passes.push({ before: current, applied });
  }
  return { text, passes };
}
