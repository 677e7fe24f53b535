/**
 * The status bar item: findings in the workspace (a click opens the Problems view), and a warning
 * when the server is not checking some file or rule, with why in the tooltip.
 */
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { notCheckedCount, notCheckedLines } from './notChecked';
import type { AnalysisStatus, FindingCount } from './protocol';

export class FindingsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('leaklens.findings', vscode.StatusBarAlignment.Left, 10);
  private count: FindingCount | undefined;
  private analysis: AnalysisStatus | undefined;
  private state = State.Starting;

  constructor() {
    this.item.name = 'LeakLens';
    this.render();
    this.item.show();
  }

  setCount(count: FindingCount): void {
    this.count = count;
    this.render();
  }

  setAnalysisStatus(status: AnalysisStatus): void {
    this.analysis = status;
    this.render();
  }

  setState(state: State): void {
    this.state = state;
    // A new server process reports afresh.
    if (state !== State.Running) this.analysis = undefined;
    this.render();
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    const item = this.item;
    if (this.state === State.Running) {
      const total = this.count?.total ?? 0;
      const files = this.count?.files ?? 0;
      const notChecked = notCheckedCount(this.analysis);
      item.text = (total === 0 ? '$(check) LeakLens' : `$(warning) ${total}`) + (notChecked ? ` $(eye-closed) ${notChecked}` : '');
      item.tooltip = [
        this.count === undefined
          ? 'LeakLens: scanning the workspace'
          : `LeakLens: ${plural(total, 'finding')} in ${plural(files, 'file')}. Click to open the Problems view.`,
        ...notCheckedLines(this.analysis),
      ].join('\n');
      item.command = 'workbench.actions.view.problems';
      item.backgroundColor = notChecked ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    } else if (this.state === State.Starting) {
      item.text = '$(loading~spin) LeakLens';
      item.tooltip = 'LeakLens: starting the language server';
      item.command = 'leaklens.showOutput';
      item.backgroundColor = undefined;
    } else {
      item.text = '$(error) LeakLens';
      item.tooltip = 'LeakLens: the language server is not running. Click to show its output.';
      item.command = 'leaklens.showOutput';
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
