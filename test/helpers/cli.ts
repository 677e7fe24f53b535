/** Runs the built CLI (dist/cli.js) as users and CI do, for tests that compare it with the server. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const CLI_JS = path.join(__dirname, '..', '..', 'dist', 'cli.js');

export interface CliFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
  fixable: boolean;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], cwd?: string): CliRun {
  const r = spawnSync(process.execPath, [CLI_JS, 'lint', ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** `leaklens lint --format json` on files; throws with stderr when the run fails. */
export function cliFindings(files: readonly string[], cwd?: string): CliFinding[] {
  const r = runCli(['--format', 'json', '--fail-on', 'never', ...files], cwd);
  if (r.code !== 0) throw new Error(`leaklens lint exited ${r.code ?? r.signal}:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { findings: CliFinding[] }).findings;
}

/** A finding as `line:column-endLine:endColumn rule` (1-based), the same for LSP diagnostics and CLI output. */
export function cliKey(f: CliFinding): string {
  return `${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.rule}`;
}

/** The same key for an LSP diagnostic. */
export function diagnosticKey(d: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code?: string | number }): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.code}`;
}
