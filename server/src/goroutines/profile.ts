/**
 * A goroutine profile as LeakLens reads it: goroutines grouped by what they run and where they
 * wait. Every format (the `debug=2` text, the aggregated `debug=1` text, the gzipped protobuf of
 * `debug=0`) ends up as these groups. Nothing here imports vscode: the CLI uses it too.
 */

/** One stack frame: the function as the runtime names it, and the source line. */
export interface Frame {
  func: string;
  file: string;
  line: number;
}

export type ProfileFormat = 'debug2' | 'debug1' | 'proto';

export interface GoroutineGroup {
  /** Identity across samples: the state, the stack and the creating `go` statement. */
  key: string;
  /**
   * The wait reason or status as the runtime prints it ("chan send", "select", "IO wait",
   * "running"), without "(leaked)" and minutes. '' when the format does not say (debug=1).
   */
  state: string;
  count: number;
  /** Goroutines the garbage collector proved leaked (marked "(leaked)" by Go 1.26's goroutineleak profile). */
  leaked: number;
  /** The longest wait, in whole minutes (the runtime prints waits of a minute or more). */
  maxWaitMinutes: number;
  /** Innermost frame first, as printed. */
  stack: Frame[];
  /** The `go` statement that started them; absent for the main goroutine and in the aggregated formats. */
  createdBy?: Frame;
  /** A few goroutine ids, to find them in the raw dump. */
  ids: number[];
}

export interface GoroutineProfile {
  format: ProfileFormat;
  /** Goroutines in the profile. */
  total: number;
  groups: GoroutineGroup[];
  /** Read from /debug/pprof/goroutineleak: "(leaked)" marks were decided by the garbage collector. */
  leakDetection: boolean;
  /** Reading stopped at the size limit: counts are a lower bound. */
  truncated: boolean;
  /** Bytes read from the source (compressed bytes for gzip). */
  bytes: number;
  /** Lines or records that could not be read; they are skipped, never fatal. */
  skipped: number;
}

/** How many goroutine ids a group keeps. */
const IDS_KEPT = 5;

/** Collects goroutines into groups; each parser feeds it. */
export class GroupCollector {
  private readonly groups = new Map<string, GoroutineGroup>();
  total = 0;

  /**
   * Adds `count` goroutines to the group of `key`; `make` builds the group's frames only when the
   * key is new, so a profile of 100,000 goroutines allocates frames once per group.
   */
  add(key: string, count: number, waitMinutes: number, leaked: boolean, id: number | undefined, make: () => Pick<GoroutineGroup, 'state' | 'stack' | 'createdBy'>): GoroutineGroup {
    let g = this.groups.get(key);
    if (!g) {
      g = { key, count: 0, leaked: 0, maxWaitMinutes: 0, ids: [], ...make() };
      this.groups.set(key, g);
    }
    this.count(g, count, waitMinutes, leaked, id);
    return g;
  }

  /** Adds goroutines to a group the caller found itself. */
  count(g: GoroutineGroup, count: number, waitMinutes: number, leaked: boolean, id: number | undefined): void {
    this.total += count;
    g.count += count;
    if (leaked) g.leaked += count;
    if (waitMinutes > g.maxWaitMinutes) g.maxWaitMinutes = waitMinutes;
    if (id !== undefined && g.ids.length < IDS_KEPT) g.ids.push(id);
  }

  /** The groups, largest first. */
  result(): GoroutineGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  }
}

/** "net/http.(*Server).Serve" → "net/http"; "main.main" → "main"; generic brackets are ignored. */
export function packageOf(func: string): string {
  const slash = func.lastIndexOf('/', func.indexOf('[') >= 0 ? func.indexOf('[') : func.length);
  const dot = func.indexOf('.', slash + 1);
  return dot < 0 ? func : func.slice(0, dot);
}

/** Standard library (and runtime) packages: no dot in the first path element, and not main. */
export function isStandardPackage(pkg: string): boolean {
  const first = pkg.split('/')[0];
  return !first.includes('.') && pkg !== 'main';
}

/** "/src/app/orders/fetch.go" → "fetch.go" (both separators: dumps may come from Windows). */
export function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/** Short display of a frame's place: "orders/fetch.go:61" (the last directory and the file). */
export function shortPlace(f: Frame): string {
  const parts = f.file.split(/[\\/]/);
  return `${parts.slice(-2).join('/')}:${f.line}`;
}
