/**
 * Which context.Context is in scope at a point of the code. Rules flag work that ignores it and
 * fixes pass it on by name.
 */
import type { Node } from 'web-tree-sitter';
import type { Fix } from '../engine/types';
import { prependArgument, renameCallee } from './callEdits';
import { pkgCalls } from './callees';
import type { GoFile } from './file';
import { CONTEXT_WITH_CANCEL } from './resources';
import type { GoRuleContext } from './rule';
import {
  assignedNames,
  assignedValues,
  hasType,
  ifParts,
  isFunctionNode,
  isInside,
  namedChildren,
  parametersOf,
  parentOf,
  typeOf,
  unparen,
} from './syntax';

/** Package functions of "context" whose first result is a context. */
const CONTEXT_CONSTRUCTORS = ['Background', 'TODO', ...CONTEXT_WITH_CANCEL, 'WithValue', 'WithoutCancel'];

/** The name of `fn`'s first context.Context parameter. */
export function contextParamOf(file: GoFile, fn: Node): string | undefined {
  return parametersOf(fn).find((p) => file.isPkgType(p.type, 'context', 'Context'))?.name;
}

/**
 * The context parameter visible at `node`: that of the innermost enclosing function which has one
 * (a func literal sees the parameters of the functions around it).
 */
export function contextParamAt(file: GoFile, node: Node): string | undefined {
  for (let p = parentOf(node); p; p = parentOf(p)) {
    if (!isFunctionNode(p)) continue;
    const name = contextParamOf(file, p);
    if (name) return name;
  }
  return undefined;
}

/** The context variable a statement declares: `ctx, cancel := context.WithCancel(…)`, `var ctx context.Context`. */
function declaredContext(file: GoFile, stmt: Node): string | undefined {
  const specs = typeOf(stmt) === 'var_declaration' ? stmt.descendantsOfType('var_spec').filter((s): s is Node => !!s) : [stmt];
  for (const spec of specs) {
    const type = typeOf(spec) === 'var_spec' ? spec.childForFieldName('type') : null;
    const value = assignedValues(spec)[0];
    const isContext = type
      ? file.isPkgType(type, 'context', 'Context')
      : !!value && file.isPkgCall(value, 'context', CONTEXT_CONSTRUCTORS);
    const name = isContext ? assignedNames(spec)[0] : undefined;
    if (hasType(name, 'identifier') && name.text !== '_') return name.text;
  }
  return undefined;
}

/**
 * A context in scope at `node`, nearest first: a variable declared earlier in an enclosing block
 * or a parameter of an enclosing function.
 */
export function contextInScope(file: GoFile, node: Node): string | undefined {
  for (let child = node, p = parentOf(node); p; child = p, p = parentOf(p)) {
    if (typeOf(p) === 'statement_list') {
      const before = namedChildren(p).filter((s) => s.endIndex <= child.startIndex);
      for (const stmt of before.reverse()) {
        const name = declaredContext(file, stmt);
        if (name) return name;
      }
    } else if (isFunctionNode(p)) {
      const name = contextParamOf(file, p);
      if (name) return name;
    }
  }
  return undefined;
}

/** True when `condition` is `name == nil` (`op` '==') or `name != nil` (`op` '!='), either way round. */
function comparesWithNil(condition: Node | null, name: string, op: '==' | '!='): boolean {
  const c = condition && unparen(condition);
  if (!c || typeOf(c) !== 'binary_expression' || c.childForFieldName('operator')?.text !== op) return false;
  const sides = [c.childForFieldName('left')?.text, c.childForFieldName('right')?.text];
  return sides.includes(name) && sides.includes('nil');
}

/**
 * True when `node` only runs where the context `ctxName` is nil: in the body of `if ctx == nil`
 * or the else branch of `if ctx != nil` (where the other branch already passes the context on).
 */
function underNilContext(node: Node, ctxName: string): boolean {
  for (let p = parentOf(node); p && !isFunctionNode(p); p = parentOf(p)) {
    if (typeOf(p) !== 'if_statement') continue;
    const { condition, consequence, alternative } = ifParts(p);
    if (consequence && isInside(node, consequence) && comparesWithNil(condition, ctxName, '==')) return true;
    if (alternative && isInside(node, alternative) && comparesWithNil(condition, ctxName, '!=')) return true;
  }
  return false;
}

/** Calls of `pkg.name` made where a context parameter is in scope, with that parameter's name. */
export function callsIgnoringContext(
  { file, index }: GoRuleContext,
  pkg: string,
  names: readonly string[],
): { call: Node; ctxName: string }[] {
  const out: { call: Node; ctxName: string }[] = [];
  for (const call of pkgCalls(file, index, pkg, names)) {
    const ctxName = contextParamAt(file, call);
    if (ctxName) out.push({ call, ctxName });
  }
  return out;
}

/**
 * Rewrites `pkg.F(a, b)` to `pkg.FContext(ctx, a, b)` (the context-taking variant, passed `ctxName`).
 * The work is then cancelled with the context: `changesBehavior` says how.
 */
export function passContextFix(file: GoFile, call: Node, variant: string, ctxName: string, changesBehavior: string): Fix | undefined {
  const rename = renameCallee(call, variant);
  const pass = prependArgument(file, call, ctxName);
  if (!rename || !pass) return undefined;
  return { title: `Use ${variant}(${ctxName}, …)`, preferred: true, edits: [rename, pass], changesBehavior };
}

/** What a rule checking a call that has a context-taking variant says about it. */
export interface ContextVariant {
  pkg: string;
  name: string;
  /** The variant taking the context first: `CommandContext` for `Command`. */
  variant: string;
  message(ctxName: string): string;
  /** How the program runs differently once the variant is used. */
  changesBehavior(ctxName: string): string;
  /**
   * Whether the call really leaves the context out (absent: always): false when what it builds is
   * tied to the context later, or is not run by this function.
   */
  ignoresContext?(call: Node, ctxName: string): boolean;
}

/**
 * Reports calls of `pkg.name` made where a context is in scope, with the fix that switches to the
 * context-taking variant `pkg.variant(ctx, …)` (exec.CommandContext, http.NewRequestWithContext).
 * A call on the branch where that context is nil has nothing to pass on.
 */
export function checkContextVariant(ctx: GoRuleContext, v: ContextVariant): void {
  for (const { call, ctxName } of callsIgnoringContext(ctx, v.pkg, [v.name])) {
    if (underNilContext(call, ctxName) || (v.ignoresContext && !v.ignoresContext(call, ctxName))) continue;
    ctx.report(call, v.message(ctxName), {
      fix: () => passContextFix(ctx.file, call, v.variant, ctxName, v.changesBehavior(ctxName)),
    });
  }
}
