/** Container resource requests and limits. */
import { mapAt, pairOf, textOf } from './nodes';
import type { ContainerRef } from './podSpec';

/** `resources.<kind>.<resource>` as text (quantities may be written as numbers), or undefined. */
export function resourceValue(c: ContainerRef, kind: 'requests' | 'limits', resource: 'cpu' | 'memory'): string | undefined {
  return textOf(pairOf(mapAt(c.node, 'resources', kind), resource)?.value);
}

/** Twice a quantity, keeping its unit ("128Mi" -> "256Mi"); undefined when it is not a plain quantity. */
export function doubleQuantity(q: string): string | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(q.trim());
  if (!m) return undefined;
  const doubled = Number(m[1]) * 2;
  return Number.isFinite(doubled) ? `${Number(doubled.toFixed(6))}${m[2] ?? ''}` : undefined;
}
