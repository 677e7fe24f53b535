/**
 * The edit behind "Suppress <rule> on this line": a `leaklens:ignore <rule>` comment on its own line
 * above the finding, at that line's indentation (gofmt keeps it as is). When the line above already
 * is such a directive, the rule is appended to its list instead, since a second directive line in
 * between would take the first one's place.
 */
import { isDirective, type LineComment } from '../../engine/suppress';
import type { Finding, TextEdit } from '../../engine/types';

/** What the edits need of the text (LineIndex has it). */
export interface SourceLines {
  lineText(line: number): string;
  indentOf(line: number): string;
}

const DIRECTIVE = 'leaklens:ignore';

export class SuppressionEdits {
  private readonly standalone = new Map<number, LineComment>();

  constructor(
    private readonly lines: SourceLines,
    comments: Iterable<LineComment>,
    /** What starts the comment: `//` for Go (directive style, like //nolint), `# ` for YAML. */
    private readonly marker: '//' | '# ',
  ) {
    for (const c of comments) if (!c.trailing) this.standalone.set(c.line, c);
  }

  editFor(f: Finding): TextEdit | undefined {
    const line = f.range.start.line;
    const above = this.standalone.get(line - 1);
    if (above && isDirective(above.text)) return this.appendTo(line - 1, above, f.rule);
    const at = { line, character: 0 };
    const indent = this.lines.indentOf(line);
    return { range: { start: at, end: at }, newText: `${indent}${this.marker}${DIRECTIVE} ${f.rule}\n` };
  }

  /** `//leaklens:ignore a reason` -> `//leaklens:ignore a,rule reason`; undefined for other directives (nolint). */
  private appendTo(line: number, comment: LineComment, rule: string): TextEdit | undefined {
    if (!comment.text.startsWith(DIRECTIVE)) return undefined;
    const text = this.lines.lineText(line);
    const directiveAt = text.indexOf(DIRECTIVE);
    if (directiveAt < 0) return undefined;
    let i = directiveAt + DIRECTIVE.length;
    while (text[i] === ' ' || text[i] === '\t') i++;
    while (i < text.length && !/\s/.test(text[i]) && !text.startsWith('*/', i)) i++;
    const at = { line, character: i };
    return { range: { start: at, end: at }, newText: `,${rule}` };
  }
}

/**
 * One edit per place for several rules whose suppression edits land at the same place (the
 * findings of one line): `leaklens:ignore a,b` rather than two directives, which could not both
 * stand above the line.
 */
export function combineSuppressions(edits: readonly { rule: string; edit: TextEdit }[]): TextEdit[] {
  const byPlace = new Map<string, { edit: TextEdit; rule: string; rules: string[] }>();
  for (const { rule, edit } of edits) {
    const key = JSON.stringify(edit.range);
    const group = byPlace.get(key);
    if (!group) byPlace.set(key, { edit, rule, rules: [rule] });
    else if (!group.rules.includes(rule)) group.rules.push(rule);
  }
  return [...byPlace.values()].map(({ edit, rule, rules }) => {
    // Both edit forms end with the rule id: the directive line or the `,rule` appended to one.
    const at = edit.newText.lastIndexOf(rule);
    return { range: edit.range, newText: edit.newText.slice(0, at) + rules.join(',') + edit.newText.slice(at + rule.length) };
  });
}
