/**
 * Go-version awareness: finds the nearest go.mod above a file and reads its `go` directive and
 * `godebug asynctimerchan=…` setting. go.mod is a line-oriented format of its own, not Go source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface GoModInfo {
  /** Path of the go.mod file. */
  file: string;
  /** The `go` directive, e.g. "1.22.3". */
  goVersion?: string;
  /** `godebug asynctimerchan=1` restores the pre-1.23 timer implementation. */
  asyncTimerChan: boolean;
}

/** Tokens of go.mod's directives, with block forms `godebug ( … )` flattened to "godebug k=v". */
function directives(text: string): string[][] {
  const out: string[][] = [];
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    const words = line.split(/\s+/);
    if (block) {
      if (words[0] === ')') block = undefined;
      else out.push([block, ...words]);
    } else if (words[words.length - 1] === '(') block = words[0];
    else out.push(words);
  }
  return out;
}

export function parseGoMod(text: string, file: string): GoModInfo {
  const info: GoModInfo = { file, asyncTimerChan: false };
  for (const [verb, ...args] of directives(text)) {
    if (verb === 'go' && args[0]) info.goVersion = args[0];
    if (verb === 'godebug') {
      for (const setting of args) {
        const [k, v] = setting.split('=');
        if (k === 'asynctimerchan') info.asyncTimerChan = v === '1';
      }
    }
  }
  return info;
}

/** Finds and reads go.mod files, caching per directory (a CLI run sees thousands of files). */
export class GoModLocator {
  private readonly byDir = new Map<string, GoModInfo | undefined>();
  /** By directory as the caller wrote it: resolving every file's path costs more than the lookup. */
  private readonly byGivenDir = new Map<string, GoModInfo | undefined>();

  forFile(file: string): GoModInfo | undefined {
    const given = path.dirname(file);
    if (this.byGivenDir.has(given)) return this.byGivenDir.get(given);
    const info = this.forDir(path.resolve(given));
    this.byGivenDir.set(given, info);
    return info;
  }

  /** Forgets cached lookups, e.g. when a go.mod changed on disk. */
  clear(): void {
    this.byDir.clear();
    this.byGivenDir.clear();
  }

  private forDir(dir: string): GoModInfo | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    const file = path.join(dir, 'go.mod');
    let info: GoModInfo | undefined;
    try {
      info = parseGoMod(fs.readFileSync(file, 'utf8'), file);
    } catch {
      const parent = path.dirname(dir);
      info = parent === dir ? undefined : this.forDir(parent);
    }
    this.byDir.set(dir, info);
    return info;
  }
}

/** "1.22" or "1.22.3" -> [1, 22]; undefined when it is not a Go version. */
export function parseGoVersion(v: string): [number, number] | undefined {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.\d+)?(?:rc\d+|beta\d+)?$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function goVersionAtLeast(v: string | undefined, major: number, minor: number): boolean {
  const parsed = v ? parseGoVersion(v) : undefined;
  if (!parsed) return false;
  return parsed[0] > major || (parsed[0] === major && parsed[1] >= minor);
}
