/**
 * A package-wide index of the functions and methods that return a resource (see
 * declaredResults.ts), for one file: its own declarations, read from the text being analyzed, and
 * those of the other files of its directory, which the CLI and the language server read from disk
 * (PackageLocator) and hand over in the file's GoSemantics. Two questions use it:
 * - is a call of a same-package function an acquisition (`s.fetch(url)` whose declaration returns
 *   an *http.Response and whose body gets it from net/http)? Its caller owns the resource then.
 * - is a test file the test of the package that implements the acquiring call (database/sql's own
 *   tests calling Query, a tracer SDK's tests calling Start)? Those exercise the implementation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { declaredAcquirers, type DeclaredAcquirer, type FileDecls } from './declaredResults';
import type { GoFile, GoSemantics } from './file';
import { RESOURCE_TYPES, type DeclaredResource } from './resourceTypes';
import { selectorNames } from './selectorNames';
import { channelConstructorNames } from './goroutines/constructors';
import { readFieldChannels, type FieldChannels } from './goroutines/fieldChannels';

export type { DeclaredAcquirer, FileDecls };

const NO_FIELD_CHANNELS: FieldChannels = { accessors: new Map(), neverSignalled: new Set(), neverReceived: new Set(), words: [] };

/** Files larger than this are not read for declarations (generated code; the lint limit is similar). */
const MAX_SIBLING_BYTES = 2_000_000;

export class PackageIndex {
  private readonly visible: DeclaredAcquirer[] = [];
  /** Declarations of the package's non-test files (the implementation). */
  private readonly implementation: DeclaredAcquirer[] = [];
  private readonly wrappers = new Map<DeclaredResource, Map<string, DeclaredAcquirer[]>>();

  /** What the file itself declares, as text: analyses of the same file with another key may differ. */
  readonly ownKey: string;

  private channels?: FieldChannels;
  private constructors?: readonly string[];

  constructor(
    private readonly own: FileDecls,
    private readonly siblings: readonly FileDecls[] = [],
    private readonly ownText = '',
  ) {
    this.ownKey = JSON.stringify(own.acquirers);
    // An external test package (`x_test`) sees package x's declarations too.
    const base = own.pkg.endsWith('_test') ? own.pkg.slice(0, -'_test'.length) : own.pkg;
    for (const f of [own, ...siblings]) {
      const samePackage = f.pkg === own.pkg || f.pkg === base;
      if (!samePackage || (f.test && !own.test)) continue;
      this.visible.push(...f.acquirers);
      if (!f.test && f.pkg === base) this.implementation.push(...f.acquirers);
    }
    this.findWrappers();
  }

  /**
   * Functions that return what an acquiring call returned in the resource's place, that call being
   * a standard one or another such function. The package that defines the resource's type (net/http
   * for Client.Get) is not wrapping it: the rules know its calls already.
   */
  private findWrappers(): void {
    const candidates = this.visible.filter((d) => !d.home);
    const known = new Set<DeclaredAcquirer>();
    const acquires = (d: DeclaredAcquirer) =>
      d.sources.some(
        (s) =>
          // The standard calls all return two results.
          (RESOURCE_TYPES[d.resource].acquiredBy.includes(s.name) && s.index === RESOURCE_TYPES[d.resource].slot && s.count === 2) ||
          [...known].some((w) => w.resource === d.resource && w.name === s.name && w.slot === s.index && w.results === s.count),
      );
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of candidates) {
        if (!known.has(d) && acquires(d)) {
          known.add(d);
          grew = true;
        }
      }
    }
    for (const d of known) {
      let byName = this.wrappers.get(d.resource);
      if (!byName) this.wrappers.set(d.resource, (byName = new Map()));
      byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
    }
  }

  /** Names of the package's functions and methods that acquire `resource`. */
  wrapperNames(resource: DeclaredResource): readonly string[] {
    return [...(this.wrappers.get(resource)?.keys() ?? [])];
  }

  /**
   * The declaration a call of `name` (a method when `method`) with `args` arguments acquires
   * `resource` through, when every declaration of that name agrees on where the resource is.
   */
  wrapper(resource: DeclaredResource, name: string, method: boolean, args: number): DeclaredAcquirer | undefined {
    const decls = this.wrappers.get(resource)?.get(name)?.filter((d) => d.method === method);
    if (!decls?.length) return undefined;
    const d = decls[0];
    if (decls.some((o) => o.slot !== d.slot || o.results !== d.results)) return undefined;
    const arity = d.variadic ? args >= d.params - 1 : args === d.params;
    return arity ? d : undefined;
  }

  /**
   * True when the package's own code implements the acquisition of `resource`: it declares an
   * acquiring function with the resource's own type (it is the package that defines it: net/http,
   * database/sql, context), or a `Start` method returning a span (a tracer). Its tests exercise it.
   */
  implements(resource: DeclaredResource): boolean {
    return this.implementation.some((d) => d.resource === resource && (d.home || (resource === 'span' && d.method && d.name === 'Start')));
  }

  /** Names of the file's functions that may return new channels in a struct (goroutines/constructors.ts). */
  channelConstructors(): readonly string[] {
    // Most files make no channel; the lint plan asks each (the stranded-goroutine rules' package triggers).
    return (this.constructors ??= /\bmake\s*\(\s*(?:<-\s*)?chan\b/.test(this.ownText) ? channelConstructorNames(this.ownText) : []);
  }

  /** The file's channel fields no code of the package can complete an operation on (goroutines/fieldChannels.ts). */
  fieldChannels(): FieldChannels {
    // A file without `chan` declares no channel field: most files, and the lint plan asks each (blocks-forever's package triggers).
    return (this.channels ??= /\bchan\b/.test(this.ownText) ? readFieldChannels(this.ownText, this.own.pkg, this.siblings) : NO_FIELD_CHANNELS);
  }
}

