/**
 * Line-comment suppressions shared by both languages. A language layer extracts its comments
 * (tree-sitter for Go, the YAML CST for manifests) and this module decides which findings they silence.
 */
import type { Finding } from './types';

export interface LineComment {
  /** Zero-based line the comment is on. */
  line: number;
  /** Comment text without the comment marker (`//` or `#`), trimmed. */
  text: string;
  /** True when code precedes the comment on its line (a trailing comment). */
  trailing: boolean;
}

/**
 * golangci-lint linters that cover a LeakLens rule: `//nolint:bodyclose` silences
 * go/response-body-not-closed. Bare `//nolint` silences everything.
 */
export const NOLINT_LINTERS: Record<string, readonly string[]> = {
  govet: ['go/lost-cancel'],
  bodyclose: ['go/response-body-not-closed'],
  noctx: ['go/http-request-no-context', 'go/http-default-client', 'go/net-dial-no-timeout', 'go/exec-no-context'],
  contextcheck: ['go/context-background'],
  containedctx: ['go/context-in-struct'],
  sqlclosecheck: ['go/rows-not-closed'],
  rowserrcheck: ['go/rows-not-closed'],
  spancheck: ['go/span-not-ended'],
  gosec: ['go/http-server-no-timeout', 'go/http-client-no-timeout'],
};

const ALL = '*';

/** True when `text` may hold a directive at all: every directive starts with one of these words. */
export function mayHoldDirective(text: string): boolean {
  return text.includes('leaklens:ignore') || text.includes('nolint');
}

/** Parses one comment; returns the rule ids it silences ('*' for all), or undefined when it is no directive. */
export function parseDirective(text: string): string[] | undefined {
  const ignore = /^leaklens:ignore(?:\s+([^\s]+))?/.exec(text);
  if (ignore) return ignore[1] ? ignore[1].split(',').filter(Boolean) : [ALL];
  const nolint = /^nolint(?::([\w,-]+))?(?:\s|$|\/\/)/.exec(text);
  if (nolint) {
    if (!nolint[1]) return [ALL];
    return nolint[1].split(',').flatMap((linter) => NOLINT_LINTERS[linter.trim()] ?? []);
  }
  return undefined;
}

/**
 * Builds a predicate telling whether a finding is suppressed. A directive applies to its own line
 * and, when it stands alone on a line, to the next line.
 */
export function suppressionFilter(comments: Iterable<LineComment>): (f: Finding) => boolean {
  const byLine = new Map<number, Set<string>>();
  const add = (line: number, rules: string[]) => {
    let set = byLine.get(line);
    if (!set) byLine.set(line, (set = new Set()));
    for (const r of rules) set.add(r);
  };
  for (const c of comments) {
    const rules = parseDirective(c.text);
    if (!rules) continue;
    add(c.line, rules);
    if (!c.trailing) add(c.line + 1, rules);
  }
  return (f) => {
    const set = byLine.get(f.range.start.line);
    return !!set && (set.has(ALL) || set.has(f.rule));
  };
}
