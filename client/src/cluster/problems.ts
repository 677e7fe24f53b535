/**
 * Turns every way a cluster request can fail into a problem a person can act on: a short title for
 * a tree node, the raw detail, and what to do. Nothing here throws.
 */
import { AbortedError, ApiError, CredentialError, SilenceError } from './api';

export type ProblemKind =
  | 'noKubeconfig'
  | 'invalidKubeconfig'
  | 'unreachable'
  | 'tls'
  | 'unauthorized'
  | 'expiredCredentials'
  | 'credentialPlugin'
  | 'forbidden'
  | 'notFound'
  | 'server'
  | 'unknown';

export interface ClusterProblem {
  kind: ProblemKind;
  /** One line, for a tree label. */
  title: string;
  /** The underlying message (server Status message, socket error), verbatim. */
  detail?: string;
  /** What the user can do about it. */
  action: string;
  /** Worth retrying on its own (the server may come back); otherwise wait for the user's Refresh. */
  retryable: boolean;
}

/** What is known about the context's credentials, to explain a 401. */
export interface CredentialInfo {
  server: string;
  user: string;
  /** The exec credential plugin's command, when the user has one. */
  execCommand?: string;
  /** Expiry of the kubeconfig's bearer token (JWT `exp`) or client certificate. */
  tokenExpiresAt?: number;
  certExpiresAt?: number;
}

