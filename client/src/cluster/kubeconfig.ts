/**
 * Finds and loads the kubeconfig: the machine-scoped `leaklens.cluster.kubeconfig` setting, else
 * $KUBECONFIG (a path list, merged like kubectl does), else ~/.kube/config. The file is only ever
 * read; choosing another context or namespace happens in memory.
 *
 * `@kubernetes/client-node` is imported lazily, so a failure to load it shows up in the cluster view
 * instead of breaking the extension's activation.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApi } from './api';
import { jwtExpiry, type ClusterProblem, type CredentialInfo } from './problems';

export interface KubeconfigLocation {
  files: string[];
  origin: 'setting' | 'KUBECONFIG' | 'default';
}

export interface ContextInfo {
  name: string;
  cluster: string;
  user: string;
  /** The context's namespace ('' when it sets none). */
  namespace: string;
  server: string;
}

export interface LoadedKubeconfig {
  location: KubeconfigLocation;
  contexts: ContextInfo[];
  currentContext: string;
  /** A client for one context; each has its own KubeConfig copy, so nothing is shared or saved. */
  apiFor(context: string): KubeApi;
  credentialInfo(context: string): CredentialInfo;
}

export type KubeconfigResult = { ok: true; config: LoadedKubeconfig } | { ok: false; problem: ClusterProblem };

/** Which files to read; undefined when there is none (no setting, no $KUBECONFIG, no ~/.kube/config). */
export function locateKubeconfig(setting: string | undefined, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): KubeconfigLocation | undefined {
  const expand = (p: string) => (p.startsWith('~/') ? path.join(home, p.slice(2)) : p);
  if (setting?.trim()) return { files: [expand(setting.trim())], origin: 'setting' };
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean).map(expand);
  if (fromEnv.length) {
    // kubectl skips files of the list that do not exist.
    const existing = fromEnv.filter((f) => fs.existsSync(f));
    return existing.length ? { files: existing, origin: 'KUBECONFIG' } : undefined;
  }
  const fallback = path.join(home, '.kube', 'config');
  return fs.existsSync(fallback) ? { files: [fallback], origin: 'default' } : undefined;
}

const NO_KUBECONFIG: ClusterProblem = {
  kind: 'noKubeconfig',
  title: 'No kubeconfig found',
  action: 'Create ~/.kube/config, set $KUBECONFIG, or point the leaklens.cluster.kubeconfig setting at a kubeconfig file.',
  retryable: false,
};

export async function loadKubeconfig(setting: string | undefined, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): Promise<KubeconfigResult> {
  const location = locateKubeconfig(setting, env, home);
  if (!location) return { ok: false, problem: NO_KUBECONFIG };
  if (location.origin === 'setting' && !fs.existsSync(location.files[0])) {
    return { ok: false, problem: { kind: 'invalidKubeconfig', title: `The kubeconfig ${location.files[0]} does not exist`, action: 'Fix the leaklens.cluster.kubeconfig setting (user settings).', retryable: false } };
  }
  let k8s: typeof import('@kubernetes/client-node/dist/config.js');
  try {
    // Only KubeConfig, not the package index: the index pulls in every generated API client and
    // model (an 18 MB bundle and ~30 MB of heap in the extension host) for nothing we use.
    k8s = await import('@kubernetes/client-node/dist/config.js');
  } catch (e) {
    return { ok: false, problem: { kind: 'unknown', title: 'The Kubernetes client library failed to load', detail: (e as Error).message, action: 'Report this to the LeakLens maintainers.', retryable: false } };
  }
  let kc: KubeConfig;
  try {
    kc = new k8s.KubeConfig();
    kc.loadFromFile(location.files[0]);
    for (const file of location.files.slice(1)) {
      const more = new k8s.KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more, true);
    }
  } catch (e) {
    return {
      ok: false,
      problem: { kind: 'invalidKubeconfig', title: `Cannot read the kubeconfig ${location.files.join(path.delimiter)}`, detail: (e as Error).message, action: 'Fix the file (kubectl config view shows what kubectl makes of it).', retryable: false },
    };
  }
  const contexts: ContextInfo[] = kc.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    user: c.user,
    namespace: c.namespace ?? '',
    server: kc.getCluster(c.cluster)?.server ?? '',
  }));
  const copyFor = (context: string): KubeConfig => {
    const copy = new k8s.KubeConfig();
    copy.loadFromOptions({ clusters: kc.getClusters(), users: kc.getUsers(), contexts: kc.getContexts(), currentContext: context });
    return copy;
  };
  const apis = new Map<string, KubeApi>();
  return {
    ok: true,
    config: {
      location,
      contexts,
      currentContext: kc.getCurrentContext() || contexts[0]?.name || '',
      apiFor(context) {
        let api = apis.get(context);
        if (!api) apis.set(context, (api = new KubeApi(copyFor(context), context)));
        return api;
      },
      credentialInfo(context) {
        const ctx = kc.getContextObject(context);
        const user = ctx ? kc.getUser(ctx.user) : null;
        return {
          server: (ctx && kc.getCluster(ctx.cluster)?.server) || '(no server)',
          user: ctx?.user ?? '',
          execCommand: user?.exec?.command,
          tokenExpiresAt: jwtExpiry(user?.token),
          certExpiresAt: certificateExpiry(user?.certFile, user?.certData),
        };
      },
    },
  };
}

function certificateExpiry(file: string | undefined, data: string | undefined): number | undefined {
  try {
    const pem = file ? fs.readFileSync(file) : data ? Buffer.from(data, 'base64') : undefined;
    if (!pem) return undefined;
    return Date.parse(new crypto.X509Certificate(pem).validTo);
  } catch {
    return undefined;
  }
}
