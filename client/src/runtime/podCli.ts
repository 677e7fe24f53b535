/**
 * The pod target of `leaklens goroutines pod/NAMESPACE/NAME`: the kubeconfig ($KUBECONFIG, then
 * ~/.kube/config) and the pod proxy reader. Bundled on its own (dist/podCli.js) and loaded only for
 * pod targets, so `leaklens lint` never parses the Kubernetes client.
 */
import type { ProfileRead, ReadOptions } from '../../../server/src/goroutines/sources';
import { loadKubeconfig } from '../cluster/kubeconfig';
import { readPodProfile } from './podProfile';

export interface PodReader {
  read(opts: ReadOptions): Promise<ProfileRead & { port: number }>;
}

export async function podReader(namespace: string, name: string, context: string | undefined, pprofPort: number | undefined): Promise<PodReader> {
  const loaded = await loadKubeconfig(undefined);
  if (!loaded.ok) throw new Error(`${loaded.problem.title}. ${loaded.problem.action}`);
  const ctx = context ?? loaded.config.currentContext;
  if (!loaded.config.contexts.some((c) => c.name === ctx)) throw new Error(`the kubeconfig has no context "${ctx}"`);
  const api = loaded.config.apiFor(ctx);
  return { read: (opts) => readPodProfile(api, namespace, name, { ...opts, settingPort: pprofPort }) };
}
