/**
 * Maps the frames of a goroutine profile to files of the workspace. A profile names files as the
 * build saw them: absolute paths of the build machine (`/src/app/orders/fetch.go`, often a
 * container's), module paths with `-trimpath` (`example.com/app/orders/fetch.go`), module cache
 * paths for dependencies (`github.com/x/y@v1.2.3/z.go`, also for vendored ones under -trimpath) or
 * vendor/ paths. Where the path names no module, the function name carries the package's import
 * path, which places the file in a module of the workspace wherever it was built. Frames of the
 * standard library and of modules outside the workspace stay unmapped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GoModule } from './modules';
import { baseName, isStandardPackage, packageOf, type Frame } from './profile';

export interface MappedFrame {
  /** Absolute path of the workspace file. */
  file: string;
  /** One-based, as in the profile. */
  line: number;
  /** The file is vendored code (vendor/…), not the workspace's own. */
  vendored: boolean;
}

/** Import path of a frame's function; the linker escapes dots of the last element as %2e. */
export function importPathOf(func: string): string {
  const pkg = packageOf(func);
  return pkg.includes('%') ? pkg.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : pkg;
}

export class FrameMapper {
  /** Longest module path first, so nested modules win over their parent. */
  private readonly modules: GoModule[];
  private readonly cache = new Map<string, Omit<MappedFrame, 'line'> | null>();

  constructor(
    modules: readonly GoModule[],
    /** Workspace folders: absolute frame paths are taken as they are only inside them. */
    private readonly roots: readonly string[],
    private readonly exists: (file: string) => boolean = defaultExists,
  ) {
    this.modules = [...modules].sort((a, b) => b.path.length - a.path.length);
  }

  get moduleCount(): number {
    return this.modules.length;
  }

  map(frame: Frame): MappedFrame | undefined {
    const key = `${packageOf(frame.func)}\n${frame.file}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = this.resolve(frame) ?? null;
      this.cache.set(key, hit);
    }
    return hit ? { ...hit, line: frame.line } : undefined;
  }

  private resolve(frame: Frame): Omit<MappedFrame, 'line'> | undefined {
    const file = frame.file.replace(/\\/g, '/');
    const pkg = importPathOf(frame.func);
    const found = (f: string | undefined, vendored = false) => (f && this.exists(f) ? { file: f, vendored } : undefined);

    // A local build: the path is a workspace file already.
    if (path.isAbsolute(frame.file) && this.inRoots(frame.file)) {
      const hit = found(frame.file, /[\\/]vendor[\\/]/.test(path.relative(this.rootOf(frame.file)!, frame.file)));
      if (hit) return hit;
    }
    // A module cache path, or -trimpath's "module@version/rest" (also for vendored modules): the
    // file names its module, and that decides, whatever the function is called (inlining puts
    // one package's code under another's function names).
    const cached = /^(.+?)@v[^/]+\/(.+)$/.exec(file);
    if (cached) {
      const mod = unescapeModulePath(cached[1]);
      const names = (p: string) => mod === p || mod.endsWith(`/${p}`);
      for (const m of this.modules) {
        if (names(m.path)) return found(path.join(m.dir, cached[2]));
        for (const v of m.vendored) if (names(v)) return found(path.join(m.dir, 'vendor', v, cached[2]), true);
      }
      return undefined;
    }
    // -trimpath, a workspace module: "module/rest".
    for (const m of this.modules) {
      if (file.startsWith(`${m.path}/`)) {
        const hit = found(path.join(m.dir, file.slice(m.path.length + 1)));
        if (hit) return hit;
      }
    }
    // A vendor/ path of another machine.
    const vendorAt = file.lastIndexOf('/vendor/');
    if (vendorAt >= 0) {
      const rest = file.slice(vendorAt + '/vendor/'.length);
      for (const m of this.modules) {
        if (m.vendored.size) {
          const hit = found(path.join(m.dir, 'vendor', rest), true);
          if (hit) return hit;
        }
      }
    }
    if (pkg === 'main') return this.bySuffix(file);
    if (isStandardPackage(pkg)) return undefined;
    // Anywhere else: the package's import path names its directory in a workspace module — when
    // the file's directory agrees (an inlined frame names the caller's package, not the file's).
    const dir = file.slice(0, file.lastIndexOf('/'));
    for (const m of this.modules) {
      if (pkg === m.path || pkg.startsWith(`${m.path}/`)) {
        const rel = pkg.slice(m.path.length);
        const hit = (!rel || dir.endsWith(rel)) && found(path.join(m.dir, rel, baseName(file)));
        if (hit) return hit;
      }
      for (const v of m.vendored) {
        if ((pkg === v || pkg.startsWith(`${v}/`)) && dir.endsWith(`/${pkg}`)) return found(path.join(m.dir, 'vendor', pkg, baseName(file)), true);
      }
    }
    return undefined;
  }

  /**
   * Package main names no import path: the longest tail of the build path that exists in a
   * workspace module ("/src/app/cmd/server/main.go" → "<module>/cmd/server/main.go").
   */
  private bySuffix(file: string): Omit<MappedFrame, 'line'> | undefined {
    const parts = file.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const tail = parts.slice(i).join('/');
      for (const m of this.modules) {
        const candidate = path.join(m.dir, tail);
        if (this.exists(candidate)) return { file: candidate, vendored: false };
      }
    }
    return undefined;
  }

  private rootOf(file: string): string | undefined {
    return this.roots.find((r) => file === r || file.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  }

  private inRoots(file: string): boolean {
    return this.rootOf(file) !== undefined;
  }
}

/** The module cache writes capitals as "!" and the lower case letter (golang.org/x/mod/module.EscapePath). */
function unescapeModulePath(p: string): string {
  return p.replace(/!([a-z])/g, (_, c: string) => c.toUpperCase());
}

function defaultExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