const indexes = new WeakMap<GoSemantics, { path: string; text: string; index: PackageIndex }>();

/** The index for the file at `path` with `text`, whose siblings' declarations `semantics` carries. */
export function packageIndexFor(file: string, text: string, semantics: GoSemantics): PackageIndex {
  const known = indexes.get(semantics);
  if (known && known.path === file && known.text === text) return known.index;
  const index = new PackageIndex(declaredAcquirers(file, text), semantics.packageDecls, text);
  indexes.set(semantics, { path: file, text, index });
  return index;
}

/** The index of a file being analyzed. */
export function packageIndexOf(file: GoFile): PackageIndex {
  return packageIndexFor(file.path, file.text, file.semantics);
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  decls: FileDecls;
}

/**
 * Reads the declarations of the Go files of a directory from disk, caching each file's by its
 * modification time and size. A directory is listed again once `maxAgeMs` passed (the language
 * server, where files change; the CLI keeps what it read) or when refresh() names one of its files.
 */
export class PackageLocator {
  private readonly dirs = new Map<string, { listedAt: number; files: Map<string, CachedFile> }>();

  constructor(private readonly maxAgeMs = Infinity) {}

  /** Declarations of the other Go files in the directory of `file`. */
  siblingsOf(file: string): FileDecls[] {
    const dir = path.dirname(file);
    let entry = this.dirs.get(dir);
    if (!entry || Date.now() - entry.listedAt > this.maxAgeMs) entry = this.list(dir, entry?.files);
    const self = path.basename(file);
    const out: FileDecls[] = [];
    for (const [name, f] of entry.files) if (name !== self) out.push(f.decls);
    return out;
  }

  /** Reads one file again (changed on disk); true when what it declares changed. */
  refresh(file: string): boolean {
    const entry = this.dirs.get(path.dirname(file));
    if (!entry) return false;
    const name = path.basename(file);
    const before = JSON.stringify(entry.files.get(name)?.decls.acquirers ?? []);
    const now = readDecls(file, entry.files.get(name));
    if (now) entry.files.set(name, now);
    else entry.files.delete(name);
    return JSON.stringify(now?.decls.acquirers ?? []) !== before;
  }

  private list(dir: string, previous?: Map<string, CachedFile>) {
    const files = new Map<string, CachedFile>();
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith('.go'));
    } catch {
      // An unreadable directory declares nothing the rules can use.
    }
    for (const name of names) {
      const read = readDecls(path.join(dir, name), previous?.get(name));
      if (read) files.set(name, read);
    }
    const entry = { listedAt: Date.now(), files };
    this.dirs.set(dir, entry);
    return entry;
  }
}

/** A file's declarations, reusing `cached` when the file did not change; undefined when it cannot be read. */
function readDecls(file: string, cached?: CachedFile): CachedFile | undefined {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_SIBLING_BYTES) return undefined;
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached;
    const text = fs.readFileSync(file, 'utf8');
    return { mtimeMs: st.mtimeMs, size: st.size, decls: { ...declaredAcquirers(file, text), selectors: selectorsOnDisk(file, st.mtimeMs) } };
  } catch {
    return undefined;
  }
}

/** The file's selector names, read from disk when first asked; undefined when it changed since or cannot be read. */
function selectorsOnDisk(file: string, mtimeMs: number): () => ReadonlySet<string> | undefined {
  let names: ReadonlySet<string> | undefined | null = null;
  return () => {
    if (names === null) {
      try {
        names = fs.statSync(file).mtimeMs === mtimeMs ? selectorNames(fs.readFileSync(file, 'utf8')) : undefined;
      } catch {
        names = undefined;
      }
    }
    return names;
  };
}