/** Describes the request that failed: "list pods in team-b". */
export interface FailedRequest {
  what: string;
  /** A pod log request: the API server relays it from the kubelet of the pod's node. */
  log?: { pod: string; node?: string };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(e: unknown): string | undefined {
  for (let cur: any = e, depth = 0; cur && depth < 5; cur = cur.cause, depth++) {
    if (typeof cur.code === 'string') return cur.code;
  }
  const m = /\b(E[A-Z]{4,}|ERR_[A-Z_]+)\b/.exec(e instanceof Error ? e.message : String(e));
  return m?.[1];
}

function isTlsCode(code: string): boolean {
  return /CERT|SELF_SIGNED|ERR_SSL|ERR_TLS|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|EPROTO/.test(code);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function isGone(e: unknown): boolean {
  return e instanceof ApiError && e.status === 410;
}

export function isAborted(e: unknown): boolean {
  return e instanceof AbortedError;
}

export function problemFromError(e: unknown, req: FailedRequest, cred: CredentialInfo, now = Date.now()): ClusterProblem {
  if (e instanceof CredentialError) {
    if (e.viaExecPlugin) {
      return {
        kind: 'credentialPlugin',
        title: `The credential plugin${cred.execCommand ? ` "${cred.execCommand}"` : ''} failed`,
        detail: e.message.trim() || undefined,
        action: 'Run the plugin in a terminal to see why (often: log in to your cloud provider again), then Refresh.',
        retryable: false,
      };
    }
    return {
      kind: 'invalidKubeconfig',
      title: `Cannot use the credentials of user "${cred.user}"`,
      detail: e.message,
      action: 'Check the user entry of this context in your kubeconfig (certificate and key files, token file, auth provider).',
      retryable: false,
    };
  }
  if (e instanceof ApiError) return problemFromStatus(e, req, cred, now);
  if (e instanceof SilenceError) {
    return { kind: 'unreachable', title: `No answer from ${cred.server}`, detail: e.message, action: 'Retrying; check the network path to the cluster (VPN, proxy).', retryable: true };
  }
  const code = errorCode(e) ?? '';
  if (isTlsCode(code)) {
    return {
      kind: 'tls',
      title: `TLS failure talking to ${cred.server}`,
      detail: `${code}: ${messageOf(e)}`,
      action: code.includes('ALTNAME')
        ? "The server's certificate does not name this address: fix `server` or set `tls-server-name` in the kubeconfig cluster entry."
        : "The server's certificate is not trusted: set the cluster's `certificate-authority(-data)` in the kubeconfig to the CA that signed it.",
      retryable: false,
    };
  }
  if (NETWORK_CODES.has(code)) {
    return {
      kind: 'unreachable',
      title: `Cannot reach ${cred.server}`,
      detail: `${code}: ${messageOf(e)}`,
      action: 'Is the cluster running and reachable from here (VPN, proxy, port-forward)? Retrying automatically.',
      retryable: true,
    };
  }
  return { kind: 'unknown', title: `Could not ${req.what}`, detail: messageOf(e), action: 'Refresh to try again.', retryable: true };
}

function problemFromStatus(e: ApiError, req: FailedRequest, cred: CredentialInfo, now: number): ClusterProblem {
  const detail = e.kubeStatus?.message;
  switch (e.status) {
    case 401: {
      const expiredAt = [cred.tokenExpiresAt, cred.certExpiresAt].find((t) => t !== undefined && t <= now);
      if (expiredAt !== undefined) {
        return {
          kind: 'expiredCredentials',
          title: `The credentials of "${cred.user}" expired ${new Date(expiredAt).toISOString()}`,
          detail,
          action: 'Get a fresh token or certificate (log in again) and update the kubeconfig, then Refresh.',
          retryable: false,
        };
      }
      return {
        kind: 'unauthorized',
        title: `Unauthorized: the server rejected the credentials of "${cred.user}"`,
        detail,
        action: cred.execCommand
          ? `The token from "${cred.execCommand}" was refused: log in again, then Refresh.`
          : 'The token or certificate is wrong, revoked or expired: update the kubeconfig user entry, then Refresh.',
        retryable: false,
      };
    }
    case 403:
      return {
        kind: 'forbidden',
        title: `Forbidden: cannot ${req.what}`,
        detail,
        action: `Ask a cluster admin for get, list and watch on this resource for "${cred.user}", or hide the namespace with leaklens.cluster.namespaces.filter.`,
        retryable: false,
      };
    case 404:
      return notFound(e, req);
    default: {
      const retryable = e.status >= 500 || e.status === 429;
      if (req.log && retryable) {
        return {
          kind: 'server',
          title: `The API server could not get the log from the kubelet${req.log.node ? ` of node ${req.log.node}` : ''} (HTTP ${e.status})`,
          detail,
          action: `Logs come from the node's kubelet: check that the node is up and reachable from the API server, then open the log again.`,
          retryable: false,
        };
      }
      return {
        kind: 'server',
        title: `The API server ${retryable ? 'failed' : 'refused'} to ${req.what} (HTTP ${e.status})`,
        detail,
        action: retryable ? 'Retrying automatically.' : 'The request was refused as it is; the detail says why.',
        retryable,
      };
    }
  }
}

/**
 * A 404 names what is missing. For a log, the API server looks up the pod's node and answers
 * `pods "<node>" not found` when the node is gone; an object that is gone names itself; a path
 * the server does not serve at all carries no details.
 */
function notFound(e: ApiError, req: FailedRequest): ClusterProblem {
  const detail = e.kubeStatus?.message;
  const missing = e.kubeStatus?.details?.name;
  if (req.log && missing && missing !== req.log.pod && (missing === req.log.node || req.log.node === undefined)) {
    return {
      kind: 'notFound',
      title: `Node ${missing} of pod ${req.log.pod} is not in the cluster`,
      detail,
      action: 'Logs are read from the kubelet of the pod\'s node, and this node is gone (removed, or never registered): Describe the pod or show its events to see what happened to it.',
      retryable: false,
    };
  }
  if (missing) {
    const kind = e.kubeStatus?.details?.kind;
    return {
      kind: 'notFound',
      title: `${kind ? `${kind.replace(/s$/, '')} ` : ''}${missing} no longer exists (could not ${req.what})`,
      detail,
      action: 'It was deleted or replaced; Refresh the view.',
      retryable: false,
    };
  }
  return {
    kind: 'notFound',
    title: `Not served by this cluster: ${req.what}`,
    detail,
    action: 'This API does not exist on this cluster version (or an extension providing it is not installed).',
    retryable: false,
  };
}

/** Seconds-precision expiry of a JWT bearer token, from its `exp` claim (the signature is not checked). */
export function jwtExpiry(token: string | undefined): number | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
