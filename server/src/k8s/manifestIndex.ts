/**
 * What other files need to know about a manifest file, small enough for the language server to cache
 * per file: the pod templates it defines (labels and namespace), for rules that look across files
 * such as k8s/dangling-service.
 */
import { HelmTemplates } from './helm';
import { selectorMatches, type LabelSelector } from './labels';
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

/** Pod templates indexed by label, so matching each Service of a large workspace stays cheap. */
export class PodTemplateSet {
  private readonly byLabel = new Map<string, PodTemplateInfo[]>();

  constructor(private readonly all: readonly PodTemplateInfo[]) {
    for (const pod of all) {
      for (const [k, v] of Object.entries(pod.labels)) {
        const key = `${k}=${v}`;
        const list = this.byLabel.get(key);
        if (list) list.push(pod);
        else this.byLabel.set(key, [pod]);
      }
    }
  }

  /** True when some template in a compatible namespace (either side unset, or equal) carries the labels. */
  anySelected(selector: LabelSelector, namespace: string | undefined): boolean {
    const [first] = Object.entries(selector.matchLabels);
    const candidates = first ? (this.byLabel.get(`${first[0]}=${first[1]}`) ?? []) : this.all;
    return candidates.some((p) => (!namespace || !p.namespace || namespace === p.namespace) && selectorMatches(selector, p.labels));
  }
}
