/** The vscode side of runtime nodes: tree items for the Cluster view and the Goroutines view. */
import * as vscode from 'vscode';
import type { RuntimeNode } from '../cluster/nodes';

export const OPEN_COMMAND = 'leaklens.runtime.open';

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export function runtimeTreeItem(node: RuntimeNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, COLLAPSIBLE[node.collapsible]);
  item.id = node.id;
  item.description = node.description;
  item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
  item.contextValue = node.contextValue;
  const tooltip = new vscode.MarkdownString(node.tooltip, true);
  tooltip.supportThemeIcons = true;
  item.tooltip = tooltip;
  if (node.open) item.command = { command: OPEN_COMMAND, title: 'Open', arguments: [node.open] };
  return item;
}

/** The Goroutines view: every inspection (pods, local processes, dumps) with its groups. */
export class GoroutinesTreeProvider implements vscode.TreeDataProvider<RuntimeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RuntimeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly roots: () => RuntimeNode[]) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: RuntimeNode): vscode.TreeItem {
    return runtimeTreeItem(node);
  }

  getChildren(node?: RuntimeNode): RuntimeNode[] {
    return node ? node.children : this.roots();
  }

  getParent(node: RuntimeNode): RuntimeNode | undefined {
    return node.parent;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
