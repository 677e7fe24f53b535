/**
 * The cluster tree as data, free of the `vscode` module: contexts → namespaces → workloads → pods
 * (standalone pods under their namespace), with the watches that keep it live. Only expanded
 * namespaces are watched; collapsing one, or hiding the view, stops its watches. Changes reach
 * listeners coalesced (a few batches a second) and as the narrowest nodes that changed.
 */
import { Backoff, type BackoffOptions } from './backoff';
import { Coalescer } from './coalescer';
import { Gate } from './gate';
import { collectionPath, NAMESPACE_RESOURCES, NAMESPACES, type ResourceType } from './kinds';
import type { KubeApi } from './api';
import type { KubeconfigResult, LoadedKubeconfig } from './kubeconfig';
import { orderNamespaces, type NamespaceSettings } from './namespaces';
import { NamespaceStore, workloadKey, type Dirty, type Linter } from './namespaceStore';
import { NodeCache, type ClusterNode, type ContextNode, type MessageNode, type NamespaceNode, type PodNode } from './nodes';
import { podNeedsAttention, type PodSummary } from './podStatus';
import type { ClusterProblem, CredentialInfo } from './problems';
import { Reflector, type ReflectorState } from './reflector';
import type { WorkloadSummary } from './workloads';

export interface ReflectorTuning {
  pageSize?: number;
  silenceMs?: number;
  backoff?: BackoffOptions;
  watchTimeoutSeconds?: () => number;
}

type PodRef = Pick<PodNode, 'context' | 'namespace' | 'name'>;

/** What other features hang under pods (goroutine evidence, client/src/runtime): shown as the pod's children. */
export interface PodAttachments {
  childrenOf(pod: PodRef): ClusterNode[];
  /** A watched pod was deleted: what hangs under it is stale. */
  podGone(pod: PodRef): void;
  /** Listens for a pod's attachments changing; returns the unsubscribe function. */
  onDidChange(listener: (pod: PodRef) => void): () => void;
}

export interface ExplorerOptions {
  loadKubeconfig: () => Promise<KubeconfigResult>;
  podAttachments?: PodAttachments;
  namespaceSettings: () => NamespaceSettings;
  linter?: Linter;
  /** Minimum time between two change batches. */
  coalesceMs?: number;
  /** How long expanding a node waits for the first list before showing "Loading…". */
  firstRenderWaitMs?: number;
  /** At most this many list pages in flight across all watches (memory, and fairness to the server). Default 4. */
  listConcurrency?: number;
  reflector?: ReflectorTuning;
}

export type ExplorerState = { kind: 'loading' } | { kind: 'ready' } | { kind: 'problem'; problem: ClusterProblem };

interface NamespaceSession {
  store: NamespaceStore;
  reflectors: Reflector[];
  firstSync: Promise<void>;
  running: boolean;
  /** children() has returned once: from now on changes are news to the view. */
  rendered: boolean;
}

interface ContextSession {
  name: string;
  api: KubeApi;
  credential: CredentialInfo;
  namespaces: Set<string>;
  state?: ReflectorState;
  reflector?: Reflector;
  running: boolean;
  rendered: boolean;
  sessions: Map<string, NamespaceSession>;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

export class ClusterExplorer {
  private config: LoadedKubeconfig | undefined;
  private loading: Promise<void> | undefined;
  private explorerState: ExplorerState = { kind: 'loading' };
  private currentContext = '';
  private readonly namespaceOverride = new Map<string, string>();
  private readonly contexts = new Map<string, ContextSession>();
  private readonly nodes = new NodeCache();
  private readonly listeners = new Set<(nodes: ClusterNode[] | undefined) => void>();
  private readonly coalescer: Coalescer<ClusterNode>;
  private readonly listGate: Gate;
  private visible = true;
  private disposed = false;
  private readonly unsubscribeAttachments: () => void;
  /** "Problems only": workloads and pods that are not healthy or have lint findings. */
  private problemsOnlyMode = false;

