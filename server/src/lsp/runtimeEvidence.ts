/**
 * Runtime evidence from goroutine profiles, handed to the server by the client
 * (`leaklens/runtimeEvidence`, see docs/language-server.md): the client reads a profile and maps
 * it to workspace lines; the server publishes it with the static findings of the same files, as
 * diagnostics of source `leaklens-runtime`, and gives a static finding on the same line the
 * evidence as relatedInformation and a message saying the leak is confirmed in that pod.
 */
import { DiagnosticSeverity, NotificationType, type Diagnostic } from 'vscode-languageserver/node';
import type { Range } from '../engine/types';
import { pathOfUri } from './openDocuments';

const RUNTIME_SOURCE = 'leaklens-runtime';
const DOCS_URL = 'https://github.com/leaklens/leaklens/blob/main/docs/runtime-leaks.md';

export interface RuntimeEvidenceItem {
  uri: string;
  range: Range;
  severity: 'error' | 'warning' | 'info';
  /** runtime/goroutines-leaked | runtime/goroutines-leaking | runtime/goroutines-blocked */
  code: string;
  message: string;
  /** What a static finding on the same line quotes, e.g. "312 goroutines blocked on chan send (+12/min)". */
  summary: string;
  /** Proven by the garbage collector, or growing while blocked. */
  confirmsLeak: boolean;
  related: { uri: string; range: Range; message: string }[];
}

export interface RuntimeEvidenceParams {
  /** Identifies the profile's origin; each notification replaces everything from that source. */
  source: string;
  /** Named in messages: "pod team-a/web-5d8-a". */
  label: string;
  /** Empty: the source's evidence is cleared. */
  items: RuntimeEvidenceItem[];
}

export const RuntimeEvidenceNotification = new NotificationType<RuntimeEvidenceParams>('leaklens/runtimeEvidence');

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };

function isPosition(p: unknown): boolean {
  const q = p as { line?: unknown; character?: unknown } | undefined;
  return !!q && Number.isInteger(q.line) && (q.line as number) >= 0 && Number.isInteger(q.character) && (q.character as number) >= 0;
}

function isRange(r: unknown): r is Range {
  const q = r as { start?: unknown; end?: unknown } | undefined;
  return !!q && isPosition(q.start) && isPosition(q.end);
}

/** Keeps the well-formed items of a client's notification (bad input never reaches a publication). */
export function validItems(params: unknown): { source: string; label: string; items: RuntimeEvidenceItem[] } | undefined {
  const p = params as Partial<RuntimeEvidenceParams> | undefined;
  if (!p || typeof p.source !== 'string' || !Array.isArray(p.items)) return undefined;
  const items = p.items.filter(
    (i): i is RuntimeEvidenceItem =>
      !!i &&
      typeof i.uri === 'string' &&
      isRange(i.range) &&
      i.severity in SEVERITY &&
      typeof i.code === 'string' &&
      typeof i.message === 'string' &&
      typeof i.summary === 'string',
  );
  const related = (i: RuntimeEvidenceItem) => (Array.isArray(i.related) ? i.related.filter((r) => r && typeof r.uri === 'string' && isRange(r.range) && typeof r.message === 'string') : []);
  return { source: p.source, label: typeof p.label === 'string' ? p.label : p.source, items: items.map((i) => ({ ...i, confirmsLeak: !!i.confirmsLeak, related: related(i) })) };
}

interface Labeled {
  label: string;
  item: RuntimeEvidenceItem;
}

export class RuntimeEvidenceStore {
  private readonly sources = new Map<string, { label: string; items: RuntimeEvidenceItem[] }>();
  private readonly byPath = new Map<string, Labeled[]>();

  /** Replaces one source's evidence; returns the files whose diagnostics change, with a URI for each. */
  set(source: string, label: string, items: RuntimeEvidenceItem[]): Map<string, string> {
    const changed = new Map<string, string>();
    for (const i of this.sources.get(source)?.items ?? []) changed.set(pathOfUri(i.uri), i.uri);
    for (const i of items) changed.set(pathOfUri(i.uri), i.uri);
    if (items.length) this.sources.set(source, { label, items });
    else this.sources.delete(source);
    this.byPath.clear();
    for (const { label: l, items: list } of this.sources.values()) {
      for (const item of list) {
        const key = pathOfUri(item.uri);
        this.byPath.set(key, [...(this.byPath.get(key) ?? []), { label: l, item }]);
      }
    }
    return changed;
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  /** The evidence of a file as diagnostics of source leaklens-runtime. */
  diagnostics(path: string): Diagnostic[] {
    return (this.byPath.get(path) ?? []).map(({ item }) => ({
      range: item.range,
      severity: SEVERITY[item.severity],
      source: RUNTIME_SOURCE,
      code: item.code,
      codeDescription: { href: DOCS_URL },
      message: item.message,
      relatedInformation: item.related.map((r) => ({ location: { uri: r.uri, range: r.range }, message: r.message })),
    }));
  }

  /**
   * A static finding's diagnostic, with the evidence that starts on its first line: each piece
   * becomes relatedInformation, and the message says what the runtime shows ("leak confirmed in
   * pod …" when a leak is proven or growing).
   */
  merge(path: string, d: Diagnostic): Diagnostic {
    const here = (this.byPath.get(path) ?? []).filter(({ item }) => item.range.start.line === d.range.start.line);
    if (!here.length) return d;
    const notes: string[] = [];
    for (const { label, item } of here) {
      const note = item.confirmsLeak ? `leak confirmed in ${label}: ${item.summary}` : `runtime, ${label}: ${item.summary}`;
      if (!notes.includes(note)) notes.push(note);
    }
    return {
      ...d,
      message: `${d.message} — ${notes.join('; ')}`,
      relatedInformation: [
        ...(d.relatedInformation ?? []),
        ...here.map(({ item }) => ({ location: { uri: item.uri, range: item.range }, message: item.message })),
      ],
    };
  }
}
