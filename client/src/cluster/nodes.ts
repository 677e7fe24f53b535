/**
 * Tree nodes. Each node is created once per id and reused, because VS Code identifies the element
 * passed to onDidChangeTreeData by object identity.
 */
import type { WorkloadKind } from './kinds';
import type { ClusterProblem } from './problems';

export interface ContextNode {
  type: 'context';
  id: string;
  context: string;
}

export interface NamespaceNode {
  type: 'namespace';
  id: string;
  context: string;
  namespace: string;
}

export interface WorkloadNode {
  type: 'workload';
  id: string;
  context: string;
  namespace: string;
  kind: WorkloadKind;
  name: string;
}

export interface PodNode {
  type: 'pod';
  id: string;
  context: string;
  namespace: string;
  name: string;
}

export type MessageSeverity = 'error' | 'warning' | 'info' | 'loading';

export interface MessageNode {
  type: 'message';
  id: string;
  context?: string;
  namespace?: string;
  severity: MessageSeverity;
  text: string;
  problem?: ClusterProblem;
}

/**
 * Goroutine evidence: a profile's summary, its groups and their frames, under a pod (and in the
 * Goroutines view). Built already rendered by client/src/runtime/tree.ts after each sample.
 */
export interface RuntimeNode {
  type: 'runtime';
  id: string;
  label: string;
  description?: string;
  icon: { id: string; color?: string };
  /** Markdown. */
  tooltip: string;
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** The workspace file and 1-based line a click opens. */
  open?: { file: string; line: number };
  children: RuntimeNode[];
  /** Absent at the top: the parent is then the pod (or the Goroutines view's root). */
  parent?: RuntimeNode;
  /** The inspection's target key (client/src/runtime/sessions.ts). */
  session: string;
  pod?: { context: string; namespace: string; name: string };
}

export type ClusterNode = ContextNode | NamespaceNode | WorkloadNode | PodNode | MessageNode | RuntimeNode;

/** Interns nodes by id. */
export class NodeCache {
  private readonly nodes = new Map<string, ClusterNode>();

  private intern<T extends ClusterNode>(node: T): T {
    const existing = this.nodes.get(node.id) as T | undefined;
    if (existing) return existing;
    this.nodes.set(node.id, node);
    return node;
  }

  context(context: string): ContextNode {
    return this.intern({ type: 'context', id: `c/${context}`, context });
  }

  namespace(context: string, namespace: string): NamespaceNode {
    return this.intern({ type: 'namespace', id: `n/${context}/${namespace}`, context, namespace });
  }

  workload(context: string, namespace: string, kind: WorkloadKind, name: string): WorkloadNode {
    return this.intern({ type: 'workload', id: `w/${context}/${namespace}/${kind}/${name}`, context, namespace, kind, name });
  }

  pod(context: string, namespace: string, name: string): PodNode {
    return this.intern({ type: 'pod', id: `p/${context}/${namespace}/${name}`, context, namespace, name });
  }

  /** Messages are rebuilt each time (their text changes); the id keeps VS Code's selection stable. */
  message(scope: string, key: string, severity: MessageSeverity, text: string, problem?: ClusterProblem, context?: string, namespace?: string): MessageNode {
    const node: MessageNode = { type: 'message', id: `m/${scope}/${key}`, severity, text, problem, context, namespace };
    this.nodes.set(node.id, node);
    return node;
  }

  forgetPod(context: string, namespace: string, name: string): void {
    this.nodes.delete(`p/${context}/${namespace}/${name}`);
  }

  /** Drops every node under a namespace (its watches stopped). */
  forgetNamespace(context: string, namespace: string): void {
    for (const prefix of [`w/${context}/${namespace}/`, `p/${context}/${namespace}/`, `m/${context}/${namespace}/`]) {
      for (const id of this.nodes.keys()) if (id.startsWith(prefix)) this.nodes.delete(id);
    }
  }

  clear(): void {
    this.nodes.clear();
  }
}
