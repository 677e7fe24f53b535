/** Which namespaces a context shows, and in what order. */
import picomatch from 'picomatch';

export interface NamespaceSettings {
  /** Globs; `!glob` hides. Empty: show all. */
  filter: string[];
  /** Always shown, right after the context's namespace, in this order (also when listing namespaces is forbidden). */
  pinned: string[];
}

/** The context's namespace first, then pinned ones, then the others that pass the filter, alphabetically. */
export function orderNamespaces(listed: Iterable<string>, current: string, settings: NamespaceSettings): string[] {
  const positive = settings.filter.filter((p) => p && !p.startsWith('!'));
  const negative = settings.filter.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const include = positive.length ? picomatch(positive) : () => true;
  const exclude = negative.length ? picomatch(negative) : () => false;
  const head = [current, ...settings.pinned].filter((n, i, all) => n && all.indexOf(n) === i);
  const rest = [...new Set(listed)].filter((n) => !head.includes(n) && include(n) && !exclude(n)).sort();
  return [...head, ...rest];
}
