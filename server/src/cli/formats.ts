/** Output formats of `leaklens lint`: text (like go vet), JSON, SARIF 2.1.0 and GitHub annotations. */
import { allRules, ruleDocsUrl } from '../lint/registry';
import type { Finding, Severity } from '../engine/types';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface FileFinding extends Finding {
  file: string;
}

export interface RunStats {
  files: number;
  durationMs: number;
}

/** True when the format shows whether findings are fixable, so the engine must build their fixes. */
export function showsFixes(format: Format): boolean {
  return format === 'json';
}

/** One finding in the JSON contract: 1-based lines and columns. */
function jsonFinding(f: FileFinding) {
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
  };
}

function text(findings: readonly FileFinding[]): string {
  return findings
    .map((f) => `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.rule}: ${f.message}\n`)
    .join('');
}

function json(findings: readonly FileFinding[], stats: RunStats): string {
  return JSON.stringify({ version: 1, findings: findings.map(jsonFinding), stats }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF wants forward-slash relative URIs for files in the checkout. */
function sarifUri(file: string): string {
  return file.split('\\').join('/').split('/').map(encodeURIComponent).join('/');
}

function sarif(findings: readonly FileFinding[], version: string): string {
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
    defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity], enabled: !r.offByDefault },
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

function github(findings: readonly FileFinding[]): string {
  return findings
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

export function formatFindings(format: Format, findings: readonly FileFinding[], stats: RunStats, version: string): string {
  switch (format) {
    case 'text':
      return text(findings);
    case 'json':
      return json(findings, stats);
    case 'sarif':
      return sarif(findings, version);
    case 'github':
      return github(findings);
  }
}
