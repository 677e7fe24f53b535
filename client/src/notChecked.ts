/** What the status bar says about files and rules the server is not checking (no vscode here: unit-tested). */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { humanDuration } from './cluster/humanDuration';
import type { AnalysisStatus } from './protocol';

/** How many things are not checked. */
export function notCheckedCount(status: AnalysisStatus | undefined): number {
  return status ? status.skippedFiles.length + status.rulesOff.length : 0;
}

/** One line per file or rule not checked, with why and when it comes back. */
export function notCheckedLines(status: AnalysisStatus | undefined, now = Date.now()): string[] {
  if (!status) return [];
  const files = status.skippedFiles.map((f) => `Not checking ${fileName(f.uri)}: ${f.reason}.`);
  const rules = status.rulesOff.map(
    (r) => `Rule ${r.rule} is off: ${r.reason}. ${r.retryAt === undefined ? 'Until the server restarts.' : `It runs again in ${humanDuration(Math.max(0, r.retryAt - now))}.`}`,
  );
  return [...files, ...rules];
}

function fileName(uri: string): string {
  try {
    return path.basename(uri.startsWith('file:') ? fileURLToPath(uri) : uri);
  } catch {
    return uri;
  }
}
