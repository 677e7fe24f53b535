/**
 * The workspace's manifests as cross-file rules (k8s/dangling-service, ...) see them: one small index
 * per file (pod templates, disruption budgets, autoscaler targets), from disk, or from the editor's
 * text while the file is open.
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
      index = { path, podTemplates: [], disruptionBudgets: [], scaleTargets: [] };
    }
    const before = this.indexes.get(path);
    this.indexes.set(path, index);
    return JSON.stringify(crossFileFacts(before)) !== JSON.stringify(crossFileFacts(index));
  }

  delete(path: string): boolean {
    const before = this.indexes.get(path);
    this.indexes.delete(path);
    return !!before && JSON.stringify(crossFileFacts(before)) !== JSON.stringify(crossFileFacts(undefined));
  }

  paths(): string[] {
    return [...this.indexes.keys()];
  }

  all(): ManifestIndex[] {
    return [...this.indexes.values()];
  }
}

/** What other files see of an index (everything but its path). */
function crossFileFacts(index: ManifestIndex | undefined) {
  return [index?.podTemplates ?? [], index?.disruptionBudgets ?? [], index?.scaleTargets ?? []];
}
