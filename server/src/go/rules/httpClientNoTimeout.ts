import { setSecondsFieldFix } from '../compositeEdits';
import { elementValue, literalsMissingFields } from '../composites';
import { contextInScope, contextParamAt } from '../contextScope';
import type { GoFile } from '../file';
import { runByHand } from '../handRun';
import { mentionsBetween } from '../identifiers';
import { assignedTexts } from '../localValues';
import { positionOf } from '../ownership';
import { requestCarriesContext } from '../requestContext';
import type { GoRule } from '../rule';
import { callParts, enclosingFunction, hasType, type Node, typeOf, unparen } from '../syntax';

/**
 * Calls that open a long-lived stream over the client they are given (SPDY and websocket
 * upgrades: spdy.NewDialerForStreaming, NegotiateStreaming): an overall Timeout would cut the stream.
 */
const STREAMING_CALLEE = /Stream|Upgrade|Dialer/;
/** Client methods that build their own request, without a context. */
const SENDS_WITHOUT_CONTEXT = ['Get', 'Head', 'Post', 'PostForm'];

/**
 * What one use of the client does: sends a request that carries a context, or hands the client
 * on together with a context (`bound`), hands it to a streaming upgrade (`streaming`), returns it
 * to the caller, who decides how its requests are bounded (`returned`), configures or reads it
 * (`neutral`), or anything else, from sending a request without a context to storing the client
 * for later (`open`).
 */
type Use = 'bound' | 'streaming' | 'returned' | 'neutral' | 'open';

/**
 * True when a call that is handed the client also gets a context in scope (`hashByRev(ctx, cc, url)`,
 * `context.WithValue(ctx, oauth2.HTTPClient, client)`): it sends the client's requests with it.
 */
function passedWithContext(file: GoFile, call: Node): boolean {
  const contexts = [contextParamAt(file, call), contextInScope(file, call)];
  return (callParts(call)?.args ?? []).some((a) => contexts.includes(unparen(a).text));
}

function useOf(file: GoFile, expr: Node): Use {
  const position = positionOf(expr);
  if (position.kind === 'argument') {
    if (STREAMING_CALLEE.test(callParts(position.call)?.name ?? '')) return 'streaming';
    return passedWithContext(file, position.call) ? 'bound' : 'open';
  }
  if (position.kind === 'returned') return 'returned';
  if (position.kind !== 'member') return 'open';
  const call = positionOf(position.selector);
  if (position.field === 'Do' && call.kind === 'called') {
    const request = callParts(call.call)?.args[0];
    const scope = enclosingFunction(call.call);
    return request && scope && requestCarriesContext(file, scope, request) ? 'bound' : 'open';
  }
  return SENDS_WITHOUT_CONTEXT.includes(position.field) ? 'open' : 'neutral';
}

/** The uses of a client literal: through the local variable it is assigned to, or the literal itself. */
function usesOf(file: GoFile, literal: Node): Use[] {
  const position = positionOf(literal);
  if (position.kind !== 'assigned') return [useOf(file, literal)];
  const target = position.left[position.index];
  const fn = enclosingFunction(literal);
  if (!fn || !hasType(target, 'identifier')) return ['open'];
  return mentionsBetween(fn, target.text, literal.endIndex).map((m) => useOf(file, m));
}

/**
 * True when this function leaves no request through the client waiting forever for want of a
 * Timeout: every request it sends carries a context (NewRequestWithContext, WithContext,
 * req.Cancel), or it only opens a stream whose lifetime the caller manages, or returns the client
 * to a caller that binds its own requests (a library's NewClient).
 */
function boundEachUse(file: GoFile, literal: Node): boolean {
  const uses = usesOf(file, literal);
  return uses.some((u) => u !== 'neutral' && u !== 'open') && uses.every((u) => u !== 'open');
}

/** A `&net.Dialer{Timeout: …}` (or value) literal inside `expr`. */
function hasDialerTimeout(file: GoFile, expr: Node): boolean {
  return expr.descendantsOfType('composite_literal').some((d) => {
    const type = d?.childForFieldName('type');
    return !!d && !!type && file.isPkgType(type, 'net', 'Dialer') && !!elementValue(d, 'Timeout');
  });
}

