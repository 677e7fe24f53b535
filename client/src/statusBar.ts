/** The status bar item: findings in the workspace; a click opens the Problems view. */
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { FindingCount } from './protocol';

export class FindingsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('leaklens.findings', vscode.StatusBarAlignment.Left, 10);
  private count: FindingCount | undefined;
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

  setState(state: State): void {
    this.state = state;
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
      item.text = total === 0 ? '$(check) LeakLens' : `$(warning) ${total}`;
      item.tooltip =
        this.count === undefined
          ? 'LeakLens: scanning the workspace'
          : `LeakLens: ${plural(total, 'finding')} in ${plural(files, 'file')}. Click to open the Problems view.`;
      item.command = 'workbench.actions.view.problems';
      item.backgroundColor = undefined;
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
