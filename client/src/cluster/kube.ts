/**
 * The few shapes of Kubernetes JSON that the cluster view reads. Objects arrive as raw JSON from
 * the API server (list pages and watch events), so every field is optional here.
 */

export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  // Kinds differ in spec/status; readers narrow what they use.
  spec?: any;
  status?: any;
}

export interface KubeList {
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items?: KubeObject[];
}

/** A `Status` object, as returned by failed requests and by watch ERROR events. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { kind?: string; name?: string; group?: string };
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject & KubeStatus;
}

/** Names one object of the cluster. */
export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/** The controlling owner (ownerReferences entry with controller: true), if any. */
export function controllerOf(meta: ObjectMeta | undefined): OwnerReference | undefined {
  return meta?.ownerReferences?.find((o) => o.controller);
}

/** Milliseconds since the epoch of an RFC 3339 timestamp, or undefined. */
export function timeOf(ts: string | undefined): number | undefined {
  if (!ts) return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}
