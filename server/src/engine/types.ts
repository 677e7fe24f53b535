/** Core data model shared by the Go and Kubernetes engines, the language server and the CLI. */

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** Zero-based line and UTF-16 column, as in LSP. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix an editor should apply first (LSP `isPreferred`, and the one "fix all" applies). */
  preferred?: boolean;
}

export interface RelatedLocation {
  range: Range;
  message: string;
  /** Another file; absent means the finding's own file. */
  file?: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  related?: RelatedLocation[];
}

export type Language = 'go' | 'k8s';

export interface RuleDocs {
  /** Why the pattern leaks, in a few sentences of Markdown. */
  description: string;
  /** A snippet that is flagged. */
  bad: string;
  /** The same snippet written safely. */
  good: string;
}

/** What every rule declares about itself; docs/rules.md and SARIF are generated from this. */
export interface RuleMeta {
  id: string;
  language: Language;
  title: string;
  defaultSeverity: Severity;
  docs: RuleDocs;
  /** True when the rule offers a quick fix for (some of) its findings. */
  fixable: boolean;
}

/** What a rule may add when it reports a finding. */
export interface ReportOptions {
  fixes?: Fix[];
  related?: RelatedLocation[];
  /** Overrides the rule's default severity for this finding (e.g. hints under Go >= 1.23 timers). */
  severity?: Severity;
}

/** The finding a rule reports, with the rule's default severity unless it says otherwise. */
export function findingOf(rule: RuleMeta, message: string, range: Range, options: ReportOptions = {}): Finding {
  return {
    rule: rule.id,
    severity: options.severity ?? rule.defaultSeverity,
    message,
    range,
    fixes: options.fixes ?? [],
    related: options.related,
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.rule.localeCompare(b.rule)
  );
}
