/**
 * The check every resource rule runs: find the acquiring calls, ask ownership.ts who owns the
 * result, report leaks with the paths that leak them, and offer `defer <release>` where that is
 * a safe fix.
 */
import type { Node } from 'web-tree-sitter';
import type { Fix, RelatedLocation, Severity } from '../engine/types';
import { freeName, insertLinesAfter, replaceNode } from './edits';
import type { GoFile } from './file';
import { analyzeOwnership, type Ownership } from './ownership';
import { releaseCall, type Resource } from './resources';
import type { GoRuleContext } from './rule';
import { enclosingLoop, hasType, parentOf } from './syntax';

export interface ResourceCheck {
  resource: Resource;
  /** The finding's message: `call` discarded its resource or leaks it on some path. */
  message(call: Node, state: 'discarded' | 'leaks', file: GoFile): string;
  /** Extra condition for reporting (timers: only when raced in a select). */
  reportable?(call: Node, ownership: Ownership): boolean;
  /** Severity override (timers under Go >= 1.23). */
  severity?(file: GoFile): Severity | undefined;
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
function deferReleaseFix(ctx: GoRuleContext, resource: Resource, call: Node, own: Ownership): Fix | undefined {
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
  const release = `defer ${releaseCall(ctx.file, resource, call, name)}`;
  edits.push(insertLinesAfter(ctx.file, after, [release]));
  const title = b.target.text === '_' ? `Name it ${name} and add ${release}` : `Add ${release}`;
  return { title, preferred: true, edits };
}

export function checkResource(ctx: GoRuleContext, check: ResourceCheck): void {
  const { file, index, report } = ctx;
  const { resource } = check;
  for (const call of index.callsNamed(resource.callees)) {
    if (!resource.acquiredBy(file, call)) continue;
    const own = analyzeOwnership(file, call, resource);
    if (own.state === 'owned' || (check.reportable && !check.reportable(call, own))) continue;
    const related: RelatedLocation[] = own.leaks.map((l) => ({
      range: l.range,
      message: l.returnStmt ? `this return leaks the ${resource.noun}` : `the ${resource.noun} leaks when control reaches here`,
    }));
    report(call, check.message(call, own.state, file), {
      fix: () => deferReleaseFix(ctx, resource, call, own),
      related: related.length ? related : undefined,
      severity: check.severity?.(file),
    });
  }
}
