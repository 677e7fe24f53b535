import { callsIgnoringContext } from '../contextScope';
import { replaceNode } from '../edits';
import { positionOf } from '../ownership';
import type { GoRule } from '../rule';
import { callParts, hasType, type Node, parentOf } from '../syntax';
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
      'A function that receives a context and starts work with `context.Background()` or `context.TODO()` cuts that work loose: cancellation and deadlines of the caller no longer reach it, so it runs on (and holds what it holds) after everyone stopped waiting. Pass the parameter on instead. Not flagged: a comparison with `context.Background()`, and a new context placed in a composite literal beside the received one (a type that keeps the caller\'s values but not its cancellation, built on purpose).',
    bad: 'func (s *Store) Load(ctx context.Context, id string) (*Item, error) {\n\treturn s.db.Get(context.Background(), id)\n}',
    good: 'func (s *Store) Load(ctx context.Context, id string) (*Item, error) {\n\treturn s.db.Get(ctx, id)\n}',
  },
  check(ctx) {
    for (const { call, ctxName } of callsIgnoringContext(ctx, 'context', ['Background', 'TODO'])) {
      if (isComparison(call) || detachedBeside(call, ctxName)) continue;
      const name = callParts(call)?.name;
      ctx.report(call, `context.${name}() in a function that receives ${ctxName}: pass ${ctxName} so cancellation reaches this work`, {
        fix: () => ({ title: `Use ${ctxName}`, preferred: true, edits: [replaceNode(call, ctxName)] }),
      });
    }
  },
};