  constructor(private readonly opts: ExplorerOptions) {
    this.coalescer = new Coalescer(opts.coalesceMs ?? 250, (batch) => this.emit(this.narrowest(batch)));
    this.listGate = new Gate(opts.listConcurrency ?? 4);
    this.unsubscribeAttachments = opts.podAttachments?.onDidChange((p) => this.mark(this.nodes.pod(p.context, p.namespace, p.name))) ?? (() => undefined);
  }

  // ------------------------------------------------------------------ public API

  get state(): ExplorerState {
    return this.explorerState;
  }

  /** Listens for changed nodes (undefined: everything). Returns the unsubscribe function. */
  onDidChange(listener: (nodes: ClusterNode[] | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The kubeconfig's contexts, the current one first. Without any kubeconfig: nothing (the view's
   * welcome text explains where one is looked for); with one that cannot be used: a node saying why.
   */
  async roots(): Promise<ClusterNode[]> {
    await this.ensureLoaded();
    const config = this.config;
    const s = this.explorerState;
    if (s.kind === 'problem' && s.problem.kind !== 'noKubeconfig') return [this.nodes.message('', 'kubeconfig', 'error', s.problem.title, s.problem)];
    if (!config) return [];
    const names = config.contexts.map((c) => c.name);
    const ordered = [this.currentContext, ...names.filter((n) => n !== this.currentContext).sort()].filter((n) => names.includes(n));
    return ordered.map((n) => this.nodes.context(n));
  }

  async children(node?: ClusterNode): Promise<ClusterNode[]> {
    if (!node) return this.roots();
    switch (node.type) {
      case 'context':
        return this.contextChildren(node);
      case 'namespace':
        return this.namespaceChildren(node);
      case 'workload': {
        const store = this.session(node.context, node.namespace)?.store;
        return (store?.podsOf(workloadKey(node.kind, node.name)) ?? [])
          .filter((p) => !this.problemsOnlyMode || podNeedsAttention(p))
          .map((p) => this.nodes.pod(node.context, node.namespace, p.name));
      }
      case 'pod':
        return this.opts.podAttachments?.childrenOf(node) ?? [];
      case 'runtime':
        return node.children;
      default:
        return [];
    }
  }

  /** The pod has something hanging under it (goroutine groups). */
  hasAttachments(pod: PodRef): boolean {
    return !!this.opts.podAttachments?.childrenOf(pod).length;
  }

  parent(node: ClusterNode): ClusterNode | undefined {
    switch (node.type) {
      case 'context':
        return undefined;
      case 'namespace':
        return this.nodes.context(node.context);
      case 'workload':
        return this.nodes.namespace(node.context, node.namespace);
      case 'pod': {
        const key = this.session(node.context, node.namespace)?.store.parentOf(node.name);
        if (key) {
          const [kind, name] = splitKey(key);
          return this.nodes.workload(node.context, node.namespace, kind as never, name);
        }
        return this.nodes.namespace(node.context, node.namespace);
      }
      case 'message':
        if (node.namespace && node.context) return this.nodes.namespace(node.context, node.namespace);
        return node.context ? this.nodes.context(node.context) : undefined;
      case 'runtime':
        return node.parent ?? (node.pod && this.nodes.pod(node.pod.context, node.pod.namespace, node.pod.name));
    }
  }

  /** Stops the watches under a node that the user collapsed. */
  collapse(node: ClusterNode): void {
    if (node.type === 'namespace') this.stopNamespace(node.context, node.namespace, true);
    else if (node.type === 'context') this.stopContext(node.context, true);
  }

  /** Hiding the view stops every watch; showing it again resumes the ones that were running. */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    for (const ctx of this.contexts.values()) {
      if (!ctx.running) continue;
      if (visible) ctx.reflector?.restart();
      else ctx.reflector?.stop();
      for (const s of ctx.sessions.values()) {
        if (!s.running) continue;
        for (const r of s.reflectors) visible ? r.restart() : r.stop();
      }
    }
  }

