/** `n * time.Second` written for a fix, importing "time" when the file does not yet. */
import type { TextEdit } from '../engine/types';
import { ensureImport } from './edits';
import type { GoFile } from './file';

/**
 * The expression for `seconds` seconds and the import edits it needs. `compact` writes `10*time.Second`,
 * which is how gofmt prints a product inside a call with several arguments; elsewhere it keeps the blanks.
 */
export function secondsExpr(file: GoFile, seconds: number, compact = false): { text: string; edits: TextEdit[] } {
  const op = compact ? '*' : ' * ';
  if (file.hasDotImport('time')) return { text: `${seconds}${op}Second`, edits: [] };
  const time = ensureImport(file, 'time');
  return { text: `${seconds}${op}${time.name}.Second`, edits: time.edits };
}
