/**
 * Read-only virtual documents of the cluster view: an object as YAML (Describe), its events, and
 * pod logs. A followed log keeps streaming into its document until the document is closed.
 */
import * as vscode from 'vscode';
import type { KubeApi, StreamHandle } from './api';
import { describeObject, eventsOf, streamLogs } from './inspect';
import { problemFromError, type CredentialInfo } from './problems';

export const SCHEME = 'leaklens-cluster';

export type ClusterDocument =
  | { view: 'describe' | 'events'; context: string; namespace: string; kind: string; name: string }
  | { view: 'logs'; context: string; namespace: string; pod: string; container: string; previous: boolean; tailLines: number; node?: string };

export function documentUri(d: ClusterDocument): vscode.Uri {
  const title =
    d.view === 'logs'
      ? `${d.pod}-${d.container}${d.previous ? '-previous' : ''}.log`
      : d.view === 'describe'
        ? `${d.kind.toLowerCase()}-${d.name}.yaml`
        : `${d.kind.toLowerCase()}-${d.name}-events.txt`;
  return vscode.Uri.from({ scheme: SCHEME, path: `/${d.namespace}/${title}`, query: JSON.stringify(d) });
}

/** Cap on a followed log kept in memory; older lines are dropped. */
const MAX_LOG_CHARS = 4_000_000;

interface LogSession {
  text: string;
  handle?: StreamHandle;
  ended?: string;
}

export class ClusterDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly logs = new Map<string, LogSession>();
  private readonly pendingChanges = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly closeListener: vscode.Disposable;

  constructor(
    private readonly apiFor: (context: string) => KubeApi | undefined,
    private readonly credentialInfo: (context: string) => CredentialInfo | undefined,
  ) {
    this.closeListener = vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme !== SCHEME) return;
      const key = doc.uri.toString();
      this.logs.get(key)?.handle?.abort();
      this.logs.delete(key);
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    let d: ClusterDocument;
    try {
      d = JSON.parse(uri.query) as ClusterDocument;
    } catch {
      return 'This LeakLens document link is malformed.';
    }
    const api = this.apiFor(d.context);
    if (!api) return `Context ${d.context} is not in the kubeconfig any more.`;
    try {
      if (d.view === 'logs') return this.logText(uri, d, api);
      return d.view === 'describe' ? await describeObject(api, d) : await eventsOf(api, d);
    } catch (e) {
      return this.failure(d, e);
    }
  }

  private failure(d: ClusterDocument, e: unknown): string {
    const cred = this.credentialInfo(d.context);
    const what = d.view === 'logs' ? `read the logs of ${d.pod}/${d.container}` : `get ${d.kind} ${d.namespace}/${d.name}`;
    const log = d.view === 'logs' ? { pod: d.pod, node: d.node } : undefined;
    const p = problemFromError(e, { what, log }, cred ?? { server: '', user: '' });
    return [p.title, p.detail ?? '', '', p.action].join('\n');
  }

  /** The first call starts the stream (following unless it is the previous container); later calls return what arrived. */
  private logText(uri: vscode.Uri, d: Extract<ClusterDocument, { view: 'logs' }>, api: KubeApi): string {
    const key = uri.toString();
    let session = this.logs.get(key);
    if (session) return session.text + (session.ended ? `\n[${session.ended}]\n` : '');
    session = { text: '' };
    this.logs.set(key, session);
    const s = session;
    s.handle = streamLogs(api, d, (chunk) => {
      s.text += chunk;
      if (s.text.length > MAX_LOG_CHARS) s.text = s.text.slice(s.text.indexOf('\n', s.text.length - MAX_LOG_CHARS) + 1);
      this.scheduleChange(key);
    });
    s.handle.done.then(
      () => (s.ended = d.previous ? '' : 'the log stream ended (the container stopped?)'),
      (e) => (s.ended = (e as Error)?.name === 'AbortedError' ? '' : this.failure(d, e)),
    ).finally(() => this.scheduleChange(key));
    return '';
  }

  /** Log chunks arrive in bursts; the document is refreshed at most four times a second. */
  private scheduleChange(key: string): void {
    this.pendingChanges.add(key);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      for (const k of this.pendingChanges) if (this.logs.has(k)) this.changed.fire(vscode.Uri.parse(k));
      this.pendingChanges.clear();
    }, 250);
  }

  dispose(): void {
    for (const s of this.logs.values()) s.handle?.abort();
    this.logs.clear();
    clearTimeout(this.flushTimer);
    this.closeListener.dispose();
    this.changed.dispose();
  }
}
