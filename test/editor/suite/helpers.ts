/** Shared by the editor suites: waiting on diagnostics and opening workspace files. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LeakLensApi } from '../../../client/src/extension';

export const EXTENSION_ID = 'leaklens.leaklens';

/** Activates LeakLens and waits for its language server. */
export async function activateLeakLens(): Promise<LeakLensApi> {
  const extension = vscode.extensions.getExtension<LeakLensApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  await api.ready;
  return api;
}

/** Polls `probe` until it returns something other than undefined/false. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function ruleOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

/** LeakLens diagnostics of a file, optionally of one rule. */
export function findings(uri: vscode.Uri, rule?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'leaklens' && (!rule || ruleOf(d) === rule));
}

/** Waits until the file has exactly `count` findings of `rule` (and returns them). */
export function waitForFindings(uri: vscode.Uri, rule: string, count = 1): Promise<vscode.Diagnostic[]> {
  return waitFor(`${count} ${rule} finding(s) in ${path.basename(uri.fsPath)}`, () => {
    const found = findings(uri, rule);
    return found.length === count && found;
  });
}

export function workspaceFile(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, relative);
}

export async function open(relative: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(relative));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Zero-based line of the first line containing `text`. */
export function lineOf(doc: vscode.TextDocument, text: string): number {
  const i = doc.getText().split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `"${text}" not in ${doc.fileName}`);
  return i;
}
