/**
 * What other files need to know about a manifest file, small enough for the language server to cache
 * per file: the pod templates it defines (labels and namespace), for rules that look across files
 * such as k8s/dangling-service.
 */
import { HelmTemplates } from './helm';
import { ManifestFile } from './manifestFile';
import { labelsOf } from './objects';
import { podSpecsOf } from './podSpec';

export interface ManifestInput {
  path: string;
  text: string;
}

export interface PodTemplateInfo {
  /** Absent when the manifest leaves it to `kubectl -n`/kustomize: then it matches any namespace. */
  namespace?: string;
  labels: Readonly<Record<string, string>>;
}

export interface ManifestIndex {
  path: string;
  podTemplates: readonly PodTemplateInfo[];
}

export function podTemplatesOf(file: ManifestFile): PodTemplateInfo[] {
  return podSpecsOf(file.objects).map((pod) => ({ namespace: pod.object.namespace, labels: labelsOf(pod.metadata) }));
}

/** Indexes one file. Helm templates and unparsable documents contribute nothing. */
export function indexManifest(input: ManifestInput, helm: HelmTemplates = new HelmTemplates()): ManifestIndex {
  if (helm.isTemplate(input.path, input.text)) return { path: input.path, podTemplates: [] };
  return { path: input.path, podTemplates: podTemplatesOf(new ManifestFile(input.path, input.text)) };
}

export function isManifestIndex(entry: ManifestInput | ManifestIndex): entry is ManifestIndex {
  return 'podTemplates' in entry;
}
