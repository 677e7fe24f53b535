/**
 * "Suppress…": the one suppression entry of a code action menu with findings of several rules.
 * The action carries every choice with its edit (all of the rules, or one of them); running the
 * command asks which (window/showMessageRequest, which every LSP client shows as a choice) and
 * applies it (workspace/applyEdit). VS Code's client shows a quick pick instead (client/src/suppressPicker.ts).
 */
import type { Connection, WorkspaceEdit } from 'vscode-languageserver/node';

export const SUPPRESS_COMMAND = 'leaklens.suppress';

export interface SuppressChoice {
  title: string;
  edit: WorkspaceEdit;
}

export interface SuppressArgs {
  /** The question, e.g. "Suppress which LeakLens finding on line 16?". */
  prompt: string;
  choices: SuppressChoice[];
}

function isSuppressArgs(x: unknown): x is SuppressArgs {
  const a = x as Partial<SuppressArgs> | undefined;
  return typeof a?.prompt === 'string' && Array.isArray(a.choices) && a.choices.every((c) => typeof c?.title === 'string' && !!c.edit);
}

/** Runs the command: asks, then applies the chosen edit. Resolves to the title chosen, if any. */
export async function runSuppressCommand(connection: Connection, args: readonly unknown[] | undefined): Promise<string | undefined> {
  const given = args?.[0];
  if (!isSuppressArgs(given)) throw new Error(`${SUPPRESS_COMMAND} expects { prompt, choices }`);
  const picked = await connection.window.showInformationMessage(given.prompt, ...given.choices.map((c) => ({ title: c.title })));
  const choice = given.choices.find((c) => c.title === picked?.title);
  if (!choice) return undefined;
  const result = await connection.workspace.applyEdit({ label: choice.title, edit: choice.edit });
  if (!result.applied) throw new Error(`the editor did not apply "${choice.title}"${result.failureReason ? `: ${result.failureReason}` : ''}`);
  return choice.title;
}
