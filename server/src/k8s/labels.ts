/** Label selectors as Kubernetes evaluates them. */
import { asSeq, mapAt, mapsIn, pairOf, stringOf, stringRecord, textOf, type YAMLMap } from './nodes';

export interface LabelRequirement {
  key: string;
  operator: string;
  values: string[];
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelRequirement[];
}

/** A `metav1.LabelSelector` mapping (`matchLabels` / `matchExpressions`). */
export function labelSelectorOf(map: YAMLMap | undefined): LabelSelector {
  return {
    matchLabels: stringRecord(mapAt(map, 'matchLabels')),
    matchExpressions: mapsIn(asSeq(pairOf(map, 'matchExpressions')?.value)).map((e) => ({
      key: stringOf(pairOf(e, 'key')?.value) ?? '',
      operator: stringOf(pairOf(e, 'operator')?.value) ?? '',
      values: (asSeq(pairOf(e, 'values')?.value)?.items ?? []).map(textOf).filter((v): v is string => v !== undefined),
    })),
  };
}

/** A plain `key: value` selector (Service, ReplicationController). */
export function equalitySelectorOf(map: YAMLMap | undefined): LabelSelector {
  return { matchLabels: stringRecord(map), matchExpressions: [] };
}

export function isEmptySelector(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

export function selectorMatches(s: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(s.matchLabels)) if (labels[k] !== v) return false;
  for (const r of s.matchExpressions) {
    const has = Object.hasOwn(labels, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(labels[r.key])) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(labels[r.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function describeSelector(s: LabelSelector): string {
  const parts = Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const r of s.matchExpressions) parts.push(`${r.key} ${r.operator}${r.values.length ? ` (${r.values.join(', ')})` : ''}`);
  return parts.join(', ');
}
