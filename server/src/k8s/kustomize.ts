/**
 * Kustomize directories (a `kustomization.yaml`): the resources it lists are manifests like any
 * other and are linted as such; the patches it lists are fragments of objects (a strategic-merge
 * patch names only what it changes, a JSON 6902 patch is a list of operations), so they are not
 * linted as objects, and the user is told; a kustomization that builds on another directory's is
 * an overlay, and the user is told that its patches reach the base's objects only through
 * `kustomize build`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** Patches may sit beside, below or above the kustomization that lists them. */
const ANCESTORS = 3;

export interface Kustomization {
  file: string;
  /** Absolute paths of the patch files it lists. */
  patches: ReadonlySet<string>;
  /** Absolute directories of the kustomizations it builds on (its bases): set for an overlay. */
  bases: readonly string[];
}

/** The kustomizations of directories, read from disk once each. */
export class Kustomizations {
  private readonly byDir = new Map<string, Kustomization | null>();

  /** Reads the kustomizations of the directories of `files`, so patches listed across directories are known. */
  read(files: readonly string[]): void {
    for (const f of files) this.of(path.dirname(f));
  }

  /** The kustomization of `dir`, if it has one that parses. */
  of(dir: string): Kustomization | undefined {
    const key = path.resolve(dir);
    let known = this.byDir.get(key);
    if (known === undefined) this.byDir.set(key, (known = readKustomization(key)));
    return known ?? undefined;
  }

  /**
   * The kustomization that lists `file` as a patch: one read already (those of the directories of a
   * lint run's files, see `read`), or one in its directory or a few above.
   */
  patchOwner(file: string): Kustomization | undefined {
    const abs = path.resolve(file);
    for (const k of this.byDir.values()) if (k?.patches.has(abs)) return k;
    let dir = path.dirname(abs);
    for (let i = 0; i <= ANCESTORS; i++) {
      const k = this.of(dir);
      if (k?.patches.has(abs)) return k;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return undefined;
  }
}

function readKustomization(dir: string): Kustomization | null {
  for (const name of FILE_NAMES) {
    const file = path.join(dir, name);
    // Most directories have none: asking is cheaper than a failed read's exception.
    if (!fs.existsSync(file)) continue;
    let doc: unknown;
    try {
      doc = parse(fs.readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    if (!doc || typeof doc !== 'object') return null;
    const k = doc as Record<string, unknown>;
    // Paths only: not URLs (remote bases) nor inline patches.
    const at = (p: unknown) => (typeof p === 'string' && !p.includes('\n') && !/^[a-z]+:\/\//i.test(p) ? path.resolve(dir, p) : undefined);
    const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
    const patches = new Set<string>();
    for (const p of [...list(k.patchesStrategicMerge), ...list(k.patches), ...list(k.patchesJson6902)]) {
      const where = at(typeof p === 'object' && p !== null ? (p as Record<string, unknown>).path : p);
      if (where) patches.add(where);
    }
    const bases = [...list(k.resources), ...list(k.bases), ...list(k.components)]
      .map(at)
      .filter((d): d is string => !!d && FILE_NAMES.some((n) => fs.existsSync(path.join(d, n))));
    return { file, patches, bases };
  }
  return null;
}
