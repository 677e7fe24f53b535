/** Output formats of `leaklens lint`: text (like go vet), JSON, SARIF 2.1.0 and GitHub annotations. */
import { preferredFix } from '../engine/fixAll';
import { allRules, ruleDocsUrl } from '../lint/registry';
import type { Finding, Fix, Notice, Range, Severity } from '../engine/types';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface FileFinding extends Finding {
  file: string;
}

export interface RunStats {
  files: number;
  durationMs: number;
}

/** True when the format carries the findings' fixes, so the engine must build them. */
export function showsFixes(format: Format): boolean {
  return format === 'json' || format === 'sarif';
}

/** 1-based lines and columns, as every output format counts them. */
function oneBased(r: Range) {
  return { line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

/** A fix in the JSON contract: its title, whether it is the preferred one, and its edits. */
function jsonFix(fix: Fix, preferred: boolean) {
  return {
    title: fix.title,
    preferred,
    ...(fix.changesBehavior ? { changesBehavior: fix.changesBehavior } : {}),
    edits: fix.edits.map((e) => ({ ...oneBased(e.range), newText: e.newText })),
  };
}

/** One finding in the JSON contract: 1-based lines and columns. */
function jsonFinding(f: FileFinding) {
  const preferred = preferredFix(f);
  return {
    file: f.file,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fixable: f.fixes.length > 0,
    fixes: f.fixes.map((fix) => jsonFix(fix, fix === preferred)),
  };
}

function text(findings: readonly FileFinding[]): string {
  return findings
    .map((f) => `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.rule}: ${f.message}\n`)
    .join('');
}

function json(findings: readonly FileFinding[], stats: RunStats, skipped: readonly Notice[]): string {
  const notices = skipped.map((n) => ({ file: n.file, kind: n.kind, reason: n.message }));
  return JSON.stringify({ version: 1, findings: findings.map(jsonFinding), skipped: notices, stats }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF wants forward-slash relative URIs for files in the checkout. */
function sarifUri(file: string): string {
  return file.split('\\').join('/').split('/').map(encodeURIComponent).join('/');
}

/** SARIF's fix object: the replacements of one fix in the finding's file (code scanning tools can offer them). */
function sarifFix(f: FileFinding, fix: Fix) {
  return {
    description: { text: fix.title },
    artifactChanges: [
      {
        artifactLocation: { uri: sarifUri(f.file) },
        replacements: fix.edits.map((e) => {
          const r = oneBased(e.range);
          return {
            deletedRegion: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
            insertedContent: { text: e.newText },
          };
        }),
      },
    ],
    ...(fix.changesBehavior ? { properties: { changesBehavior: fix.changesBehavior } } : {}),
  };
}

/** Files not linted (or only in part) as SARIF tool notifications of the run's invocation. */
function sarifInvocation(skipped: readonly Notice[]) {
  return {
    executionSuccessful: true,
    toolExecutionNotifications: skipped.map((n) => ({
      level: n.kind === 'skipped' ? 'warning' : 'note',
      message: { text: n.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(n.file) } } }],
      descriptor: { id: n.kind === 'skipped' ? 'file-skipped' : 'file-partially-checked' },
    })),
  };
}

function sarif(findings: readonly FileFinding[], version: string, skipped: readonly Notice[]): string {
  const rules = allRules.map((r) => ({
    id: r.id,
    name: r.id.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.docs.description },
    helpUri: ruleDocsUrl(r.id),
    help: {
      text: r.docs.description,
      markdown: `${r.docs.description}\n\nFlagged:\n\n\`\`\`\n${r.docs.bad}\n\`\`\`\n\nSafe:\n\n\`\`\`\n${r.docs.good}\n\`\`\``,
    },
    defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity], ...(r.offByDefault ? { enabled: false } : {}) },
    properties: { tags: [r.language], fixable: r.fixable },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ruleIndex.get(f.rule),
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: sarifUri(f.file) },
          region: {
            startLine: f.range.start.line + 1,
            startColumn: f.range.start.character + 1,
            endLine: f.range.end.line + 1,
            endColumn: f.range.end.character + 1,
          },
        },
      },
    ],
    ...(f.fixes.length ? { fixes: f.fixes.map((fix) => sarifFix(f, fix)) } : {}),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'LeakLens',
            informationUri: 'https://github.com/leaklens/leaklens',
            version,
            rules,
          },
        },
        invocations: [sarifInvocation(skipped)],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

const GITHUB_COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** Workflow commands escape %, CR and LF in data, and also : and , in properties. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function github(findings: readonly FileFinding[], skipped: readonly Notice[]): string {
  const notices = skipped.map((n) => `::warning file=${escapeProperty(n.file)},title=${escapeProperty('LeakLens: not fully linted')}::${escapeData(n.message)}\n`);
  return notices.join('') + findings
    .map((f) => {
      const props = [
        `file=${escapeProperty(f.file)}`,
        `line=${f.range.start.line + 1}`,
        `col=${f.range.start.character + 1}`,
        `endLine=${f.range.end.line + 1}`,
        `endColumn=${f.range.end.character + 1}`,
        `title=${escapeProperty(f.rule)}`,
      ].join(',');
      return `::${GITHUB_COMMAND[f.severity]} ${props}::${escapeData(f.message)}\n`;
    })
    .join('');
}

/** Findings in `format`; files not linted go to JSON, SARIF and GitHub output too (text prints them on stderr). */
export function formatFindings(format: Format, findings: readonly FileFinding[], stats: RunStats, version: string, skipped: readonly Notice[] = []): string {
  switch (format) {
    case 'text':
      return text(findings);
    case 'json':
      return json(findings, stats, skipped);
    case 'sarif':
      return sarif(findings, version, skipped);
    case 'github':
      return github(findings, skipped);
  }
}
