import type { Fix } from '../../engine/types';
import { goFileTraits } from '../fileTraits';
import { contextInScope, contextParamOf } from '../contextScope';
import type { GoFile } from '../file';
import { goroutineModel } from '../goroutines/model';
import type { GoRule } from '../rule';
import { doneCaseFix } from '../selectEdits';
import { isInside, type Node, nodeRange, statementsOf, typeOf } from '../syntax';

/** When the loop sits in the literal the `go` runs and its body is a single select: a case on the Done channel of a context in scope. */
function stopFix(file: GoFile, go: Node, loop: Node): Fix | undefined {
  const statements = statementsOf(loop.childForFieldName('body'));
  const ctxName = contextInScope(file, go);
  if (!isInside(loop, go) || !ctxName || statements.length !== 1 || typeOf(statements[0]) !== 'select_statement') return undefined;
  const fix = doneCaseFix(file, statements[0], ctxName);
  return fix && { ...fix, changesBehavior: `the goroutine now stops when ${ctxName} is cancelled` };
}

export const goroutineNoExit: GoRule = {
  id: 'go/goroutine-no-exit',
  language: 'go',
  title: 'Goroutine loops forever',
  defaultSeverity: 'warning',
  fixable: true,
  fileScoped: true,
  scope: {
    tests: { checked: true, why: 'each test that starts one leaves a goroutine running for the rest of the test binary.' },
    processLifetime: 'a goroutine started by main or init that runs for the whole process is how daemons work.',
  },
  triggers: ['go', 'Go'],
  readsAnywhere: ['for'],
  // The function a `go` statement starts, by its name.
  readsByName: true,
  docs: {
    description:
      'A goroutine — a func literal, or a function or method of the same file started with `go f()` / `go s.loop()` — runs `for { … }` with no `return`, no `break` out of the loop and no receive from `ctx.Done()` or a done/quit/stop channel: it can never end. It and everything it references live until the process exits, and each call that starts one leaks another. Flagged when the goroutine could see a context it ignores (a parameter, or a context made before the `go`), and in test code, where every test that starts one leaves it running. Not flagged: `for v := range ch` (ends when ch is closed); loops started by `main` or `init`, or that touch only package-level state (a process-wide service started once); outside tests, loops with no context to watch (a daemon\'s loop, started once).',
    bad: 'go func() {\n\tfor {\n\t\tselect {\n\t\tcase ev := <-events:\n\t\t\tpublish(ev)\n\t\t}\n\t}\n}()',
    good: 'go func() {\n\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase ev := <-events:\n\t\t\tpublish(ev)\n\t\t}\n\t}\n}()',
  },
  check({ file, decl, report }) {
    const testCode = goFileTraits(file.path, file.imports).testCode;
    for (const { go, loop, fn } of goroutineModel(file, decl).endless) {
      // Outside tests a loop that has no context to watch is a daemon's, started once (a kubelet
      // source, a cache janitor): what leaks is one that was handed a context and ignores it.
      const ctxName = contextInScope(file, go) ?? contextParamOf(file, fn);
      if (!testCode && !ctxName) continue;
      const where = isInside(loop, go) ? '' : ` (the loop at line ${nodeRange(loop).start.line + 1})`;
      const why = ctxName ? `never checks ${ctxName}.Done(): cancelling ${ctxName} does not stop it` : 'no return, no break and no receive from a done channel';
      report(go, `goroutine loops forever${where}: ${why}`, {
        related: isInside(loop, go) ? undefined : [{ range: nodeRange(loop), message: 'this loop never ends' }],
        fix: () => stopFix(file, go, loop),
      });
    }
  },
};
