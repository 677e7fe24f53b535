/**
 * The resources LeakLens tracks from acquisition to release: which calls acquire them and how
 * they are released. Ownership (ownership.ts) and the rules build on these.
 */
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { isReceived, positionOf, type Companion, type ResourceKind } from './ownership';
import { lastAssignmentTarget, mentionsOf } from './identifiers';
import { CONTEXT_EXPIRING, CONTEXT_WITH_CANCEL, RESOURCE_TYPES, type DeclaredResource } from './resourceTypes';
import { callParts, enclosingFunction, enclosingLoop, enclosingStatement, expressionsOf, functionBody, parentOf, typeOf, unparen } from './syntax';
import { declaredTypeOf, isVariableOfType } from './varTypes';
import { trailingWord } from './words';

export { CONTEXT_WITH_CANCEL };

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
  /** The resource as a declared result type: same-package functions returning it acquire it too (packageIndex.ts). */
  declared?: DeclaredResource;
  /**
   * True when what `call` acquired needs no release here after all: something else releases it (the
   * parent context the function cancels, the request's context), or it holds nothing to release (the
   * response to a HEAD request). Asked only of acquisitions found leaking: it costs more than the walk.
   */
  needsNoRelease?(file: GoFile, call: Node): boolean;
}

/** The call that releases the resource `call` returned, held in `v`: `cancel()`, `t.Stop()`, `resp.Body.Close()`. */
export function releaseCall(file: GoFile, resource: Resource, call: Node, v: string): string {
  return `${[v, ...resource.releasePath].join('.')}(${resource.releaseArgs?.(file, call) ?? ''})`;
}

/** `a, b := call(…)` and friends: the targets of a multi-value call, or undefined. */
function boundTargets(call: Node): readonly Node[] | undefined {
  const pos = positionOf(call);
  return pos.kind === 'assigned' && pos.right.length === 1 ? pos.left : undefined;
}

