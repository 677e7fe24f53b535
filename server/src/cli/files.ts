/**
 * Finds the files `leaklens lint` reads: walks directories, skipping vendored, test-data, example and
 * git-ignored files (the directories golangci-lint skips by default, so results match what Go users expect).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageOf } from '../lint/analyze';

export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['vendor', 'third_party', 'Godeps', 'testdata', 'examples', 'node_modules', '.git']);

export interface WalkResult {
  files: string[];
  /** Paths given on the command line that do not exist or cannot be read. */
  missing: string[];
}

/**
 * The directory a Go package pattern walks: `./...` and `...` are the current directory, `dir/...`
 * is `dir` (directories are always walked recursively, so the pattern and the directory mean the
 * same). Undefined for anything else.
 */
export function goPatternDir(arg: string): string | undefined {
  if (arg === '...') return '.';
  const m = /^(.*)[/\\]\.\.\.$/.exec(arg);
  return m ? m[1] || '/' : undefined;
}

/**
 * Files under `paths` that LeakLens analyzes (an explicitly named file is taken whatever its
 * directory). Go's `./...` and `dir/...` patterns name the directory they walk.
 */
export function collectFiles(paths: readonly string[]): WalkResult {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      missing.push(dir);
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) walk(full);
      } else if (e.isFile() && languageOf(e.name)) {
        files.push(full);
      }
    }
  };
  const kept: string[] = [];
  for (const arg of paths) {
    const pattern = goPatternDir(arg);
    const p = pattern ?? arg;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
      if (pattern !== undefined && !stat.isDirectory()) throw new Error('not a directory');
    } catch {
      missing.push(arg);
      continue;
    }
    if (stat.isDirectory()) {
      files.length = 0;
      walk(p);
      kept.push(...withoutGitIgnored(files, p));
    } else kept.push(p);
  }
  return { files: kept, missing };
}

/**
 * Drops files git ignores, asking git from inside the walked directory so its own repository
 * answers; outside a git work tree (or without git) nothing is dropped.
 */
function withoutGitIgnored(files: string[], dir: string): string[] {
  if (files.length === 0) return [];
  const absolute = files.map((f) => path.resolve(f));
  const r = spawnSync('git', ['check-ignore', '--stdin', '-z'], {
    cwd: dir,
    input: absolute.join('\0'),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  // Exit 1 means "nothing ignored"; 128 means not a repository or no git.
  if (r.error || (r.status !== 0 && r.status !== 1)) return [...files];
  const ignored = new Set(r.stdout.split('\0').filter(Boolean));
  return files.filter((_, i) => !ignored.has(absolute[i]));
}

/** True when the buffer looks binary (a NUL byte in its first 8 KB). */
export function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}
