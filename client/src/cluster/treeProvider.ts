/** The vscode TreeDataProvider over the ClusterExplorer model. */
import * as vscode from 'vscode';
import type { ClusterExplorer } from './explorer';
import type { ClusterNode } from './nodes';
import { tooltipOf, viewOf } from './presentation';
import { runtimeTreeItem } from '../runtime/view';

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export class ClusterTreeProvider implements vscode.TreeDataProvider<ClusterNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterNode | ClusterNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribe: () => void;

  constructor(private readonly explorer: ClusterExplorer) {
    // Only the nodes that changed are refreshed, never the whole tree (unless the model says so).
    this.unsubscribe = explorer.onDidChange((nodes) => this.changed.fire(nodes));
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    if (node.type === 'runtime') return runtimeTreeItem(node);
    const v = viewOf(this.explorer, node);
    const item = new vscode.TreeItem(v.label, COLLAPSIBLE[v.collapsible]);
    item.id = v.id;
    item.description = v.description;
    item.iconPath = new vscode.ThemeIcon(v.icon.id, v.icon.color ? new vscode.ThemeColor(v.icon.color) : undefined);
    item.contextValue = v.contextValue;
    if (node.type === 'message' && node.problem) {
      item.command = { command: 'leaklens.cluster.showProblem', title: 'Show Details', arguments: [node] };
    }
    return item;
  }

  /** Tooltips are built on hover, so ages ("3m ago") are current and 5,000 rows cost nothing upfront. */
  resolveTreeItem(item: vscode.TreeItem, node: ClusterNode): vscode.TreeItem {
    if (node.type === 'runtime') return item;
    const tooltip = new vscode.MarkdownString(tooltipOf(this.explorer, node), true);
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    return item;
  }

  getChildren(node?: ClusterNode): Promise<ClusterNode[]> {
    return this.explorer.children(node);
  }

  getParent(node: ClusterNode): ClusterNode | undefined {
    return this.explorer.parent(node);
  }

  dispose(): void {
    this.unsubscribe();
    this.changed.dispose();
  }
}
