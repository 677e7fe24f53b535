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
/**
 * gosec's own directives, `#nosec [G112 …]` and `gosec:disable [G112 …]`: the rule codes come
 * before an optional justification (`-- why`); without codes every gosec rule is silenced.
 */
const GOSEC = /^(?:#nosec|gosec:disable)(?=\s|$)(.*)$/s;

/** True when a comment is a suppression directive of any kind. */
export function isDirective(text: string): boolean {
  return IGNORE.test(text) || NOLINT.test(text) || GOSEC.test(text);
}

/** True when `text` may hold a directive at all: every directive starts with one of these words. */
export function mayHoldDirective(text: string): boolean {
  return text.includes('leaklens:ignore') || text.includes('nolint') || text.includes('nosec') || text.includes('gosec:disable');
}

/** The gosec rule codes a `#nosec` or `gosec:disable` directive names (none: all of them). */
function gosecCodes(rest: string): string[] {
  const directive = rest.split(/\s--|\/\//)[0];
  return directive.match(/\bG\d{3}\b/g) ?? [];
}

/**
 * Reads suppression directives for one language's rules: `leaklens:ignore <id>[,<id>]` (former ids
 * too), `nolint[:linter,…]`, where a linter is a peer name of some rules (`bodyclose`), and a
 * peer name `gosec:G112` makes the bare linter (`gosec`) silence the rule as well; and gosec's
 * `#nosec [G112]` and `gosec:disable [G112]`, which silence the rules with those gosec peer names.
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

  /** One linter's rule codes (`gosec` → G112, G114), each with the rules it silences (for the docs). */
  peerCodes(linter: string): [string, readonly string[]][] {
    return [...this.byLinter].filter(([name]) => name.startsWith(`${linter}:`)).map(([name, ids]) => [name.slice(linter.length + 1), ids]);
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
    const gosec = GOSEC.exec(text);
    if (gosec) {
      const codes = gosecCodes(gosec[1]);
      return codes.length ? codes.flatMap((code) => this.byLinter.get(`gosec:${code}`) ?? []) : (this.byLinter.get('gosec') ?? []);
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
