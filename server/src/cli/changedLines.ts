/**
 * `--new-from-rev REV` and `--new-from-patch FILE`: which lines of which files changed, read from a
 * unified diff (`git diff REV`, or the patch), so that only findings on changed lines are reported —
 * how teams adopt a linter on a large repository without fixing its history first.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineHunks, splitLines } from '../engine/lineDiff';
import type { Finding } from '../engine/types';

/** Zero-based changed lines of one file, or 'all' for a file that is new throughout (untracked). */
export type FileChanges = ReadonlySet<number> | 'all';

/** The changes per absolute file path; a file absent from the map did not change. */
export type ChangedLines = Map<string, FileChanges>;

export class ChangeSourceError extends Error {}

/** Undoes git's C-style quoting of unusual path names (`"a\"b"`, octal escapes for bytes). */
function unquote(name: string): string {
  if (!name.startsWith('"')) return name;
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '"': 34, '\\': 92 };
  for (let i = 1; i < name.length - 1; i++) {
    const c = name[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = name[++i];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(name.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(simple[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The new file's path of a `+++ ` header line: `b/dir/file.go`, without the `b/` prefix and any timestamp. */
function newPathOf(header: string): string | undefined {
  let name = header.slice(4).replace(/\t.*$/, '').trimEnd();
  if (name === '/dev/null') return undefined;
  name = unquote(name);
  return name.startsWith('b/') ? name.slice(2) : name;
}

/**
 * The added or modified lines of each new file in a unified diff (any context size; git's, or
 * `diff -u`'s). Paths are resolved against `base`.
 */
export function parseUnifiedDiff(patch: string, base: string): Map<string, Set<number>> {
  const changed = new Map<string, Set<number>>();
  let lines: Set<number> | undefined;
  let next = 0;
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of patch.split(/\r?\n/)) {
    if (oldLeft > 0 || newLeft > 0) {
      // Inside a hunk: count lines off both sides.
      if (line.startsWith('+')) {
        lines?.add(next++);
        newLeft--;
      } else if (line.startsWith('-')) oldLeft--;
      else if (line.startsWith('\\')) continue;
      else {
        next++;
        oldLeft--;
        newLeft--;
      }
      continue;
    }
    if (line.startsWith('+++ ')) {
      const file = newPathOf(line);
      lines = undefined;
      if (file !== undefined) {
        const abs = path.resolve(base, file);
        lines = changed.get(abs) ?? new Set();
        changed.set(abs, lines);
      }
      continue;
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
      next = Number(hunk[2]) - 1;
    }
  }
  return changed;
}

function git(args: string[], cwd: string): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (r.error) throw new ChangeSourceError(`cannot run git: ${r.error.message}`);
  if (r.status !== 0) throw new ChangeSourceError(`git ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`);
  return r.stdout;
}

function repositoryRoot(cwd: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Lines changed in the working tree since `rev` (committed, staged or not), as `git diff REV`
 * shows them; files git does not track yet count as changed throughout.
 */
export function changedSinceRev(rev: string, cwd: string): ChangedLines {
  const root = repositoryRoot(cwd);
  if (!root) throw new ChangeSourceError(`--new-from-rev needs a git repository (${cwd} is not in one)`);
  // Fails here, with git's message, when the revision does not exist.
  git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], root);
  const patch = git(['-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '--no-renames', '-U0', rev, '--'], root);
  const changed: ChangedLines = parseUnifiedDiff(patch, root);
  for (const file of git(['ls-files', '--others', '--exclude-standard', '-z'], root).split('\0').filter(Boolean)) {
    changed.set(path.resolve(root, file), 'all');
  }
  return changed;
}

/** Lines a patch file adds or changes; its paths are relative to the repository root (or `cwd` outside one). */
export function changedInPatch(patchFile: string, cwd: string): ChangedLines {
  let patch: string;
  try {
    patch = fs.readFileSync(patchFile, 'utf8');
  } catch (err) {
    throw new ChangeSourceError(`cannot read the patch ${patchFile}: ${(err as Error).message}`);
  }
  return parseUnifiedDiff(patch, repositoryRoot(cwd) ?? cwd);
}

/** The canonical path a file is keyed by (symlinked temp directories resolve to one name). */
export function changeKey(file: string): string {
  const abs = path.resolve(file);
  try {
    return fs.realpathSync(abs);
  } catch {
    return abs;
  }
}

/** Keys a change map by canonical paths. */
export function canonicalChanges(changed: ChangedLines): ChangedLines {
  return new Map([...changed].map(([file, lines]) => [changeKey(file), lines]));
}

/** True when a finding's lines touch a changed line of its file. */
export function touchesChange(lines: FileChanges | undefined, f: Pick<Finding, 'range'>): boolean {
  if (!lines) return false;
  if (lines === 'all') return true;
  for (let line = f.range.start.line; line <= f.range.end.line; line++) if (lines.has(line)) return true;
  return false;
}

/**
 * The changed lines of a text after it was rewritten (by fixes): lines the rewrite produced are
 * changed, and the other lines keep their old state at their new numbers.
 */
export function shiftChanges(lines: FileChanges, before: string, after: string): FileChanges {
  if (lines === 'all') return 'all';
  const out = new Set<number>();
  let a = 0;
  let b = 0;
  const copyUntil = (aEnd: number) => {
    for (; a < aEnd; a++, b++) if (lines.has(a)) out.add(b);
  };
  const old = splitLines(before);
  for (const h of lineHunks(old, splitLines(after))) {
    copyUntil(h.aStart);
    for (b = h.bStart; b < h.bEnd; b++) out.add(b);
    a = h.aEnd;
  }
  copyUntil(old.length);
  return out;
}

/**
 * Which findings a fix pass may take under --new-from-*: those on changed lines of `file`, the
 * changed lines following the text as each pass rewrites it.
 */
export function onChangedLines(changes: ChangedLines, file: string): (f: Pick<Finding, 'range'>, text: string) => boolean {
  let lines = changes.get(changeKey(file));
  let last: string | undefined;
  return (f, text) => {
    if (!lines) return false;
    if (last !== undefined && text !== last) lines = shiftChanges(lines, last, text);
    last = text;
    return touchesChange(lines, f);
  };
}
