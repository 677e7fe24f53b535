import { selectWatchesStop } from '../channels';
import { contextParamAt } from '../contextScope';
import { hasDefaultCase } from '../flow';
import type { GoRule } from '../rule';
import { doneCaseFix } from '../selectEdits';
import { enclosingLoop } from '../syntax';

export const selectNoCancel: GoRule = {
  id: 'go/select-no-cancel',
  language: 'go',
  title: 'Blocking select in a loop ignores the context',
  defaultSeverity: 'warning',
  fixable: true,
  triggers: ['select'],
  alsoRequires: ['for', 'Context'],
  docs: {
    description:
      'A function that receives a context and loops over a blocking `select` without a `case <-ctx.Done()` cannot be stopped: when the caller cancels, the loop keeps waiting on its other channels and the goroutine, with everything it references, leaks. A case on any `x.Done()` or on a channel named like done, quit, stop, exit, close or cancel counts as a way out.',
    bad: 'func consume(ctx context.Context, in <-chan Job) {\n\tfor {\n\t\tselect {\n\t\tcase job := <-in:\n\t\t\thandle(job)\n\t\t}\n\t}\n}',
    good: 'func consume(ctx context.Context, in <-chan Job) {\n\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase job := <-in:\n\t\t\thandle(job)\n\t\t}\n\t}\n}',
  },
  check({ file, index, report }) {
    for (const select of index.statements('select')) {
      if (hasDefaultCase(select) || !enclosingLoop(select) || selectWatchesStop(select)) continue;
      const ctxName = contextParamAt(file, select);
      if (!ctxName) continue;
      report(select, `select in a loop without case <-${ctxName}.Done(): cancelling ${ctxName} does not stop this loop`, {
        fix: () => doneCaseFix(file, select, ctxName),
      });
    }
  },
};