  /** Re-lists the scope of a node (failed watches included); without a node, re-reads the kubeconfig. */
  async refresh(node?: ClusterNode): Promise<void> {
    if (!node) return this.reload();
    if (node.type === 'runtime') return;
    const ctx = node.context ? this.contexts.get(node.context) : undefined;
    if (!ctx) return this.reload();
    if ((node.type === 'namespace' || node.type === 'workload' || node.type === 'pod' || node.type === 'message') && node.namespace) {
      for (const r of ctx.sessions.get(node.namespace)?.reflectors ?? []) r.restart();
      this.mark(this.nodes.namespace(ctx.name, node.namespace));
      return;
    }
    ctx.reflector?.restart();
    for (const s of ctx.sessions.values()) for (const r of s.reflectors) r.restart();
    this.mark(this.nodes.context(ctx.name));
  }

  /** Re-reads the kubeconfig (it may have changed) and rebuilds the tree. */
  async reload(): Promise<void> {
    this.stopAll();
    this.config = undefined;
    this.loading = undefined;
    this.nodes.clear();
    await this.ensureLoaded();
    this.emit(undefined);
  }

  /** The namespace filter or pinned list changed: redraw every context's namespace list. */
  refreshNamespaceOrder(): void {
    for (const name of this.contexts.keys()) this.mark(this.nodes.context(name));
  }

  get problemsOnly(): boolean {
    return this.problemsOnlyMode;
  }

  /** Shows only what needs attention (or everything again); the namespaces shown are redrawn. */
  setProblemsOnly(on: boolean): void {
    if (on === this.problemsOnlyMode) return;
    this.problemsOnlyMode = on;
    for (const ctx of this.contexts.values()) for (const [ns, s] of ctx.sessions) if (s.rendered) this.mark(this.nodes.namespace(ctx.name, ns));
  }

  /** Makes another context the current one, in memory only (the kubeconfig file is never written). */
  useContext(context: string): void {
    if (!this.config?.contexts.some((c) => c.name === context)) return;
    this.currentContext = context;
    this.emit(undefined);
  }

  /** Shows this namespace first for the context, in memory only. */
  useNamespace(context: string, namespace: string): void {
    this.namespaceOverride.set(context, namespace);
    this.mark(this.nodes.context(context));
  }

  currentNamespace(context: string): string {
    return this.namespaceOverride.get(context) || this.config?.contexts.find((c) => c.name === context)?.namespace || 'default';
  }

  isCurrentContext(context: string): boolean {
    return context === this.currentContext;
  }

  contextInfo(context: string) {
    return this.config?.contexts.find((c) => c.name === context);
  }

  /** The context's problem, if its namespaces cannot be listed for a reason other than RBAC. */
  contextState(context: string): ReflectorState | undefined {
    return this.contexts.get(context)?.state;
  }

  api(context: string): KubeApi | undefined {
    return this.config?.apiFor(context);
  }

  credentialInfo(context: string): CredentialInfo | undefined {
    return this.config?.credentialInfo(context);
  }

  store(context: string, namespace: string): NamespaceStore | undefined {
    return this.session(context, namespace)?.store;
  }

  pod(node: { context: string; namespace: string; name: string }): PodSummary | undefined {
    return this.store(node.context, node.namespace)?.pods.get(node.name);
  }

  workload(node: { context: string; namespace: string; kind: string; name: string }): WorkloadSummary | undefined {
    return this.store(node.context, node.namespace)?.workloads.get(`${node.kind}/${node.name}`);
  }

  /** "context/namespace" of every namespace being watched right now. */
  watchedNamespaces(): string[] {
    const out: string[] = [];
    for (const ctx of this.contexts.values()) for (const [ns, s] of ctx.sessions) if (s.running && this.visible) out.push(`${ctx.name}/${ns}`);
    return out.sort();
  }

  /** Every reflector (for tests and the benchmark: their counters). */
  reflectors(context: string, namespace?: string): Reflector[] {
    const ctx = this.contexts.get(context);
    if (!ctx) return [];
    if (namespace === undefined) return ctx.reflector ? [ctx.reflector] : [];
    return ctx.sessions.get(namespace)?.reflectors ?? [];
  }

