/** The shape of a Kubernetes rule: metadata plus a check over one parsed manifest file. */
import type { Fix, ReportOptions, RuleMeta, TextEdit } from '../engine/types';
import type { WorkspaceObjects } from './manifestIndex';
import type { ManifestFile } from './manifestFile';
import type { Pair, YamlNode } from './nodes';
import type { K8sObject } from './objects';
import type { YamlEditor } from './yamlEdits';

/** Where a finding starts: a pair (its key, through a scalar value), a node (its first line) or offsets. */
export type K8sLocation = Pair | YamlNode | { start: number; end: number };

export interface K8sRuleContext {
  file: ManifestFile;
  /** The Kubernetes objects of the file (`List` items included; broken documents and Helm templates excluded). */
  objects: readonly K8sObject[];
  edits: YamlEditor;
  /** What cross-file rules see of every manifest checked together (this file, the other targets and the workspace). */
  workspace(): WorkspaceObjects;
  report(at: K8sLocation, message: string, options?: ReportOptions): void;
}

export interface K8sRule extends RuleMeta {
  language: 'k8s';
  /**
   * The kinds of object whose bodies the rule reads. Documents of kinds no enabled rule reads are
   * not parsed beyond their apiVersion, kind and metadata (see manifestFile.ts): a rule that only
   * reads those declares `[]`.
   */
  kinds: readonly string[];
  /**
   * Set for rules that need manifests beyond the object itself (a Service and the pods it selects):
   * they run once every target is indexed, on files holding one of `kinds`; `lintObject` skips them.
   */
  crossFile?: { kinds: readonly string[] };
  check(ctx: K8sRuleContext): void;
}

/** A one-fix list, or none when the edit could not be computed safely. */
export function fixIf(title: string, edits: TextEdit[] | undefined): Fix[] {
  return edits ? [{ title, edits, preferred: true }] : [];
}

/**
 * A one-fix list for a fix that can take away something the workload relies on (`reason` says
 * what): offered as a quick fix, never applied by Fix All, fix on save or `--fix`.
 */
export function riskyFixIf(title: string, edits: TextEdit[] | undefined, reason: string): Fix[] {
  return edits ? [{ title, edits, preferred: true, changesBehavior: reason }] : [];
}
