/** Test helpers that run the real Kubernetes engine on text. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, type LeakLensConfig } from '../../server/src/engine/config';
import { fixAllEdits } from '../../server/src/engine/fixAll';
import { applyEdits } from '../../server/src/engine/text';
import type { LineComment } from '../../server/src/engine/suppress';
import type { Finding } from '../../server/src/engine/types';
import type { WorkspaceManifest } from '../../server/src/k8s/analyzer';
import { analyzeManifestSet } from '../../server/src/k8s/manifestSet';
import { ManifestFile } from '../../server/src/k8s/manifestFile';
import type { CommentLike } from './wants';

/**
 * Lints one manifest text as if it were at `file`, as the CLI and the editor do (templates outside a
 * chart are skipped); rule exceptions fail the test instead of being logged.
 */
export function lintManifest(
  file: string,
  text: string,
  workspace: readonly WorkspaceManifest[] = [],
  config: LeakLensConfig = defaultConfig(),
): Finding[] {
  const errors: string[] = [];
  const result = analyzeManifestSet([{ path: file, text }], config, (rule, err) => errors.push(`${rule}: ${(err as Error)?.stack ?? err}`), { workspace });
  if (errors.length) throw new Error(`rules threw on ${file}:\n${errors.join('\n')}`);
  return result.get(file)!;
}

export interface ManifestShape {
  comments: LineComment[];
  /** 1-based first and last line of every Kubernetes object. */
  objects: [number, number][];
  /** Documents that fail to parse. */
  brokenDocuments: number;
  /** Offsets [start, end] of the documents. */
  documents: [number, number][];
}

export function inspectManifest(file: string, text: string): ManifestShape {
  const m = new ManifestFile(file, text);
  const line = (offset: number) => m.positionAt(offset).line;
  return {
    comments: m.comments(),
    objects: m.objects.map((o) => [line(o.node.range![0]) + 1, line(Math.max(o.node.range![0], o.node.range![1] - 1)) + 1]),
    brokenDocuments: m.documents.filter((d) => d.errors.length > 0).length,
    documents: m.documents.map((d) => [d.range[0], d.range[2]]),
  };
}

/** Expectations of a JSON fixture, which cannot hold comments: `<file>.want` lines like `12: k8s/rule, k8s/other`. */
export function jsonWants(file: string): CommentLike[] {
  const sidecar = `${file}.want`;
  if (!fs.existsSync(sidecar)) return [];
  return fs
    .readFileSync(sidecar, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const colon = l.indexOf(':');
      return { line: Number(l.slice(0, colon)) - 1, text: `want: ${l.slice(colon + 1).trim()}` };
    });
}

/** Manifest fixtures of one rule directory, nested directories (Helm charts) included. */
export function manifestFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

/** Fix All as the editor runs it: passes of the engine's fix-all edits until nothing is left to fix. */
export function fixAllManifest(file: string, text: string, workspace: readonly WorkspaceManifest[] = []): string {
  let current = text;
  for (let pass = 0; pass < 8; pass++) {
    const edits = fixAllEdits(current, lintManifest(file, current, workspace));
    if (edits.length === 0) break;
    current = applyEdits(current, edits);
  }
  return current;
}