  dispose(): void {
    this.disposed = true;
    this.stopAll();
    this.coalescer.dispose();
    this.listeners.clear();
    this.unsubscribeAttachments();
  }

  // ------------------------------------------------------------------ loading

  private ensureLoaded(): Promise<void> {
    this.loading ??= (async () => {
      this.explorerState = { kind: 'loading' };
      const result = await this.opts.loadKubeconfig();
      if (!result.ok) {
        this.explorerState = { kind: 'problem', problem: result.problem };
        return;
      }
      this.config = result.config;
      if (!result.config.contexts.length) {
        this.explorerState = {
          kind: 'problem',
          problem: { kind: 'invalidKubeconfig', title: 'The kubeconfig has no contexts', action: 'Add a context (kubectl config set-context) or point leaklens.cluster.kubeconfig at another file.', retryable: false },
        };
        return;
      }
      if (!result.config.contexts.some((c) => c.name === this.currentContext)) this.currentContext = result.config.currentContext;
      this.explorerState = { kind: 'ready' };
    })();
    return this.loading;
  }

  // ------------------------------------------------------------------ contexts

  private contextSession(context: string): ContextSession | undefined {
    const config = this.config;
    if (!config) return undefined;
    let ctx = this.contexts.get(context);
    if (!ctx) {
      ctx = { name: context, api: config.apiFor(context), credential: config.credentialInfo(context), namespaces: new Set(), running: false, rendered: false, sessions: new Map() };
      this.contexts.set(context, ctx);
    }
    return ctx;
  }

  private startContext(ctx: ContextSession): void {
    if (ctx.running) return;
    ctx.running = true;
    const node = this.nodes.context(ctx.name);
    // While the first children() call waits for the list, what arrives is part of its answer, not news.
    const changed = () => ctx.rendered && this.mark(node);
    const sink = {
      upsert: (o: { metadata?: { name?: string } }) => {
        const name = o.metadata?.name;
        if (name && !ctx.namespaces.has(name)) {
          ctx.namespaces.add(name);
          changed();
        }
      },
      remove: (name: string) => {
        if (!ctx.namespaces.delete(name)) return;
        this.stopNamespace(ctx.name, name, true);
        changed();
      },
      resync: (names: ReadonlySet<string>) => {
        for (const n of [...ctx.namespaces]) if (!names.has(n)) sink.remove(n);
      },
      state: (s: ReflectorState) => {
        ctx.state = s;
        changed();
      },
    };
    ctx.reflector = this.newReflector(ctx, NAMESPACES, undefined, sink, 'list namespaces');
    if (this.visible) ctx.reflector.start();
  }

  private async contextChildren(node: ContextNode): Promise<ClusterNode[]> {
    const ctx = this.contextSession(node.context);
    if (!ctx) return [];
    this.startContext(ctx);
    await this.waitFor(ctx.reflector!.firstSync);
    ctx.rendered = true;
    const settings = this.opts.namespaceSettings();
    const current = this.currentNamespace(ctx.name);
    const scope = ctx.name;
    const s = ctx.state;
    const namespaces = (names: Iterable<string>) => orderNamespaces(names, current, settings).map((ns) => this.nodes.namespace(ctx.name, ns));
    if (!s || s.phase === 'listing') return [this.nodes.message(scope, 'loading', 'loading', 'Loading namespaces…', undefined, ctx.name), ...namespaces([])];
    if (s.phase === 'live') return namespaces(ctx.namespaces);
    if (s.problem.kind === 'forbidden') {
      const info = this.nodes.message(scope, 'ns-forbidden', 'info', 'Cannot list namespaces: showing the current and pinned ones', s.problem, ctx.name);
      return [info, ...namespaces(ctx.namespaces)];
    }
    // The cluster is unreachable or refuses us: say why; keep what we knew (it may come back).
    const problem = this.nodes.message(scope, 'problem', s.phase === 'retrying' ? 'warning' : 'error', s.problem.title, s.problem, ctx.name);
    return ctx.namespaces.size ? [problem, ...namespaces(ctx.namespaces)] : [problem];
  }

