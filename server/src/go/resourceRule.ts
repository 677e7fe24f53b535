/**
 * The check every resource rule runs: find the acquiring calls (the standard ones and the
 * package's own functions that return the resource), ask ownership.ts who owns the result, report
 * leaks with the paths that leak them, and offer `defer <release>` where that is a safe fix.
 */
import type { Node } from 'web-tree-sitter';
import type { Fix, RelatedLocation } from '../engine/types';
import { freeName, insertLinesAfter, replaceNode } from './edits';
import type { GoFile } from './file';
import { analyzeOwnership, positionOf, type LeakPoint, type Ownership } from './ownership';
import { packageIndexOf, type PackageIndex } from './packageIndex';
import { releaseCall, type Resource } from './resources';
import type { GoRuleContext } from './rule';
import { callParts, enclosingLoop, hasType, parentOf, typeOf, unparen } from './syntax';

export interface ResourceCheck {
  resource: Resource;
  /** The finding's message: `call` discarded its resource or leaks it on some path. */
  message(call: Node, state: 'discarded' | 'leaks', file: GoFile): string;
  /** Extra condition for reporting (timers: only when raced in a select). */
  reportable?(call: Node, ownership: Ownership): boolean;
  /** The fix for a finding, when the rule has its own (else `defer <release>` where safe). */
  fix?(ctx: GoRuleContext, acquired: Acquired): Fix | undefined;
}

/** An acquisition found: the call, the resource as that call returns it (its result slot), and who owns it. */
export interface Acquired {
  call: Node;
  resource: Resource;
  own: Ownership;
}

/** The callee as written, for messages: `context.WithTimeout`, `s.client.Do`. */
export function calleeText(call: Node): string {
  const fn = call.childForFieldName('function');
  const text = fn?.text.replace(/\s+/g, '') ?? 'call';
  return text.length > 40 ? `…${text.slice(-39)}` : text;
}

/**
 * `defer <release>` right after the acquisition (after its `if err != nil` check), naming a
 * discarded `_` first. Offered only when it cannot change behaviour: the resource is never handed
 * on nor used by a closure (a goroutine may still need it), and the statement is not in a loop
 * (a defer there would wait for the function to return).
 */
function deferReleaseFix(ctx: GoRuleContext, { call, resource, own }: Acquired): Fix | undefined {
  const b = own.binding;
  if (!b || b.handedOn || b.inClosure || !hasType(parentOf(b.stmt), 'statement_list') || enclosingLoop(b.stmt)) return undefined;
  if (b.errCheck && b.errCheck.failure !== 'consequence') return undefined;
  // resp.Body.Close() on a failed call would dereference nil: only after the error check.
  if (resource.afterErrorCheck && !b.errCheck) return undefined;
  const edits = [];
  let name = b.target.text;
  if (name === '_') {
    if (!b.declares) return undefined;
    name = freeName(ctx.decl, resource.variable);
    edits.push(replaceNode(b.target, name));
  }
  const after = resource.afterErrorCheck && b.errCheck ? b.errCheck.stmt : b.stmt;
  // A path that leaks before the defer would run (an else branch of the error check that returns) keeps leaking.
  const { row, column } = after.endPosition;
  if (own.leaks.some(({ range: { start } }) => start.line < row || (start.line === row && start.character < column))) return undefined;
  const release = `defer ${releaseCall(ctx.file, resource, call, name)}`;
  edits.push(insertLinesAfter(ctx.file, after, [release]));
  const title = b.target.text === '_' ? `Name it ${name} and add ${release}` : `Add ${release}`;
  return { title, preferred: true, edits };
}

/**
 * The resource `call` acquires, with the result slot that holds it: a standard acquisition, or a
 * call of a function of the package whose declaration returns the resource (`s.fetch(url)`).
 */
function acquisition(file: GoFile, call: Node, resource: Resource, pkg: PackageIndex | undefined): Resource | undefined {
  if (resource.acquiredBy(file, call)) return resource;
  const parts = pkg && resource.declared ? callParts(call) : undefined;
  if (!parts) return undefined;
  const operand = parts.operand && unparen(parts.operand);
  // `pkg.F(…)` of an imported package is not this package's F.
  if (operand && typeOf(operand) === 'identifier' && file.importPathOf(operand.text)) return undefined;
  const decl = pkg!.wrapper(resource.declared!, parts.name, !!operand, parts.args.length);
  if (!decl) return undefined;
  // The results must line up; a method (matched by name only: another type may have one of that
  // name) must be bound to as many variables as the declaration has results.
  const pos = positionOf(call);
  const bound = pos.kind === 'assigned' && pos.right.length === 1 ? pos.left.length : undefined;
  if (bound !== undefined && bound > 1 && bound !== decl.results) return undefined;
  if (operand && decl.results > 1 && bound !== decl.results) return undefined;
  return { ...resource, slot: decl.slot };
}

const LEAK_MESSAGES: Record<LeakPoint['how'], (noun: string) => string> = {
  return: (noun) => `this return leaks the ${noun}`,
  jump: (noun) => `this jump leaves the ${noun} behind`,
  overwrite: (noun) => `this assignment overwrites the ${noun} before it is released`,
  end: (noun) => `the ${noun} leaks when control reaches here`,
};

export function checkResource(ctx: GoRuleContext, check: ResourceCheck): void {
  const { file, index, report } = ctx;
  const { resource } = check;
  const pkg = resource.declared ? packageIndexOf(file) : undefined;
  const wrappers = pkg && resource.declared ? pkg.wrapperNames(resource.declared) : [];
  // The tests of the package that implements the acquisition exercise it on purpose.
  if (file.path.endsWith('_test.go') && resource.declared && pkg?.implements(resource.declared)) return;
  const callees = wrappers.length ? [...new Set([...resource.callees, ...wrappers])] : resource.callees;
  for (const call of index.callsNamed(callees)) {
    const acquired = acquisition(file, call, resource, pkg);
    if (!acquired) continue;
    const own = analyzeOwnership(file, call, acquired);
    // Most resources are released where they are acquired: the walk that says so costs less than the question.
    if (own.state === 'owned' || resource.needsNoRelease?.(file, call) || (check.reportable && !check.reportable(call, own))) continue;
    const related: RelatedLocation[] = own.leaks.map((l) => ({ range: l.range, message: LEAK_MESSAGES[l.how](resource.noun) }));
    const found: Acquired = { call, resource: acquired, own };
    report(call, check.message(call, own.state, file), {
      fix: () => (check.fix ?? deferReleaseFix)(ctx, found),
      related: related.length ? related : undefined,
    });
  }
}
