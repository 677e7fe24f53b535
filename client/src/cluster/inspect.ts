/** The read-only inspections behind Describe, Show Events and Show Logs, free of the vscode module. */
import type { KubeApi, StreamHandle } from './api';
import { describeYaml, formatEvents } from './describe';
import { EVENTS, PODS, collectionPath, objectPath, resourceForKind } from './kinds';
import type { KubeList, KubeObject, ObjectRef } from './kube';

/** The object as YAML without managedFields. */
export async function describeObject(api: KubeApi, ref: ObjectRef): Promise<string> {
  const resource = resourceForKind(ref.kind);
  if (!resource) throw new Error(`unsupported kind ${ref.kind}`);
  return describeYaml(await api.getJson<KubeObject>(objectPath(resource, ref.namespace, ref.name)));
}

/** The object's events (a namespace: all of its events) as kubectl describe's table. */
export async function eventsOf(api: KubeApi, ref: ObjectRef, now = Date.now()): Promise<string> {
  const namespaceWide = ref.kind === 'Namespace';
  const fieldSelector = namespaceWide ? undefined : `involvedObject.kind=${ref.kind},involvedObject.name=${ref.name}`;
  const list = await api.getJson<KubeList>(collectionPath(EVENTS, ref.namespace), { fieldSelector });
  const title = namespaceWide ? `Events in namespace ${ref.name}` : `Events of ${ref.kind} ${ref.namespace}/${ref.name}`;
  return formatEvents(title, list.items ?? [], now, { objectColumn: namespaceWide });
}

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  /** The previous (crashed) container's log instead of following the current one. */
  previous: boolean;
  tailLines: number;
}

export function streamLogs(api: KubeApi, r: LogRequest, onText: (text: string) => void): StreamHandle {
  const path = `${objectPath(PODS, r.namespace, r.pod)}/log`;
  return api.streamText(path, { container: r.container, follow: !r.previous, previous: r.previous || undefined, tailLines: r.tailLines }, onText);
}
