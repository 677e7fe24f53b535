/**
 * An inspection's evidence as the language server takes it (leaklens/runtimeEvidence): the
 * runtime findings of the session's groups, with file URIs and ranges that cover each line's code
 * (read from the files, so the squiggle starts after the indentation). Free of vscode.
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runtimeFindings } from '../../../server/src/goroutines/evidence';
import type { Range } from '../../../server/src/engine/types';
import type { RuntimeEvidenceParams } from '../../../server/src/lsp/runtimeEvidence';
import type { Session } from './sessions';

/** Ranges of lines, each file read once. */
class LineRanges {
  private readonly files = new Map<string, string[]>();

  range(file: string, line: number): Range {
    let lines = this.files.get(file);
    if (!lines) {
      try {
        lines = fs.readFileSync(file, 'utf8').split('\n');
      } catch {
        lines = [];
      }
      this.files.set(file, lines);
    }
    const text = (lines[line] ?? '').replace(/\r$/, '');
    const start = text.length - text.trimStart().length;
    return { start: { line, character: start }, end: { line, character: Math.max(text.trimEnd().length, start + 1) } };
  }
}

/** The session's evidence; an empty list (which clears it) while it has no sample. */
export function evidenceParams(session: Session, relative: (file: string) => string): RuntimeEvidenceParams {
  const ranges = new LineRanges();
  const uri = (file: string) => pathToFileURL(file).href;
  const items = runtimeFindings(session.groups, session.mapper, session.target.label, relative).map((f) => ({
    uri: uri(f.file),
    range: ranges.range(f.file, f.line),
    severity: f.severity,
    code: f.code,
    message: f.message,
    summary: f.summary,
    confirmsLeak: f.confirmsLeak,
    related: f.related.map((r) => ({ uri: uri(r.file), range: ranges.range(r.file, r.line), message: r.message })),
  }));
  return { source: session.target.key, label: session.target.label, items };
}
