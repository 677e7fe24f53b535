import { checkResource } from '../resourceRule';
import { ticker } from '../resources';
import type { GoRule } from '../rule';
import { timerNote, timerSeverity } from '../timers';

export const tickerNotStopped: GoRule = {
  id: 'go/ticker-not-stopped',
  language: 'go',
  title: 'time.Ticker never stopped',
  defaultSeverity: 'warning',
  fixable: true,
  triggers: ticker.callees,
  docs: {
    description:
      'A ticker keeps firing until it is stopped. When the function that created it returns without calling `Stop` (and without handing the ticker on), the runtime keeps the ticker — before Go 1.23 for ever, since Go 1.23 until the garbage collector finds it unreachable. Stop it with `defer t.Stop()`, or in the goroutine that owns it.',
    bad: 'func poll(ctx context.Context) {\n\tt := time.NewTicker(time.Second)\n\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-t.C:\n\t\t\trefresh()\n\t\t}\n\t}\n}',
    good: 'func poll(ctx context.Context) {\n\tt := time.NewTicker(time.Second)\n\tdefer t.Stop()\n\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-t.C:\n\t\t\trefresh()\n\t\t}\n\t}\n}',
  },
  check(ctx) {
    checkResource(ctx, {
      resource: ticker,
      severity: timerSeverity,
      message: (_call, state, file) =>
        (state === 'discarded'
          ? 'the ticker from time.NewTicker is discarded and can never be stopped'
          : 'the ticker from time.NewTicker is not stopped on every path that leaves the function') + timerNote(file),
    });
  },
};
