/** Text for the read-only documents: an object as YAML (without managedFields) and its events as a table. */
import { stringify } from 'yaml';
import { humanDuration } from './humanDuration';
import { timeOf, type KubeObject } from './kube';
import { withoutManagedFields } from './workloads';

export function describeYaml(obj: KubeObject): string {
  return stringify(withoutManagedFields(obj), { lineWidth: 0, aliasDuplicateObjects: false });
}

interface CoreEvent {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  involvedObject?: { kind?: string; name?: string };
  metadata?: { creationTimestamp?: string };
}

function lastSeen(e: CoreEvent): number {
  return timeOf(e.series?.lastObservedTime) ?? timeOf(e.lastTimestamp) ?? timeOf(e.eventTime) ?? timeOf(e.metadata?.creationTimestamp) ?? 0;
}

/**
 * kubectl describe's Events section: Type, Reason, Age, From, Message; oldest first. A namespace's
 * events concern many objects, so they get an Object column (`pod/web-5d8-a`, as kubectl get events).
 */
export function formatEvents(title: string, events: CoreEvent[], now: number, { objectColumn = false } = {}): string {
  if (!events.length) return `${title}\n\nNo events (the API server keeps them for about an hour).\n`;
  const rows = [...events]
    .sort((a, b) => lastSeen(a) - lastSeen(b))
    .map((e) => {
      const count = e.series?.count ?? e.count ?? 1;
      const first = timeOf(e.firstTimestamp) ?? timeOf(e.eventTime) ?? lastSeen(e);
      const age = count > 1 ? `${humanDuration(now - lastSeen(e))} (x${count} over ${humanDuration(now - first)})` : humanDuration(now - lastSeen(e));
      const object = `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`;
      const from = e.source?.component || e.reportingComponent || '';
      const message = (e.message ?? '').trim();
      return objectColumn ? [e.type ?? '', e.reason ?? '', object, age, from, message] : [e.type ?? '', e.reason ?? '', age, from, message];
    });
  const header = objectColumn ? ['Type', 'Reason', 'Object', 'Age', 'From', 'Message'] : ['Type', 'Reason', 'Age', 'From', 'Message'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [title, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''].join('\n');
}
