import { callsIgnoringContext } from '../contextScope';
import { replaceNode } from '../edits';
import type { GoFile } from '../file';
import { mentionsBetween } from '../identifiers';
import { boundResult, positionOf } from '../ownership';
import { CONTEXT_WITH_CANCEL } from '../resources';
import type { GoRule } from '../rule';
import { callParts, enclosingFunction, functionBody, hasType, ifParts, isFunctionNode, type Node, parametersOf, parentOf, typeOf } from '../syntax';
import { mentionsWord } from '../words';

/** `ctx == context.Background()` asks about the context rather than starting work with a new one. */
function isComparison(call: Node): boolean {
  const parent = parentOf(call);
  const op = hasType(parent, 'binary_expression') ? parent.childForFieldName('operator')?.text : undefined;
  return op === '==' || op === '!=';
}

/**
 * A deliberate detachment: the new context goes into a composite literal that also keeps the
 * received one (`&valuesOnly{Context: context.Background(), values: ctx}`), a context that takes
 * the caller's values but not its cancellation.
 */
function detachedBeside(call: Node, ctxName: string): boolean {
  if (positionOf(call).kind !== 'element') return false;
  let literal = parentOf(call);
  while (literal && !hasType(literal, 'composite_literal')) literal = parentOf(literal);
  return !!literal && mentionsWord(literal.text, ctxName);
}

const HANDED_ON = new Set(['argument', 'returned', 'element', 'sent', 'assigned']);

/**
 * A mention of a cancel func that gives it away: passed, returned, stored or sent, or used by a
 * closure that is (or that a goroutine runs); a deferred or immediately called closure keeps it.
 */
function givenAway(id: Node, fn: Node): boolean {
  if (HANDED_ON.has(positionOf(id).kind)) return true;
  const lit = enclosingFunction(id);
  if (!lit || lit.id === fn.id) return false;
  const pos = positionOf(lit);
  if (pos.kind === 'called') return hasType(parentOf(pos.call), 'go_statement');
  return HANDED_ON.has(pos.kind);
}

/**
 * A new root on purpose: `context.WithCancel(context.Background())` whose cancel is handed on (to a
 * cleanup hook, a struct, the caller, a goroutine): that context's lifetime is managed elsewhere
 * and must outlive the call that received ctx, which would end it.
 */
function ownedRoot(file: GoFile, call: Node): boolean {
  const pos = positionOf(call);
  if (pos.kind !== 'argument' || !file.isPkgCall(pos.call, 'context', CONTEXT_WITH_CANCEL)) return false;
  const cancel = boundResult(pos.call, 1)?.target;
  const fn = enclosingFunction(call);
  const body = fn && functionBody(fn);
  if (!cancel || typeOf(cancel) !== 'identifier' || cancel.text === '_' || !body) return false;
  return mentionsBetween(body, cancel.text, cancel.endIndex).some((id) => givenAway(id, fn));
}

/** `if ctx == nil { ctx = context.Background() }`: the fallback for a caller that passed none. */
function nilFallback(call: Node, ctxName: string): boolean {
  for (let child: Node = call, p = parentOf(call); p && !isFunctionNode(p); child = p, p = parentOf(p)) {
    if (!hasType(p, 'if_statement')) continue;
    const { condition, consequence, alternative } = ifParts(p);
    const test = condition?.text.replace(/\s+/g, '');
    if ((test === `${ctxName}==nil` && child.id === consequence?.id) || (test === `${ctxName}!=nil` && child.id === alternative?.id)) return true;
  }
  return false;
}

/**
 * Work in a cleanup callback (`t.Cleanup(func() {…})`, ginkgo's `DeferCleanup`): it runs after the
 * received context is done (t.Context() is cancelled before cleanups run), so it needs a new one.
 */
function inCleanup(call: Node): boolean {
  for (let p = parentOf(call); p; p = parentOf(p)) {
    if (!hasType(p, 'func_literal')) continue;
    if (parametersOf(p).length > 0) return false;
    const pos = positionOf(p);
    return pos.kind === 'argument' && /^(Cleanup|DeferCleanup)$/.test(callParts(pos.call)?.name ?? '');
  }
  return false;
}

/**
 * Work after the received context is done (`<-ctx.Done()` earlier in the block, or in a
 * `case <-ctx.Done():`): a shutdown or cleanup that the cancelled context would abort at once.
 */
function afterDone(call: Node, ctxName: string): boolean {
  const done = new RegExp(`^(case\\s*)?<-\\s*${ctxName}\\.Done\\(\\)\\s*:?$`);
  for (let n: Node | null = call; n && !isFunctionNode(n); n = parentOf(n)) {
    if (hasType(n, 'communication_case') && done.test(n.childForFieldName('communication')?.text.replace(/\s+/g, '') ?? '')) return true;
    for (let s = n.previousNamedSibling; s; s = s.previousNamedSibling) if (hasType(s, 'expression_statement') && done.test(s.text.replace(/\s+/g, ''))) return true;
  }
  return false;
}

export const contextBackground: GoRule = {
  id: 'go/context-background',
  language: 'go',
  title: 'context.Background() where a context is available',
  defaultSeverity: 'info',
  fixable: true,
  peerNames: ['contextcheck'],
  scope: {
    tests: { checked: true, why: 'work a test starts on a fresh context ignores the test\'s deadline and cancellation, and runs on after the test gave up.' },
  },
  triggers: ['Background', 'TODO'],
  alsoRequires: ['Context'],
  docs: {
    description:
      'A function that receives a context and starts work with `context.Background()` or `context.TODO()` cuts that work loose: cancellation and deadlines of the caller no longer reach it, so it runs on (and holds what it holds) after everyone stopped waiting. Pass the parameter on instead. Not flagged: a comparison with `context.Background()`, the fallback for a nil ctx (`if ctx == nil { ctx = context.Background() }`), work in a cleanup callback (`t.Cleanup`, `DeferCleanup`: it runs after the received context is done) or after `<-ctx.Done()` (a shutdown the cancelled context would abort), a new context placed in a composite literal beside the received one (a type that keeps the caller\'s values but not its cancellation), and a new root `context.WithCancel(context.Background())` whose cancel is handed on (to a cleanup hook, a struct, the caller): a lifetime managed on purpose beyond the call.',
    bad: 'func (s *Store) Load(ctx context.Context, id string) (*Item, error) {\n\treturn s.db.Get(context.Background(), id)\n}',
    good: 'func (s *Store) Load(ctx context.Context, id string) (*Item, error) {\n\treturn s.db.Get(ctx, id)\n}',
  },
  check(ctx) {
    for (const { call, ctxName } of callsIgnoringContext(ctx, 'context', ['Background', 'TODO'])) {
      if (isComparison(call) || detachedBeside(call, ctxName) || ownedRoot(ctx.file, call) || nilFallback(call, ctxName) || inCleanup(call) || afterDone(call, ctxName)) continue;
      const name = callParts(call)?.name;
      ctx.report(call, `context.${name}() in a function that receives ${ctxName}: pass ${ctxName} so cancellation reaches this work`, {
        fix: () => ({ title: `Use ${ctxName}`, preferred: true, edits: [replaceNode(call, ctxName)] }),
      });
    }
  },
};
