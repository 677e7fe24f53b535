import type { Fix, TextEdit } from '../../engine/types';
import { freeName, insertLinesAfter, insertLinesBefore, replaceNode } from '../edits';
import { mentionsWord } from '../words';
import type { GoFile } from '../file';
import { goFileTraits } from '../fileTraits';
import { packageIndexOf } from '../packageIndex';
import { declarationScope, iterationExits, type LeakPoint } from '../ownership';
import { checkResource, calleeText, type Acquired } from '../resourceRule';
import { cancelFunc, releaseCall } from '../resources';
import { CONTEXT_EXPIRING } from '../resourceTypes';
import type { GoRule, GoRuleContext } from '../rule';
import { callParts, enclosingLoop, expressionsOf, hasType, type Node, parentOf, statementsOf, typeOf } from '../syntax';

/**
 * In test code, a function of the package that returns only a timeout or deadline context's cancel:
 * the context is freed by its timer within the test binary's short life. (A direct WithTimeout call
 * stays reported, as go vet reports it.)
 */
function expiresInTest(file: GoFile, call: Node): boolean {
  if (!goFileTraits(file.path, file.imports).testCode) return false;
  const parts = callParts(call);
  if (!parts || parts.operand) return false;
  const decl = packageIndexOf(file).wrapper('cancel', parts.name, false, parts.args.length);
  return !!decl && decl.sources.length > 0 && decl.sources.every((s) => CONTEXT_EXPIRING.includes(s.name));
}

/**
 * Names the cancel func where it is discarded: `ctx, _ :=` becomes `ctx, cancel :=`; `ctx, _ =`
 * becomes `ctx, cancel :=` when every other variable it assigns was declared in the same block
 * (so `:=` reuses them), else `var cancel context.CancelFunc` goes before it.
 */
function nameCancel(ctx: GoRuleContext, { call, own }: Acquired): { name: string; edits: TextEdit[] } | undefined {
  const b = own.binding!;
  if (b.target.text !== '_') return { name: b.target.text, edits: [] };
  const name = freeName(ctx.decl, 'cancel');
  const edits = [replaceNode(b.target, name)];
  if (b.declares) return { name, edits };
  const block = parentOf(parentOf(b.stmt));
  const others = expressionsOf(b.stmt.childForFieldName('left')).filter((t) => t.id !== b.target.id && t.text !== '_');
  // Nodes are compared by id: the same node may come back as another object.
  const sameBlock = others.every((t) => {
    const scope = typeOf(t) === 'identifier' ? declarationScope(t.text, b.stmt) : undefined;
    return typeof scope === 'object' && scope.id === block?.id;
  });
  const operator = b.stmt.children.find((c) => hasType(c, '='));
  if (sameBlock && operator) return { name, edits: [...edits, replaceNode(operator, ':=')] };
  const pkg = ctx.file.localNameOf('context');
  const type = ctx.file.isPkgCall(call, 'context', ['WithCancelCause']) ? 'CancelCauseFunc' : 'CancelFunc';
  if (!pkg && !ctx.file.hasDotImport('context')) return undefined;
  return { name, edits: [...edits, insertLinesBefore(ctx.file, b.stmt, [`var ${name} ${pkg ? `${pkg}.` : ''}${type}`])] };
}

/** The context variable the call binds (`ctx` in `ctx, cancel := …`), when it is one. */
function contextName({ own }: Acquired): string | undefined {
  const first = expressionsOf(own.binding!.stmt.childForFieldName('left'))[0];
  return first && typeOf(first) === 'identifier' && first.text !== '_' ? first.text : undefined;
}

/**
 * `cancel()` where a path leaves the loop iteration without it: before each `return`, `break` and
 * `continue` that does, and at the end of the body when control falls off it. Cancelling before a
 * return or an assignment that still reads the context changes what it computes.
 */
function iterationEdits(ctx: GoRuleContext, found: Acquired, loop: Node, release: string): { edits: TextEdit[]; readsContext?: string } | undefined {
  const b = found.own.binding!;
  const exits = iterationExits(ctx.file, b.stmt, loop, b.target.text === '_' ? '' : b.target.text, found.resource);
  if (exits.length === 0) return undefined;
  const ctxName = contextName(found);
  const edits: TextEdit[] = [];
  let readsContext: string | undefined;
  for (const exit of exits) {
    const at = insertionPoint(exit);
    if (!at) return undefined;
    if (at.before && ctxName && exit.how !== 'jump' && mentionsWord(at.before.text, ctxName)) readsContext ??= at.before.text.split('\n')[0];
    edits.push(at.before ? insertLinesBefore(ctx.file, at.before, [release]) : insertLinesAfter(ctx.file, at.after!, [release]));
  }
  return { edits, readsContext };
}

