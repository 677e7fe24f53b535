/**
 * The Go modules of a workspace: every go.mod below the roots (several modules in one workspace,
 * go.work or not), with the module path it declares and, when it vendors, the modules in vendor/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface GoModule {
  /** The module path of the `module` directive, e.g. "example.com/orders". */
  path: string;
  /** Absolute directory holding go.mod. */
  dir: string;
  /** Module paths vendored under dir/vendor (from vendor/modules.txt). */
  vendored: ReadonlySet<string>;
}

/** Directories never searched for go.mod (testdata holds test inputs, not the service). */
const SKIPPED = new Set(['vendor', 'testdata', 'node_modules', '.git']);

/** The module path declared by go.mod text ('' when there is none). */
export function modulePathOf(goMod: string): string {
  for (const raw of goMod.split('\n')) {
    const m = /^\s*module\s+("([^"]+)"|`([^`]+)`|(\S+))/.exec(raw.replace(/\/\/.*$/, ''));
    if (m) return m[2] ?? m[3] ?? m[4];
  }
  return '';
}

/** "# github.com/google/uuid v1.6.0" lines of vendor/modules.txt. */
export function vendoredModulesOf(modulesTxt: string): Set<string> {
  const out = new Set<string>();
  for (const line of modulesTxt.split('\n')) {
    const m = /^# (\S+) \S+/.exec(line);
    if (m) out.add(m[1]);
  }
  return out;
}

export function readModule(dir: string): GoModule | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'go.mod'), 'utf8');
  } catch {
    return undefined;
  }
  const modPath = modulePathOf(text);
  if (!modPath) return undefined;
  let vendored = new Set<string>();
  try {
    vendored = vendoredModulesOf(fs.readFileSync(path.join(dir, 'vendor', 'modules.txt'), 'utf8'));
  } catch {
    // Not vendoring.
  }
  return { path: modPath, dir: path.resolve(dir), vendored };
}

/**
 * Every module under `roots`. Skips vendor/, testdata/, node_modules/, .git and hidden
 * directories; stops descending after `maxDirs` directories so a huge tree cannot stall the caller.
 */
export function findGoModules(roots: readonly string[], maxDirs = 50_000): GoModule[] {
  const out: GoModule[] = [];
  let budget = maxDirs;
  const walk = (dir: string) => {
    if (budget-- <= 0) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === 'go.mod')) {
      const m = readModule(dir);
      if (m) out.push(m);
    }
    for (const e of entries) {
      if (e.isDirectory() && !SKIPPED.has(e.name) && !e.name.startsWith('.')) walk(path.join(dir, e.name));
    }
  };
  for (const root of roots) walk(path.resolve(root));
  return out;
}
