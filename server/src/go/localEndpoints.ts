/**
 * Endpoints no slow remote peer can hold up: local sockets (unix, unixgram, unixpacket),
 * connectionless networks (udp, ip: dialing sends nothing) and loopback addresses. Read from the
 * constants the code spells out (see localValues.ts); anything else counts as remote.
 */
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { declaredValueOf, stringValues } from './localValues';
import { callParts, typeOf, unparen } from './syntax';

const LOCAL_NETWORKS = new Set(['unix', 'unixgram', 'unixpacket', 'udp', 'udp4', 'udp6', 'ip', 'ip4', 'ip6']);

/** True when every network `expr` can name is local or connectionless (`"ip4:icmp"` counts as ip4). */
export function isLocalNetwork(expr: Node): boolean {
  const values = stringValues(expr);
  return !!values && values.length > 0 && values.every((v) => LOCAL_NETWORKS.has(v.split(':')[0]));
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

/** The host of `host:port` (brackets of an IPv6 host removed). */
function hostOf(address: string): string {
  const bracketed = /^\[([^\]]*)\]/.exec(address);
  if (bracketed) return bracketed[1];
  const colon = address.lastIndexOf(':');
  return colon < 0 ? address : address.slice(0, colon);
}

const isLoopbackHost = (host: string) => LOOPBACK_HOSTS.has(host) || host.startsWith('127.');

/**
 * True when the address `expr` is on the loopback interface: a constant `127.0.0.1:8080`, a
 * `fmt.Sprintf` whose format starts with a loopback host, or `net.JoinHostPort` of one.
 */
export function isLoopbackAddress(file: GoFile, expr: Node): boolean {
  const e = unparen(expr);
  const parts = callParts(e);
  if (parts && file.isPkgCall(e, 'fmt', ['Sprintf'])) {
    const formats = parts.args[0] && stringValues(parts.args[0]);
    // The text before the first verb must hold the whole host and its colon: `127.0.0.1:%d`.
    const prefixes = formats?.map((f) => f.split('%')[0]);
    return !!prefixes && prefixes.length > 0 && prefixes.every((p) => p.includes(':') && isLoopbackHost(hostOf(p)));
  }
  if (parts && file.isPkgCall(e, 'net', ['JoinHostPort'])) {
    const hosts = parts.args[0] && stringValues(parts.args[0]);
    return !!hosts && hosts.length > 0 && hosts.every(isLoopbackHost);
  }
  const addresses = stringValues(e);
  return !!addresses && addresses.length > 0 && addresses.every((a) => isLoopbackHost(hostOf(a)));
}

/**
 * True when the address `expr` is a filesystem path, which only a unix socket takes: a constant
 * starting with `/` (or `@`, Linux's abstract sockets), or the Path of a URL (`u.Path` of
 * `unix:///run/containerd.sock`).
 */
export function isSocketPath(expr: Node): boolean {
  const e = unparen(expr);
  if (typeOf(e) === 'selector_expression' && e.childForFieldName('field')?.text === 'Path') return true;
  const paths = stringValues(e);
  return !!paths && paths.length > 0 && paths.every((p) => p.startsWith('/') || p.startsWith('@'));
}

/**
 * True when `expr` is a listener from `net.Listen` on a local network or a loopback address:
 * the call itself, or a local variable set from it.
 */
export function isLocalListener(file: GoFile, expr: Node): boolean {
  const e = unparen(expr);
  const value = typeOf(e) === 'identifier' ? declaredValueOf(e) : e;
  const listen = value && unparen(value);
  if (!listen || !file.isPkgCall(listen, 'net', ['Listen'])) return false;
  const [network, address] = callParts(listen)?.args ?? [];
  return (!!network && isLocalNetwork(network)) || (!!address && isLoopbackAddress(file, address));
}
