/**
 * Line-comment suppressions shared by every language. A language layer extracts its comments
 * (tree-sitter for Go, the YAML CST for manifests) and this module decides which findings they
 * silence. Which other linters' names silence which rule comes from the rules' own metadata.
 */
import type { Finding, RuleMeta } from './types';

export interface LineComment {
  /** Zero-based line the comment is on. */
  line: number;
  /** Comment text without the comment marker (`//` or `#`), trimmed. */
  text: string;
  /** True when code precedes the comment on its line (a trailing comment). */
  trailing: boolean;
}

const ALL = '*';
const IGNORE = /^leaklens:ignore(?:\s+([^\s]+))?/;
const NOLINT = /^nolint(?::([\w,-]+))?(?:\s|$|\/\/)/;

/** True when a comment is a suppression directive of any kind. */
export function isDirective(text: string): boolean {
  return IGNORE.test(text) || NOLINT.test(text);
}

/** True when `text` may hold a directive at all: every directive starts with one of these words. */
export function mayHoldDirective(text: string): boolean {
  return text.includes('leaklens:ignore') || text.includes('nolint');
}

/**
 * Reads suppression directives for one language's rules: `leaklens:ignore <id>[,<id>]` (former ids
 * too) and `nolint[:linter,…]`, where a linter is a peer name of some rules (`bodyclose`), and a
 * peer name `gosec:G112` makes the bare linter (`gosec`) silence the rule as well.
 */
export class DirectiveReader {
  private readonly canonical = new Map<string, string>();
  private readonly byLinter = new Map<string, string[]>();

  constructor(rules: readonly RuleMeta[]) {
    for (const rule of rules) {
      for (const id of [rule.id, ...(rule.formerIds ?? [])]) this.canonical.set(id, rule.id);
      for (const peer of rule.peerNames ?? []) {
        const linter = peer.split(':')[0];
        for (const name of new Set([peer, linter])) {
          const list = this.byLinter.get(name) ?? [];
          if (!list.includes(rule.id)) list.push(rule.id);
          this.byLinter.set(name, list);
        }
      }
    }
  }

  /** The linter names peers use, each with the rules it silences (for the docs). */
  peerTable(): [string, readonly string[]][] {
    return [...this.byLinter].filter(([name]) => !name.includes(':'));
  }

  /** The rule ids a comment silences ('*' for all), or undefined when it is no directive. */
  parse(text: string): string[] | undefined {
    const ignore = IGNORE.exec(text);
    if (ignore) return ignore[1] ? ignore[1].split(',').filter(Boolean).map((id) => this.canonical.get(id) ?? id) : [ALL];
    const nolint = NOLINT.exec(text);
    if (nolint) {
      if (!nolint[1]) return [ALL];
      return nolint[1].split(',').flatMap((linter) => this.byLinter.get(linter.trim()) ?? []);
    }
    return undefined;
  }

  /**
   * A predicate telling whether a finding is suppressed. A directive applies to its own line and,
   * when it stands alone on a line, to the next line.
   */
  filter(comments: Iterable<LineComment>): (f: Finding) => boolean {
    const byLine = new Map<number, Set<string>>();
    const add = (line: number, rules: string[]) => {
      let set = byLine.get(line);
      if (!set) byLine.set(line, (set = new Set()));
      for (const r of rules) set.add(r);
    };
    for (const c of comments) {
      const rules = this.parse(c.text);
      if (!rules) continue;
      add(c.line, rules);
      if (!c.trailing) add(c.line + 1, rules);
    }
    return (f) => {
      const set = byLine.get(f.range.start.line);
      return !!set && (set.has(ALL) || set.has(f.rule));
    };
  }
}
