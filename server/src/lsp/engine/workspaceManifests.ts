/**
 * The workspace's manifests as cross-file rules (k8s/dangling-service) see them: one small index
 * per file (its pod templates), from disk, or from the editor's text while the file is open.
 */
import { indexManifest, type ManifestIndex } from '../../k8s/analyzer';

export class WorkspaceManifests {
  private readonly indexes = new Map<string, ManifestIndex>();

  /** Re-indexes a file; true when what other files see of it changed. */
  update(path: string, text: string): boolean {
    let index: ManifestIndex;
    try {
      index = indexManifest({ path, text });
    } catch {
      index = { path, podTemplates: [] };
    }
    const before = this.indexes.get(path);
    this.indexes.set(path, index);
    return JSON.stringify(before?.podTemplates ?? []) !== JSON.stringify(index.podTemplates);
  }

  delete(path: string): boolean {
    const before = this.indexes.get(path);
    this.indexes.delete(path);
    return (before?.podTemplates.length ?? 0) > 0;
  }

  paths(): string[] {
    return [...this.indexes.keys()];
  }

  all(): ManifestIndex[] {
    return [...this.indexes.values()];
  }
}