/** Where `cancel()` goes for one exit: before the statement that leaves, or after the last statement of the block it falls off. */
function insertionPoint(exit: LeakPoint): { before?: Node; after?: Node } | undefined {
  if (exit.stmt) return hasType(parentOf(exit.stmt), 'statement_list') ? { before: exit.stmt } : undefined;
  const last = exit.block ? statementsOf(exit.block).at(-1) : undefined;
  return last ? { after: last } : undefined;
}

/**
 * Every lost cancel gets a fix: the cancel func named where it was discarded, then `defer
 * cancel()` right after the call — or, in a loop, `cancel()` wherever the iteration ends without
 * it. Marked as changing behaviour when the context may still be in use after the release: handed
 * to a goroutine or a caller, or read by the statement the release goes before.
 */
function cancelFix(ctx: GoRuleContext, found: Acquired): Fix | undefined {
  const b = found.own.binding;
  if (!b || !hasType(parentOf(b.stmt), 'statement_list')) return undefined;
  const named = nameCancel(ctx, found);
  if (!named) return undefined;
  const release = releaseCall(ctx.file, found.resource, found.call, named.name);
  const loop = enclosingLoop(b.stmt);
  let edits: TextEdit[];
  let changesBehavior: string | undefined;
  let title: string;
  if (loop) {
    const at = iterationEdits(ctx, found, loop, release);
    if (!at) return undefined;
    edits = at.edits;
    title = `Call ${release} wherever the loop iteration ends`;
    if (at.readsContext) changesBehavior = `the context is cancelled before \`${at.readsContext}\` reads it`;
  } else {
    edits = [insertLinesAfter(ctx.file, b.stmt, [`defer ${release}`])];
    title = `Add defer ${release}`;
  }
  if (b.handedOn || b.inClosure) changesBehavior ??= 'the context is now cancelled while code it was handed to (a goroutine, a caller) may still use it';
  if (b.target.text === '_') title = `Name it ${named.name}; ${title[0].toLowerCase()}${title.slice(1)}`;
  return { title, preferred: !changesBehavior, edits: [...named.edits, ...edits], ...(changesBehavior ? { changesBehavior } : {}) };
}

export const lostCancel: GoRule = {
  id: 'go/lost-cancel',
  language: 'go',
  title: 'Context cancel function not called',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['govet'],
  scope: {
    tests: { checked: true, why: 'each test that loses a cancel leaves its context (and its timer) registered with the parent for the rest of the test binary.' },
  },
  triggers: cancelFunc.callees,
  packageTriggers: (pkg) => pkg.wrapperNames('cancel'),
  docs: {
    description:
      'context.WithCancel, WithTimeout and WithDeadline (and their Cause variants) return a cancel function that releases the context: its goroutine registration with the parent, its timer and its Done channel. If some path returns without calling it — `_` discards it, one branch forgets it, an early `return` comes before `defer cancel()`, a new context overwrites it — the context lives until its parent is cancelled, which for a server-wide parent is never. A function of the same package that returns a `context.CancelFunc` it got from the context package counts like the standard call. Not flagged: a cancel handed on (returned, stored, passed, called by a closure kept elsewhere), a path on which the context is already done (`<-ctx.Done()`), a context derived from one this function cancels or from an HTTP request\'s context (released when the handler returns), a deadline already past, in test code, a timeout or deadline context from a function of the package (its timer frees it within the test binary\'s life; a direct `WithTimeout` stays reported, as go vet reports it), and the context package\'s own tests. The fix names a discarded cancel and adds `defer cancel()` — in a loop, `cancel()` wherever an iteration ends without it.',
    bad: 'func fetch(ctx context.Context, id string) error {\n\tctx, _ = context.WithTimeout(ctx, time.Second)\n\treturn load(ctx, id)\n}',
    good: 'func fetch(ctx context.Context, id string) error {\n\tctx, cancel := context.WithTimeout(ctx, time.Second)\n\tdefer cancel()\n\treturn load(ctx, id)\n}',
  },
  check(ctx) {
    checkResource(ctx, {
      resource: cancelFunc,
      fix: cancelFix,
      reportable: (call) => !expiresInTest(ctx.file, call),
      message: (call, state) =>
        state === 'discarded'
          ? `the cancel function returned by ${calleeText(call)} is discarded: the context is released only when its parent is cancelled`
          : `the cancel function returned by ${calleeText(call)} is not called on every path: a path that returns without it leaks the context`,
    });
  },
};