/**
 * True when the client's Transport is a literal that bounds the wait for a dead or silent server:
 * a ResponseHeaderTimeout, or a dialer with a Timeout plus a TLSHandshakeTimeout. Only a server
 * that stalls later in the exchange can still hold the caller, and such transports are set up on
 * purpose (long downloads and uploads, where an overall Timeout would cut them).
 */
function boundedTransport(file: GoFile, client: Node): boolean {
  let transport = elementValue(client, 'Transport');
  if (transport && clonesDefaultTransport(transport, client)) return true;
  if (transport && typeOf(unparen(transport)) === 'unary_expression') transport = unparen(transport).childForFieldName('operand') ?? undefined;
  const type = transport && typeOf(transport) === 'composite_literal' ? transport.childForFieldName('type') : null;
  if (!transport || !type || !file.isPkgType(type, 'net/http', 'Transport')) return false;
  if (elementValue(transport, 'ResponseHeaderTimeout')) return true;
  const dial = elementValue(transport, 'DialContext') ?? elementValue(transport, 'Dial');
  return !!elementValue(transport, 'TLSHandshakeTimeout') && !!dial && hasDialerTimeout(file, dial);
}

/**
 * `http.DefaultTransport.(*http.Transport).Clone()`, directly or through a variable of the function
 * given only that: a copy of the default transport, whose dialer times out after 30 s and whose TLS
 * handshake after 10 s — a bounded transport like a literal that spells those out.
 */
function clonesDefaultTransport(transport: Node, client: Node): boolean {
  const CLONE = String.raw`\w+\.DefaultTransport\.\(\*\w+\.Transport\)\.Clone\(\)`;
  const t = unparen(transport);
  if (new RegExp(`^${CLONE}$`).test(t.text)) return true;
  if (!hasType(t, 'identifier')) return false;
  const fnText = enclosingFunction(client)?.text ?? '';
  const assigned = assignedTexts(fnText, t.text);
  return assigned.length > 0 && assigned.every((v) => new RegExp(`^${CLONE}$`).test(v));
}

export const httpClientNoTimeout: GoRule = {
  id: 'go/http-client-no-timeout',
  language: 'go',
  title: 'http.Client without a Timeout',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['gosec'],
  triggers: ['Client'],
  scope: {
    tests: { checked: false, why: 'a test talks to servers it started, and its binary is short-lived.' },
  },
  docs: {
    description:
      'An `http.Client` without `Timeout` waits forever for a server that accepts the connection but never answers: the calling goroutine, its connection and everything it holds stay alive. Set `Timeout` to bound the whole exchange, headers and body included. Not flagged: a client whose every request carries a context (built with `NewRequestWithContext`, bound with `WithContext` or `req.Cancel`) or that is handed on together with one (`fetch(ctx, client, url)`, `context.WithValue(ctx, oauth2.HTTPClient, client)`), or that only opens a SPDY or websocket stream, which an overall Timeout would cut; programs run by hand (`//go:build ignore` or `generate` files, code generators that write `DO NOT EDIT` headers). Nor a client returned to the caller (a library\'s `NewClient`: the caller binds its requests), nor one whose `Transport` literal sets `ResponseHeaderTimeout`, or a dialer `Timeout` plus `TLSHandshakeTimeout` (as a clone of `http.DefaultTransport` does): it cannot hang on a dead peer, only on one that stalls later in the exchange, and such transports are set up on purpose for long transfers. Limits: uses are followed through the local variable the client is assigned to; a client stored in a struct or handed to other code is flagged on its literal alone.',
    bad: 'client := &http.Client{Transport: transport}',
    good: 'client := &http.Client{Transport: transport, Timeout: 30 * time.Second}',
  },
  check({ file, index, report }) {
    if (runByHand(file)) return;
    for (const literal of literalsMissingFields(file, index, 'net/http', 'Client', ['Timeout'])) {
      if (boundedTransport(file, literal) || boundEachUse(file, literal)) continue;
      report(literal, 'http.Client without Timeout: a stalled server blocks its callers forever; set Timeout', {
        fix: () => setSecondsFieldFix(file, literal, 'Timeout', 30, 'requests that take longer than 30 seconds, body included, now fail'),
      });
    }
  },
};
