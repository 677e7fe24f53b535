/**
 * VS Code's side of "Suppress…": a quick pick of the choices the server put in the action (all of
 * the line's rules, or one), instead of the server's generic message with buttons.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { SuppressArgs } from './protocol';

export async function pickSuppression(client: LanguageClient, args: SuppressArgs): Promise<boolean> {
  const picked = await vscode.window.showQuickPick(
    args.choices.map((choice) => ({ label: choice.title, choice })),
    { title: args.prompt, placeHolder: 'A leaklens:ignore comment above the line silences the chosen rules' },
  );
  if (!picked) return false;
  return vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(picked.choice.edit));
}
