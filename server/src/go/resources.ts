/**
 * The resources LeakLens tracks from acquisition to release: which calls acquire them and how
 * they are released. Ownership (ownership.ts) and the rules build on these.
 */
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { positionOf, type ResourceKind } from './ownership';
import { mentionsOf } from './identifiers';
import { callParts, enclosingFunction, functionBody, typeOf } from './syntax';
import { isVariableOfType } from './varTypes';

export interface Resource extends ResourceKind {
  /** What findings call it: "context", "ticker", "response body". */
  noun: string;
  /** The name a fix gives the variable when the resource was discarded. */
  variable: string;
  /** True when the `defer` a fix adds belongs after the `if err != nil` check that follows the call. */
  afterErrorCheck: boolean;
  /** Names of the acquiring functions or methods: a cheap filter before `acquiredBy`. */
  callees: readonly string[];
  /** True when `call` (named one of `callees`) acquires this resource. */
  acquiredBy(file: GoFile, call: Node): boolean;
  /** Arguments of the releasing call for a resource from `call`, when it takes any: `cancel(nil)` for WithCancelCause. */
  releaseArgs?(file: GoFile, call: Node): string;
}

/** The call that releases the resource `call` returned, held in `v`: `cancel()`, `t.Stop()`, `resp.Body.Close()`. */
export function releaseCall(file: GoFile, resource: Resource, call: Node, v: string): string {
  return `${[v, ...resource.releasePath].join('.')}(${resource.releaseArgs?.(file, call) ?? ''})`;
}

/** context functions that return a CancelFunc (or CancelCauseFunc) as their second result. */
export const CONTEXT_WITH_CANCEL = [
  'WithCancel',
  'WithCancelCause',
  'WithDeadline',
  'WithDeadlineCause',
  'WithTimeout',
  'WithTimeoutCause',
];

/** `a, b := call(…)` and friends: the targets of a multi-value call, or undefined. */
function boundTargets(call: Node): readonly Node[] | undefined {
  const pos = positionOf(call);
  return pos.kind === 'assigned' && pos.right.length === 1 ? pos.left : undefined;
}

/** Selectors applied to the variable `name` in the function around `at`: `resp.Body` -> Body. */
function membersUsed(at: Node, name: string): Set<string> {
  const fn = enclosingFunction(at);
  const body = fn && functionBody(fn);
  const out = new Set<string>();
  if (!body) return out;
  for (const id of mentionsOf(body, name)) {
    const pos = positionOf(id);
    if (pos.kind === 'member') out.add(pos.field);
  }
  return out;
}

/** The last name in a receiver expression: `s.db` -> db, `client` -> client. */
function lastName(expr: Node): string {
  if (typeOf(expr) === 'selector_expression') return expr.childForFieldName('field')?.text ?? '';
  return typeOf(expr) === 'identifier' ? expr.text : '';
}

/**
 * `x.m(…)` with `arity` arguments (-1: any number) and two results bound; with `errorSlot`, that
 * result must be an error (`v, ok := cache.Get(k)` is no HTTP response).
 */
function methodWithTwoResults(
  call: Node,
  methods: ReadonlyMap<string, number>,
  errorSlot?: number,
): { operand: Node; targets: readonly Node[] } | undefined {
  const parts = callParts(call);
  const arity = parts && methods.get(parts.name);
  if (!parts?.operand || arity === undefined || (arity >= 0 && parts.args.length !== arity)) return undefined;
  const targets = boundTargets(call);
  if (targets?.length !== 2 || (errorSlot !== undefined && !/^_$|err/i.test(targets[errorSlot].text))) return undefined;
  return { operand: parts.operand, targets };
}

const anyOf = (set: Set<string>, names: readonly string[]) => names.some((n) => set.has(n));

export const cancelFunc: Resource = {
  noun: 'context',
  variable: 'cancel',
  slot: 1,
  releasePath: [],
  afterErrorCheck: false,
  callees: CONTEXT_WITH_CANCEL,
  acquiredBy: (file, call) => file.isPkgCall(call, 'context', CONTEXT_WITH_CANCEL),
  // WithCancelCause returns a CancelCauseFunc, which takes the cause.
  releaseArgs: (file, call) => (file.isPkgCall(call, 'context', ['WithCancelCause']) ? 'nil' : ''),
};

