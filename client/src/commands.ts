/** The LeakLens commands of the command palette. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FixAllRequest, LintWorkspaceRequest, type FindingCount } from './protocol';
import { ruleSections } from './ruleDocs';

export interface CommandContext {
  extensionUri: vscode.Uri;
  client: LanguageClient;
  output: vscode.LogOutputChannel;
  findingCount(): FindingCount | undefined;
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('leaklens.lintWorkspace', () => lintWorkspace(ctx)),
    // Menus pass the resource; the palette passes nothing.
    vscode.commands.registerCommand('leaklens.fixAllInFile', (uri?: unknown) =>
      fixAllInFile(ctx, uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand('leaklens.showRuleDocs', (ruleId?: unknown) =>
      showRuleDocs(ctx, typeof ruleId === 'string' ? ruleId : undefined),
    ),
    vscode.commands.registerCommand('leaklens.restartServer', () => ctx.client.restart()),
    vscode.commands.registerCommand('leaklens.showOutput', () => ctx.output.show()),
  ];
}

async function lintWorkspace(ctx: CommandContext): Promise<FindingCount | undefined> {
  const result = await ctx.client.sendRequest(LintWorkspaceRequest);
  const count = isFindingCount(result) ? result : ctx.findingCount();
  if (count) {
    void vscode.window.showInformationMessage(
      `LeakLens: ${count.total} finding${count.total === 1 ? '' : 's'} in ${count.files} file${count.files === 1 ? '' : 's'}.`,
    );
  }
  return count;
}

/** Applies the server's fix-all edit to one document (the active editor's by default); true when it changed. */
async function fixAllInFile(
  ctx: CommandContext,
  uri = vscode.window.activeTextEditor?.document.uri,
): Promise<boolean> {
  if (!uri) {
    void vscode.window.showInformationMessage('LeakLens: open a Go file or manifest to fix.');
    return false;
  }
  const { client } = ctx;
  const edit = await client.sendRequest(FixAllRequest, { uri: client.code2ProtocolConverter.asUri(uri) });
  const workspaceEdit = edit && (await client.protocol2CodeConverter.asWorkspaceEdit(edit));
  if (!workspaceEdit || workspaceEdit.size === 0) {
    void vscode.window.showInformationMessage('LeakLens: nothing to fix in this file.');
    return false;
  }
  return vscode.workspace.applyEdit(workspaceEdit);
}

/** Opens the bundled docs/rules.md at a rule's section, asking which rule when none is given. */
async function showRuleDocs(ctx: CommandContext, ruleId?: string): Promise<void> {
  const docs = vscode.Uri.joinPath(ctx.extensionUri, 'docs', 'rules.md');
  const document = await vscode.workspace.openTextDocument(docs);
  const sections = ruleSections(document.getText());
  const id =
    ruleId ??
    (
      await vscode.window.showQuickPick(
        sections.map((s) => ({ label: s.id, description: s.title })),
        { title: 'LeakLens rules', placeHolder: 'Rule to read about', matchOnDescription: true },
      )
    )?.label;
  if (!id) return;
  const section = sections.find((s) => s.id === id);
  if (!section) {
    void vscode.window.showWarningMessage(`LeakLens: no documentation for "${id}".`);
    return;
  }
  const at = new vscode.Range(section.line, 0, section.line, 0);
  const editor = await vscode.window.showTextDocument(document, { selection: at, preview: true });
  editor.revealRange(at, vscode.TextEditorRevealType.AtTop);
}

function isFindingCount(value: unknown): value is FindingCount {
  const v = value as Partial<FindingCount> | null;
  return typeof v?.total === 'number' && typeof v.files === 'number';
}