  private stopContext(context: string, dropData: boolean): void {
    const ctx = this.contexts.get(context);
    if (!ctx) return;
    ctx.reflector?.stop();
    ctx.running = false;
    for (const ns of [...ctx.sessions.keys()]) this.stopNamespace(context, ns, dropData);
    if (dropData) {
      ctx.namespaces.clear();
      ctx.state = undefined;
      ctx.rendered = false;
    }
  }

  private stopAll(): void {
    for (const name of [...this.contexts.keys()]) this.stopContext(name, true);
    this.contexts.clear();
  }

  // ------------------------------------------------------------------ namespaces

  private session(context: string, namespace: string): NamespaceSession | undefined {
    return this.contexts.get(context)?.sessions.get(namespace);
  }

  private startNamespace(ctx: ContextSession, namespace: string): NamespaceSession {
    let s = ctx.sessions.get(namespace);
    if (s?.running) return s;
    if (!s) {
      const store = new NamespaceStore(namespace, (d) => this.onStoreDirty(ctx.name, namespace, d), this.opts.linter);
      const reflectors = NAMESPACE_RESOURCES.map((r) =>
        this.newReflector(ctx, r, namespace, store.sinkFor(r), `list ${r.plural} in namespace ${namespace}`),
      );
      s = { store, reflectors, firstSync: Promise.all(reflectors.map((r) => r.firstSync)).then(() => undefined), running: false, rendered: false };
      ctx.sessions.set(namespace, s);
    }
    s.running = true;
    if (this.visible) for (const r of s.reflectors) r.start();
    return s;
  }

  private stopNamespace(context: string, namespace: string, dropData: boolean): void {
    const ctx = this.contexts.get(context);
    const s = ctx?.sessions.get(namespace);
    if (!ctx || !s) return;
    for (const r of s.reflectors) r.stop();
    s.running = false;
    if (dropData) {
      ctx.sessions.delete(namespace);
      this.nodes.forgetNamespace(context, namespace);
    }
  }

  private async namespaceChildren(node: NamespaceNode): Promise<ClusterNode[]> {
    const ctx = this.contextSession(node.context);
    if (!ctx) return [];
    if (!ctx.running) this.startContext(ctx);
    const s = this.startNamespace(ctx, node.namespace);
    await this.waitFor(s.firstSync);
    s.rendered = true;
    const { store } = s;
    const out: ClusterNode[] = [...this.problemNodes(ctx, node.namespace, store)];
    if (s.reflectors.some((r) => !r.state || r.state.phase === 'listing')) {
      out.push(this.nodes.message(`${ctx.name}/${node.namespace}`, 'loading', 'loading', 'Loading…', undefined, ctx.name, node.namespace));
    }
    const only = this.problemsOnlyMode;
    let hidden = 0;
    for (const w of store.topWorkloads()) {
      if (only && !store.workloadNeedsAttention(workloadKey(w.kind, w.name))) hidden++;
      else out.push(this.nodes.workload(ctx.name, node.namespace, w.kind, w.name));
    }
    for (const p of store.standalonePods()) {
      if (only && !podNeedsAttention(p)) hidden++;
      else out.push(this.nodes.pod(ctx.name, node.namespace, p.name));
    }
    const scope = `${ctx.name}/${node.namespace}`;
    if (hidden && out.length === 0) out.push(this.nodes.message(scope, 'healthy', 'info', `No problems: ${hidden} healthy hidden (Problems only)`, undefined, ctx.name, node.namespace));
    else if (!out.length) out.push(this.nodes.message(scope, 'empty', 'info', 'No workloads or pods', undefined, ctx.name, node.namespace));
    return out;
  }

