import { isStopChannel, receivedChannels } from '../channels';
import { contextInScope } from '../contextScope';
import { isInfiniteLoop, loopCanExit, ownStatements } from '../flow';
import type { GoFile } from '../file';
import type { GoRule } from '../rule';
import { doneCaseFix } from '../selectEdits';
import { functionBody, hasType, namedChildren, type Node, statementsOf, typeOf, unparen } from '../syntax';

/** An infinite loop in a goroutine body that nothing can end: no return or break, no stop channel received. */
function endlessLoop(body: Node): Node | undefined {
  return ownStatements(body, ['for']).find(
    (loop) => isInfiniteLoop(loop) && !loopCanExit(loop) && !receivedChannels(loop).some(isStopChannel),
  );
}

/** When the loop body is a single select and a context is in scope: a case on its Done channel. */
function stopFix(file: GoFile, go: Node, loop: Node) {
  const statements = statementsOf(loop.childForFieldName('body'));
  const ctxName = contextInScope(file, go);
  if (!ctxName || statements.length !== 1 || typeOf(statements[0]) !== 'select_statement') return undefined;
  return doneCaseFix(file, statements[0], ctxName);
}

export const goroutineNoExit: GoRule = {
  id: 'go/goroutine-no-exit',
  language: 'go',
  title: 'Goroutine loops forever',
  defaultSeverity: 'warning',
  fixable: true,
  triggers: ['go'],
  alsoRequires: ['for'],
  docs: {
    description:
      'A goroutine running `for { … }` with no `return`, no `break` out of the loop and no receive from `ctx.Done()` or a done/quit/stop channel can never end: it and everything it references live until the process exits, and each call that starts one leaks another. (`for v := range ch` ends when the channel is closed and is not flagged.)',
    bad: 'go func() {\n\tfor {\n\t\tselect {\n\t\tcase ev := <-events:\n\t\t\tpublish(ev)\n\t\t}\n\t}\n}()',
    good: 'go func() {\n\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase ev := <-events:\n\t\t\tpublish(ev)\n\t\t}\n\t}\n}()',
  },
  check({ file, index, report }) {
    for (const go of index.statements('go')) {
      const call = namedChildren(go)[0];
      const fn = hasType(call, 'call_expression') ? call.childForFieldName('function') : null;
      const body = fn && typeOf(unparen(fn)) === 'func_literal' ? functionBody(unparen(fn)) : null;
      const loop = body ? endlessLoop(body) : undefined;
      if (!loop) continue;
      report(go, 'goroutine loops forever: no return, no break and no receive from ctx.Done() or a done channel', {
        fix: () => stopFix(file, go, loop),
      });
    }
  },
};
