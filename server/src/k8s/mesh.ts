/** Service-mesh and gateway objects: Istio's VirtualService and DestinationRule, the Gateway API's HTTPRoute. */
import { asSeq, mapAt, mapsIn, pairOf, type Pair, type YAMLMap } from './nodes';
import type { K8sObject } from './objects';

export const isVirtualService = (o: K8sObject) => o.kind === 'VirtualService' && o.group === 'networking.istio.io';
export const isDestinationRule = (o: K8sObject) => o.kind === 'DestinationRule' && o.group === 'networking.istio.io';
export const isHttpRoute = (o: K8sObject) => o.kind === 'HTTPRoute' && o.group === 'gateway.networking.k8s.io';

export interface MeshRoute {
  node: YAMLMap;
  /** Where findings about the route start: its `name`, else its `route`/`backendRefs`, else its first key. */
  anchor: Pair | YAMLMap;
}

function routesAt(o: K8sObject, key: string, backends: string): MeshRoute[] {
  return mapsIn(asSeq(pairOf(mapAt(o.node, 'spec'), key)?.value)).map((node) => ({
    node,
    anchor: pairOf(node, 'name') ?? pairOf(node, backends) ?? (node.items[0] as Pair | undefined) ?? node,
  }));
}

/** A VirtualService's HTTP routes (`spec.http`). */
export function virtualServiceRoutes(o: K8sObject): MeshRoute[] {
  return routesAt(o, 'http', 'route');
}

/** An HTTPRoute's rules (`spec.rules`). */
export function httpRouteRules(o: K8sObject): MeshRoute[] {
  return routesAt(o, 'rules', 'backendRefs');
}
