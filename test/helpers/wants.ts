/** Fixture expectations: `// want: rule-a, rule-b` (Go) or `# want: rule-a` (YAML) marks a flagged line. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../server/src/engine/types';

export interface CommentLike {
  line: number;
  text: string;
}

/** Expected "line:rule" keys from the comments of a fixture. */
export function wantedKeys(comments: readonly CommentLike[]): string[] {
  const keys: string[] = [];
  for (const c of comments) {
    const m = /^want:\s*(.+)$/.exec(c.text.trim());
    if (!m) continue;
    for (const rule of m[1].split(',').map((r) => r.trim()).filter(Boolean)) keys.push(`${c.line + 1}:${rule}`);
  }
  return keys.sort();
}

/** Actual "line:rule" keys: each finding counts at the line where it starts. */
export function foundKeys(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.range.start.line + 1}:${f.rule}`).sort();
}

/** Rule directories of a fixture tree with their files, e.g. test/fixtures/go/<rule>/*.go. */
export function fixtureDirs(root: string, ext: RegExp): { rule: string; files: string[] }[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({
      rule: d.name,
      files: fs
        .readdirSync(path.join(root, d.name))
        .filter((f) => ext.test(f))
        .sort()
        .map((f) => path.join(root, d.name, f)),
    }));
}

export function countByRule(findings: readonly Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) m.set(f.rule, (m.get(f.rule) ?? 0) + 1);
  return m;
}
