/**
 * Publishes findings as LSP diagnostics and remembers what was published: the latest findings of
 * each open document with their version (code actions are built from them), and how many findings
 * every file has (for the leaklens/findingCount notification).
 */
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import { ruleDocsUrl } from '../lint/registry';
import { SEVERITIES, type Finding, type Severity } from '../engine/types';
import type { EngineFinding } from './engine/messages';
import { pathOfUri } from './openDocuments';
import { FindingCountNotification } from './protocol';
import { RuntimeEvidenceStore, type RuntimeEvidenceItem } from './runtimeEvidence';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const COUNT_DEBOUNCE_MS = 50;

function severityCounts(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export function toDiagnostic(uri: string, f: Finding): Diagnostic {
  const diagnostic: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity],
    source: 'leaklens',
    code: f.rule,
    codeDescription: { href: ruleDocsUrl(f.rule) },
    message: f.message,
  };
  if (f.related?.length) {
    diagnostic.relatedInformation = f.related.map((r) => ({
      location: { uri: r.file ? pathToFileURL(r.file).href : uri, range: r.range },
      message: r.message,
    }));
  }
  return diagnostic;
}

interface Waiter {
  version: number;
  resolve: (findings: EngineFinding[] | undefined) => void;
}

export class DiagnosticsPublisher {
  /** Open documents: the findings last published and their version. */
  private readonly latest = new Map<string, { version: number; findings: EngineFinding[] }>();
  /**
   * Per file path, open or not: the findings last published (kept to publish them again with new
   * runtime evidence), their count and their count per severity; `seq` orders publications (see
   * staleSince).
   */
  private readonly counts = new Map<
    string,
    { uri: string; count: number; bySeverity: Record<Severity, number>; seq: number; open: boolean; version?: number; findings: readonly Finding[] }
  >();
  private readonly evidence = new RuntimeEvidenceStore();
  private seq = 0;
  private readonly waiters = new Map<string, Waiter[]>();
  private countTimer?: NodeJS.Timeout;
  private lastCount = '';

  constructor(private readonly connection: Connection) {}

  publishOpen(uri: string, version: number, findings: EngineFinding[]): void {
    this.latest.set(uri, { version, findings });
    this.send(uri, version, findings, true);
    const waiting = this.waiters.get(uri) ?? [];
    this.waiters.set(uri, waiting.filter((w) => w.version !== version));
    for (const w of waiting) if (w.version === version) w.resolve(findings);
  }

  /** Findings of a file that is not open (workspace scan). */
  publishFile(uri: string, findings: Finding[]): void {
    // Nothing to clear for a file never reported.
    if (findings.length === 0 && !this.counts.has(pathOfUri(uri))) return;
    this.send(uri, undefined, findings, false);
  }

  /**
   * A document closed. Its findings stay (marked not open) when the engine is about to report the
   * file from disk; otherwise they are cleared.
   */
  closed(uri: string, keep: boolean): void {
    this.latest.delete(uri);
    for (const w of this.waiters.get(uri) ?? []) w.resolve(undefined);
    this.waiters.delete(uri);
    const entry = this.counts.get(pathOfUri(uri));
    if (keep && entry) {
      entry.open = false;
      entry.version = undefined;
    } else this.send(uri, undefined, [], false);
  }

  /** The findings published for this version of an open document, waiting up to `timeoutMs` for them. */
  findingsFor(uri: string, version: number, timeoutMs: number): Promise<EngineFinding[] | undefined> {
    const latest = this.latest.get(uri);
    if (latest?.version === version) return Promise.resolve(latest.findings);
    return new Promise((resolve) => {
      const waiter: Waiter = { version, resolve };
      this.waiters.set(uri, [...(this.waiters.get(uri) ?? []), waiter]);
      setTimeout(() => {
        const list = this.waiters.get(uri);
        if (!list?.includes(waiter)) return;
        this.waiters.set(uri, list.filter((w) => w !== waiter));
        resolve(undefined);
      }, timeoutMs).unref();
    });
  }

  /** A point in the publication order, for clearStaleSince. */
  mark(): number {
    return this.seq;
  }

  /** Clears files not open that were published before `mark` and not since (e.g. gone from the workspace). */
  clearStaleSince(mark: number): void {
    for (const [, entry] of this.counts) {
      if (!entry.open && entry.seq <= mark && entry.count > 0) this.send(entry.uri, undefined, [], false);
    }
    this.scheduleCount();
  }

  /** Clears every file that is not open (scope changed to open files only). */
  clearNotOpen(): void {
    for (const [, entry] of this.counts) if (!entry.open && entry.count > 0) this.send(entry.uri, undefined, [], false);
  }

  /**
   * Runtime evidence from one source (leaklens/runtimeEvidence) replaces that source's previous
   * evidence; every file it touches is published again, with its static findings.
   */
  setRuntimeEvidence(source: string, label: string, items: RuntimeEvidenceItem[]): void {
    for (const [file, uri] of this.evidence.set(source, label, items)) {
      const entry = this.counts.get(file);
      this.publish(entry?.uri ?? uri, entry?.version, entry?.findings ?? []);
    }
  }

  /** A finding's diagnostic as published: with the runtime evidence of its line. */
  diagnosticOf(uri: string, f: Finding): Diagnostic {
    return this.evidence.merge(pathOfUri(uri), toDiagnostic(uri, f));
  }

  private publish(uri: string, version: number | undefined, findings: readonly Finding[]): void {
    const file = pathOfUri(uri);
    const diagnostics = findings.map((f) => this.evidence.merge(file, toDiagnostic(uri, f)));
    if (this.evidence.has(file)) diagnostics.push(...this.evidence.diagnostics(file));
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  private send(uri: string, version: number | undefined, findings: readonly Finding[], open: boolean): void {
    this.publish(uri, version, findings);
    const key = pathOfUri(uri);
    if (findings.length === 0 && !open) this.counts.delete(key);
    else this.counts.set(key, { uri, count: findings.length, bySeverity: severityCounts(findings), seq: ++this.seq, open, version, findings });
    this.scheduleCount();
  }

  private scheduleCount(): void {
    if (this.countTimer) return;
    this.countTimer = setTimeout(() => {
      this.countTimer = undefined;
      let total = 0;
      let files = 0;
      const bySeverity = severityCounts([]);
      for (const { count, bySeverity: own } of this.counts.values()) {
        total += count;
        if (count > 0) files++;
        for (const s of SEVERITIES) bySeverity[s] += own[s];
      }
      const key = JSON.stringify([total, files, bySeverity]);
      if (key === this.lastCount) return;
      this.lastCount = key;
      void this.connection.sendNotification(FindingCountNotification, { total, files, bySeverity });
    }, COUNT_DEBOUNCE_MS);
  }
}
