/** Reads the cluster view's settings. The kubeconfig path is taken from user (machine) settings only. */
import * as vscode from 'vscode';
import type { NamespaceSettings } from './namespaces';
import type { TraceProvider, TraceSettings } from './traces';

export const KUBECONFIG_SETTING = 'leaklens.cluster.kubeconfig';

/**
 * `leaklens.cluster.kubeconfig` is declared with scope "machine"; on top of that only the user
 * value is read, so a cloned repository's .vscode/settings.json can never point the extension at a
 * kubeconfig (whose exec plugins would run programs).
 */
export function kubeconfigSetting(): string | undefined {
  const inspected = vscode.workspace.getConfiguration('leaklens.cluster').inspect<string>('kubeconfig');
  return inspected?.globalValue || undefined;
}

export function namespaceSettings(): NamespaceSettings {
  const c = vscode.workspace.getConfiguration('leaklens.cluster.namespaces');
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return { filter: strings(c.get('filter')), pinned: strings(c.get('pinned')) };
}

export function traceSettings(): TraceSettings {
  const c = vscode.workspace.getConfiguration('leaklens.traces');
  return {
    provider: c.get<TraceProvider>('provider') ?? 'none',
    baseUrl: c.get<string>('baseUrl') ?? '',
    template: c.get<string>('template') ?? '',
    tempoDatasource: c.get<string>('tempoDatasource') || 'tempo',
  };
}

export function logTailLines(): number {
  return vscode.workspace.getConfiguration('leaklens.cluster.logs').get<number>('tailLines') ?? 1000;
}
