/** Core data model shared by every language's rules, the language server and the CLI. */

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
  /**
   * Set, with the reason, when applying the fix can change how the program or workload runs
   * (a timeout that now fails slow calls, host namespaces a DaemonSet relies on): it stays an
   * individual quick fix, marked, and Fix All, fix on save and `--fix` never apply it.
   */
  changesBehavior?: string;
  /**
   * Set when this fix and others of the same file build one structure (keys added to one YAML
   * mapping) and cannot be applied side by side as text: `edits` do what all of them do, and Fix All
   * applies them once, in place of each member's own edits.
   */
  batch?: { id: string; edits: TextEdit[] };
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

/** The language a rule reads: its rule ids start with it (`go/…`, `k8s/…`). */
export type Language = string;

export interface RuleDocs {
  /** Why the pattern leaks, in a few sentences of Markdown. */
  description: string;
  /** A snippet that is flagged. */
  bad: string;
  /** The same snippet written safely. */
  good: string;
}

/**
 * Where a rule looks by default. The engine applies it (and the configuration that widens or
 * narrows it); rules never test file names or function names for it themselves.
 */
export interface RuleScope {
  /**
   * Whether test code (Go's `_test.go` files) is checked when the configuration does not say, and
   * why: a test binary is short-lived and talks to servers it started, so timeouts do not matter
   * there, while leaks that pile up inside one test run (bodies, goroutines, cancels) do.
   */
  tests: { checked: boolean; why: string };
  /**
   * Set, with the reason, when what the rule flags lives exactly as long as the process in code
   * that runs for the whole process (Go: `func main` of package main and the goroutines it
   * starts): there it is not a leak, and findings there are dropped.
   */
  processLifetime?: string;
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
  /** Absent: every file, test code included. */
  scope?: RuleScope;
  /**
   * Set, with the reason, for a rule that runs only when the configuration gives it a severity:
   * on real code it is wrong too often to be on for everyone.
   */
  offByDefault?: string;
  /** Ids the rule had before (merged or renamed rules): still honoured in configuration and suppressions. */
  formerIds?: readonly string[];
  /**
   * Other linters' names for the same check, whose suppression comments silence this rule:
   * `bodyclose` (golangci-lint's `//nolint:bodyclose`), `gosec:G112` (a gosec rule).
   */
  peerNames?: readonly string[];
}

/** What a rule may add when it reports a finding. */
export interface ReportOptions {
  fixes?: Fix[];
  related?: RelatedLocation[];
  /** Overrides the rule's default severity for this finding. */
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

/**
 * A file (or a Helm chart directory) not linted, or linted only in part, and why: nothing is skipped
 * without a word (stderr and JSON/SARIF on the command line, a diagnostic or log line in the editor).
 */
export interface Notice {
  file: string;
  message: string;
  /** `skipped`: not linted at all; `partial`: linted, but not everything could be checked. */
  kind: 'skipped' | 'partial';
}

/** Called when a rule throws; the rule's other work and the remaining rules go on. */
export type RuleErrorHandler = (rule: string, error: unknown) => void;

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    // Rule ids are ASCII: code-unit order, without localeCompare's cost (it showed in CLI profiles).
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}