  /** One node per kind of problem: RBAC denials are merged into a single "cannot list a, b in ns". */
  private problemNodes(ctx: ContextSession, namespace: string, store: NamespaceStore): MessageNode[] {
    const scope = `${ctx.name}/${namespace}`;
    const problems = store.problems();
    const out: MessageNode[] = [];
    const forbidden = problems.filter((p) => p.problem.kind === 'forbidden');
    if (forbidden.length) {
      const all = forbidden.length === NAMESPACE_RESOURCES.length;
      const user = ctx.credential.user;
      const title = all
        ? `Forbidden: "${user}" may not read namespace ${namespace}`
        : `Forbidden: "${user}" may not list ${forbidden.map((f) => f.resource).join(', ')} in ${namespace}`;
      out.push(this.nodes.message(scope, 'forbidden', all ? 'error' : 'warning', title, { ...forbidden[0].problem, title }, ctx.name, namespace));
    }
    const seen = new Set<string>();
    for (const p of problems) {
      if (p.problem.kind === 'forbidden' || seen.has(p.problem.kind)) continue;
      seen.add(p.problem.kind);
      out.push(this.nodes.message(scope, `problem-${p.problem.kind}`, p.failed ? 'error' : 'warning', p.problem.title, p.problem, ctx.name, namespace));
    }
    return out;
  }

  private newReflector(ctx: ContextSession, resource: ResourceType, namespace: string | undefined, sink: ConstructorParameters<typeof Reflector>[2], what: string): Reflector {
    const tuning = this.opts.reflector ?? {};
    return new Reflector(ctx.api, collectionPath(resource, namespace), sink, {
      what,
      credentialInfo: ctx.credential,
      backoff: new Backoff(tuning.backoff ?? DEFAULT_BACKOFF),
      pageSize: tuning.pageSize,
      silenceMs: tuning.silenceMs,
      watchTimeoutSeconds: tuning.watchTimeoutSeconds,
      listGate: this.listGate,
    });
  }

  // ------------------------------------------------------------------ changes

  private onStoreDirty(context: string, namespace: string, d: Dirty): void {
    if (this.disposed) return;
    if (d.type === 'podGone') {
      this.nodes.forgetPod(context, namespace, d.name);
      return this.opts.podAttachments?.podGone({ context, namespace, name: d.name });
    }
    // Before the namespace's first render, everything that arrives is part of that render.
    if (!this.session(context, namespace)?.rendered) return;
    switch (d.type) {
      case 'namespace':
        return this.mark(this.nodes.namespace(context, namespace));
      case 'workload': {
        // With "Problems only", a workload's health decides whether the namespace lists it at all.
        if (this.problemsOnlyMode) return this.mark(this.nodes.namespace(context, namespace));
        const [kind, name] = splitKey(d.key);
        return this.mark(this.nodes.workload(context, namespace, kind as never, name));
      }
      case 'pod':
        return this.mark(this.nodes.pod(context, namespace, d.name));
    }
  }

  private mark(node: ClusterNode): void {
    if (!this.disposed) this.coalescer.add(node);
  }

  /**
   * Drops nodes whose ancestor is refreshed in the same batch (refreshing a node redraws its
   * subtree), and pods or workloads that are gone (their parent's refresh removes them).
   */
  private narrowest(batch: ClusterNode[]): ClusterNode[] {
    const ids = new Set(batch.map((n) => n.id));
    return batch.filter((n) => {
      if (n.type === 'pod' && !this.pod(n)) return false;
      if (n.type === 'workload' && !this.workload(n)) return false;
      for (let p = this.parent(n); p; p = this.parent(p)) if (ids.has(p.id)) return false;
      return true;
    });
  }

  private emit(nodes: ClusterNode[] | undefined): void {
    for (const l of this.listeners) {
      try {
        l(nodes);
      } catch {
        // A listener's failure must not stop the others (or the watches feeding us).
      }
    }
  }

  private async waitFor(p: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, this.opts.firstRenderWaitMs ?? 20_000)))]);
    clearTimeout(timer);
  }
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