export const ticker: Resource = {
  noun: 'ticker',
  variable: 'ticker',
  slot: 0,
  releasePath: ['Stop'],
  afterErrorCheck: false,
  callees: ['NewTicker'],
  acquiredBy: (file, call) => file.isPkgCall(call, 'time', ['NewTicker']),
};

export const timer: Resource = {
  noun: 'timer',
  variable: 'timer',
  slot: 0,
  releasePath: ['Stop'],
  afterErrorCheck: false,
  spentByReceiveFrom: 'C',
  callees: ['NewTimer'],
  acquiredBy: (file, call) => file.isPkgCall(call, 'time', ['NewTimer']),
};

const CLIENT_METHODS = new Map([
  ['Do', 1],
  ['Get', 1],
  ['Head', 1],
  ['Post', 3],
  ['PostForm', 2],
]);

/** True for a standard-library package function (io.Copy, json.NewDecoder): they read a body, never close it. */
function isStdlibCall(call: Node, file: GoFile): boolean {
  const parts = callParts(call);
  if (!parts) return false;
  if (parts.name === 'ReadFrom') return true; // bytes.Buffer, bufio.Writer: read, never close
  const q = parts.operand && file.qualifiedName(parts.fn);
  return !!q && !q.pkg.split('/')[0].includes('.');
}

export const responseBody: Resource = {
  noun: 'response body',
  variable: 'resp',
  slot: 0,
  releasePath: ['Body', 'Close'],
  afterErrorCheck: true,
  borrows: isStdlibCall,
  callees: [...CLIENT_METHODS.keys()],
  acquiredBy(file, call) {
    if (file.isPkgCall(call, 'net/http', ['Get', 'Head', 'Post', 'PostForm'])) return true;
    const m = methodWithTwoResults(call, CLIENT_METHODS, 1);
    if (!m) return false;
    // Without types, ask for evidence: an HTTP client receiver or a result used like a response.
    return (
      file.refersTo(m.operand, 'net/http', ['DefaultClient']) ||
      (/client$/i.test(lastName(m.operand)) && !!file.localNameOf('net/http')) ||
      anyOf(membersUsed(call, m.targets[0].text), ['Body', 'StatusCode']) ||
      isVariableOfType(file, m.operand, 'net/http', ['Client'])
    );
  },
};

const QUERY_METHODS = new Map([
  ['Query', -1],
  ['QueryContext', -1],
]);

export const sqlRows: Resource = {
  noun: 'rows',
  variable: 'rows',
  slot: 0,
  releasePath: ['Close'],
  afterErrorCheck: true,
  callees: [...QUERY_METHODS.keys()],
  acquiredBy(file, call) {
    const m = methodWithTwoResults(call, QUERY_METHODS, 1);
    if (!m) return false;
    return (
      /(db|tx|conn|stmt|pool)$/i.test(lastName(m.operand)) ||
      anyOf(membersUsed(call, m.targets[0].text), ['Next', 'Scan']) ||
      isVariableOfType(file, m.operand, 'database/sql', ['DB', 'Tx', 'Conn', 'Stmt'])
    );
  },
};

const TRACER_METHODS = new Map([['Start', -1]]);
const SPAN_METHODS = ['End', 'SetAttributes', 'SetStatus', 'RecordError', 'AddEvent', 'SpanContext'];

export const span: Resource = {
  noun: 'span',
  variable: 'span',
  slot: 1,
  releasePath: ['End'],
  afterErrorCheck: false,
  callees: [...TRACER_METHODS.keys()],
  acquiredBy(file, call) {
    const m = methodWithTwoResults(call, TRACER_METHODS);
    if (!m || (callParts(call)?.args.length ?? 0) < 2) return false;
    const spanVar = m.targets[1].text;
    if (/tracer/i.test(m.operand.text) || callParts(m.operand)?.name === 'Tracer') return true;
    if (anyOf(membersUsed(call, spanVar), SPAN_METHODS)) return true;
    const usesOtel = file.imports.some((i) => i.path.startsWith('go.opentelemetry.io/otel'));
    return usesOtel && !/^err/i.test(spanVar);
  },
};
