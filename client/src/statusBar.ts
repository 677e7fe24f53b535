/**
 * The status bar item: the workspace's findings as the Problems view counts them (errors, warnings,
 * infos, each with its icon; hints show only in the editor, so only the tooltip mentions them);
 * a click opens the Problems view.
 */
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { countText, countTooltip } from './findingCountText';
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
      const text = countText(this.count);
      item.text = text ? `LeakLens ${text}` : '$(check) LeakLens';
      item.tooltip = this.count === undefined ? 'LeakLens: scanning the workspace' : countTooltip(this.count);
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