/** The variable result `slot` of a two-result `call` is bound to, when it is a named variable. */
function boundName(call: Node, slot: number): string | undefined {
  const targets = boundTargets(call);
  const t = targets?.length === 2 ? targets[slot] : undefined;
  return t && typeOf(t) === 'identifier' && t.text !== '_' ? t.text : undefined;
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
 * What the variable `name` was last assigned before the statement holding `at`, in its function:
 * the value and, for `a, b := f()`, the variable's place among the targets.
 */
function lastAssigned(name: string, at: Node): { value: Node; index: number; targets: readonly Node[] } | undefined {
  const fn = enclosingFunction(at);
  const body = fn && functionBody(fn);
  if (!body) return undefined;
  const id = lastAssignmentTarget(body, name, (enclosingStatement(at) ?? at).startIndex);
  const stmt = id && parentOf(parentOf(id));
  if (!stmt) return undefined;
  const targets = expressionsOf(stmt.childForFieldName('left'));
  const index = targets.findIndex((t) => t.id === id.id);
  const values = expressionsOf(stmt.childForFieldName('right'));
  const value = values.length === targets.length ? values[index] : values.length === 1 ? values[0] : undefined;
  return value ? { value: unparen(value), index, targets } : undefined;
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

/** A mention that calls the variable (`cancel()`, `defer cancel()`) releases what it guards. */
const calledReleases = (id: Node): 'release' | 'none' => (positionOf(id).kind === 'called' ? 'release' : 'none');

// ---------------------------------------------------------------------------------------------
// Contexts

/** `<-ctx.Done()`, `case <-ctx.Done():`: the context is done, so it has been released. */
function receivesDone(id: Node): 'release' | 'none' {
  const pos = positionOf(id);
  if (pos.kind !== 'member' || pos.field !== 'Done') return 'none';
  const call = positionOf(pos.selector);
  return call.kind === 'called' && isReceived(call.call) ? 'release' : 'none';
}

/** A context created already expired (`WithTimeout(ctx, 0)`, `WithDeadline(ctx, time.Now())`) or from a nil parent (it panics). */
function neverLives(file: GoFile, call: Node): boolean {
  const [parent, limit] = callParts(call)?.args ?? [];
  if (parent && typeOf(unparen(parent)) === 'nil') return true;
  if (!limit || !file.isPkgCall(call, 'context', CONTEXT_EXPIRING)) return false;
  const isNegative = (n: Node) => typeOf(n) === 'unary_expression' && n.childForFieldName('operator')?.text === '-';
  const d = unparen(limit);
  if (d.text === '0' || isNegative(d)) return true;
  // time.Now(), time.Now().Add(-d): a deadline that has passed.
  if (file.isPkgCall(d, 'time', ['Now'])) return true;
  const parts = callParts(d);
  const base = parts?.operand && unparen(parts.operand);
  return parts?.name === 'Add' && !!base && file.isPkgCall(base, 'time', ['Now']) && !!parts.args[0] && isNegative(unparen(parts.args[0]));
}

/** True when `call` and the statement `other` run in the same iteration of the same loops of their function. */
function sameIteration(call: Node, other: Node): boolean {
  return (enclosingLoop(call)?.id ?? -1) === (enclosingLoop(other)?.id ?? -1);
}

/**
 * The parent context is released by something this function owns: a context it derived itself
 * and holds the cancel of (in the same loop iteration; that cancel gets its own check), or an
 * HTTP request's context, which net/http cancels when the handler returns.
 */
function parentReleased(file: GoFile, call: Node): boolean {
  const parent = callParts(call)?.args[0];
  const p = parent && unparen(parent);
  if (!p) return false;
  if (isRequestContext(file, p, call)) return true;
  if (typeOf(p) !== 'identifier') return false;
  const bound = lastAssigned(p.text, call);
  if (!bound || bound.index !== 0 || typeOf(bound.value) !== 'call_expression' || !cancelFunc.acquiredBy(file, bound.value)) return false;
  const cancel = bound.targets[1];
  return !!cancel && typeOf(cancel) === 'identifier' && cancel.text !== '_' && sameIteration(call, bound.value);
}

/** `r.Context()` of an *http.Request, through the variables it was assigned to or derived into, or a context parameter beside one. */
function isRequestContext(file: GoFile, expr: Node, at: Node, depth = 0): boolean {
  const parts = typeOf(expr) === 'call_expression' ? callParts(expr) : undefined;
  if (parts?.operand && parts.name === 'Context' && parts.args.length === 0) return isVariableOfType(file, parts.operand, 'net/http', ['Request']);
  if (typeOf(expr) !== 'identifier' || depth > 8) return false;
  const bound = lastAssigned(expr.text, at);
  if (!bound) return isContextBesideRequest(file, expr.text, at);
  // `ctx := r.Context()`, or `ctx = wrap(ctx)`: derived from what it held before.
  if (isRequestContext(file, bound.value, bound.value, depth + 1)) return true;
  const derived = callParts(bound.value)?.args.some((a) => unparen(a).text === expr.text);
  return !!derived && isRequestContext(file, expr, bound.value, depth + 1);
}

/** A context.Context parameter of a function that also receives an *http.Request: the handler's context. */
function isContextBesideRequest(file: GoFile, name: string, at: Node): boolean {
  const params = enclosingFunction(at)?.childForFieldName('parameters');
  const type = declaredTypeOf(name, at);
  if (!params || !type || !file.isPkgType(type, 'context', 'Context')) return false;
  return params.descendantsOfType('qualified_type').some((t) => !!t && file.isPkgType(t, 'net/http', 'Request'));
}

export const cancelFunc: Resource = {
  noun: 'context',
  variable: 'cancel',
  slot: 1,
  releasePath: RESOURCE_TYPES.cancel.releasePath,
  afterErrorCheck: false,
  callees: CONTEXT_WITH_CANCEL,
  declared: 'cancel',
  acquiredBy: (file, call) => file.isPkgCall(call, 'context', CONTEXT_WITH_CANCEL) && !neverLives(file, call),
  // WithCancelCause returns a CancelCauseFunc, which takes the cause.
  releaseArgs: (file, call) => (file.isPkgCall(call, 'context', ['WithCancelCause']) ? 'nil' : ''),
  companions(call) {
    const ctx = boundName(call, 0);
    return ctx ? [{ name: ctx, use: receivesDone }] : [];
  },
  needsNoRelease: parentReleased,
};

// ---------------------------------------------------------------------------------------------
// Timers

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

// ---------------------------------------------------------------------------------------------
// HTTP responses

const CLIENT_METHODS = new Map([
  ['Do', 1],
  ['Get', 1],
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

/**
 * Reading a body to its end (io.ReadAll, io.Copy, httputil.DumpResponse with the body) releases
 * the connection whatever the outcome: at EOF net/http returns it to the pool, on a read error it
 * closes it. Close is still good manners; the connection does not leak.
 */
function drainsBody(call: Node, arg: Node, file: GoFile): boolean {
  const args = callParts(call)?.args ?? [];
  const at = args.findIndex((a) => unparen(a).id === unparen(arg).id);
  const body = typeOf(unparen(arg)) === 'selector_expression' && trailingWord(arg.text) === 'Body';
  if (body && at === 0 && (file.isPkgCall(call, 'io', ['ReadAll']) || file.isPkgCall(call, 'io/ioutil', ['ReadAll']))) return true;
  if (body && at === 1 && file.isPkgCall(call, 'io', ['Copy', 'CopyBuffer'])) return true;
  return !body && at === 0 && file.isPkgCall(call, 'net/http/httputil', ['DumpResponse']) && args[1]?.text === 'true';
}

/**
 * `c.Do(req)` with req made for the HEAD method. Its response has no body, and net/http returns
 * the connection by itself (which is why `http.Head` and `c.Head` are no acquisitions either).
 */
function isHeadRequest(file: GoFile, call: Node): boolean {
  const parts = callParts(call);
  const req = parts?.name === 'Do' && parts.args[0] ? unparen(parts.args[0]) : undefined;
  const made = req && typeOf(req) === 'identifier' ? lastAssigned(req.text, call)?.value : req;
  if (!made || !file.isPkgCall(made, 'net/http', ['NewRequest', 'NewRequestWithContext'])) return false;
  const args = callParts(made)?.args ?? [];
  const method = args[callParts(made)?.name === 'NewRequest' ? 0 : 1];
  return !!method && (unparen(method).text === '"HEAD"' || file.refersTo(unparen(method), 'net/http', ['MethodHead']));
}

export const responseBody: Resource = {
  noun: 'response body',
  variable: 'resp',
  slot: 0,
  releasePath: RESOURCE_TYPES.response.releasePath,
  afterErrorCheck: true,
  borrows: isStdlibCall,
  drains: drainsBody,
  callees: RESOURCE_TYPES.response.acquiredBy,
  declared: 'response',
  needsNoRelease: isHeadRequest,
  acquiredBy(file, call) {
    if (file.isPkgCall(call, 'net/http', ['Get', 'Post', 'PostForm'])) return true;
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

// ---------------------------------------------------------------------------------------------
// sql.Rows

const QUERY_METHODS = new Map([
  ['Query', -1],
  ['QueryContext', -1],
]);

/** `tx.Rollback()`, `tx.Commit()`: ending a transaction closes the rows of its queries. */
function endsTransaction(id: Node): 'release' | 'none' {
  const pos = positionOf(id);
  return pos.kind === 'member' && (pos.field === 'Rollback' || pos.field === 'Commit') && positionOf(pos.selector).kind === 'called' ? 'release' : 'none';
}

/**
 * Who else releases a query's rows: the transaction it ran on (directly, or through a statement
 * prepared on it) ends them, and database/sql closes rows when their context is cancelled.
 */
function rowsCompanions(call: Node): Companion[] {
  const parts = callParts(call);
  const out: Companion[] = [];
  const operand = parts?.operand && unparen(parts.operand);
  if (operand && typeOf(operand) === 'identifier') {
    out.push({ name: operand.text, use: endsTransaction });
    const prepared = lastAssigned(operand.text, call)?.value;
    const from = prepared && callParts(prepared);
    const tx = from?.operand && unparen(from.operand);
    if (from && /^(Prepare|PrepareContext|Stmt|StmtContext)$/.test(from.name) && tx && typeOf(tx) === 'identifier') out.push({ name: tx.text, use: endsTransaction });
  }
  const ctx = parts?.name === 'QueryContext' && parts.args[0] ? unparen(parts.args[0]) : undefined;
  const derived = ctx && typeOf(ctx) === 'identifier' ? lastAssigned(ctx.text, call) : undefined;
  const cancel = derived?.index === 0 && typeOf(derived.value) === 'call_expression' ? derived.targets[1] : undefined;
  if (cancel && typeOf(cancel) === 'identifier' && cancel.text !== '_') out.push({ name: cancel.text, use: calledReleases });
  return out;
}

export const sqlRows: Resource = {
  noun: 'rows',
  variable: 'rows',
  slot: 0,
  releasePath: RESOURCE_TYPES.rows.releasePath,
  afterErrorCheck: true,
  exhaustedBy: 'Next',
  callees: RESOURCE_TYPES.rows.acquiredBy,
  declared: 'rows',
  companions: rowsCompanions,
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

// ---------------------------------------------------------------------------------------------
// Spans

const TRACER_METHODS = new Map([['Start', -1]]);
const SPAN_METHODS = ['End', 'SetAttributes', 'SetStatus', 'RecordError', 'AddEvent', 'SpanContext'];

/**
 * The context a span was started in carries it: returned (also inside a context derived from it:
 * `return context.WithValue(ctx, k, v)`, `return inject(context.WithValue(ctx, k, v))`) or
 * stored, whoever takes it may end the span.
 */
function carriesSpan(file: GoFile, id: Node): 'handoff' | 'none' {
  const pos = positionOf(id);
  if (pos.kind === 'returned' || pos.kind === 'element' || pos.kind === 'sent') return 'handoff';
  if (pos.kind === 'argument' && file.qualifiedName(callParts(pos.call)?.fn ?? pos.call)?.pkg === 'context') {
    const derived = positionOf(pos.call);
    if (derived.kind === 'returned' || (derived.kind === 'argument' && positionOf(derived.call).kind === 'returned')) return 'handoff';
  }
  if (pos.kind !== 'assigned') return 'none';
  const target = pos.left.length === pos.right.length ? pos.left[pos.index] : undefined;
  return target && (typeOf(target) === 'selector_expression' || typeOf(target) === 'index_expression') ? 'handoff' : 'none';
}

/** Options of an SDK tracer provider that send spans somewhere: without one, a span is recorded nowhere. */
const SPAN_PROCESSORS = /\b(WithSpanProcessor|WithBatcher|WithSyncer)\b/;

/**
 * The span comes from a tracer provider made in this function without a span processor
 * (`sdktrace.NewTracerProvider(sdktrace.WithSampler(…)).Tracer(name)`): nothing records or
 * exports its spans, ended or not — tests of the SDK's own bookkeeping do this.
 */
function recordedNowhere(_file: GoFile, call: Node): boolean {
  const operand = callParts(call)?.operand;
  const tracer = operand && typeOf(operand) === 'identifier' ? lastAssigned(operand.text, call)?.value : operand;
  const fromTracer = tracer && callParts(tracer);
  if (fromTracer?.name !== 'Tracer' || !fromTracer.operand) return false;
  let provider: Node | undefined = unparen(fromTracer.operand);
  if (typeOf(provider) === 'identifier') provider = lastAssigned(provider.text, call)?.value;
  const made = provider && callParts(provider);
  return made?.name === 'NewTracerProvider' && !SPAN_PROCESSORS.test(made.call.text);
}

export const span: Resource = {
  noun: 'span',
  variable: 'span',
  slot: 1,
  releasePath: RESOURCE_TYPES.span.releasePath,
  afterErrorCheck: false,
  callees: RESOURCE_TYPES.span.acquiredBy,
  declared: 'span',
  companions(call, file) {
    const ctx = boundName(call, 0);
    return ctx ? [{ name: ctx, use: (id) => carriesSpan(file, id) }] : [];
  },
  needsNoRelease: recordedNowhere,
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

