import { checkResource } from '../resourceRule';
import { ticker } from '../resources';
import type { GoRule } from '../rule';
import { timersCollected } from '../timers';

export const tickerNotStopped: GoRule = {
  id: 'go/ticker-not-stopped',
  language: 'go',
  title: 'time.Ticker never stopped',
  defaultSeverity: 'warning',
  fixable: true,
  scope: {
    tests: { checked: true, why: 'a ticker that is never stopped keeps firing for the rest of the test binary, one more per test that creates it.' },
    processLifetime: 'a ticker created by main or init that ticks for the whole process is how the program is meant to work.',
  },
  triggers: ticker.callees,
  docs: {
    description:
      'A ticker keeps firing until it is stopped. When the function that created it returns without calling `Stop` (and without handing the ticker on), the runtime keeps the ticker and its channel for the life of the process, one more each call. Stop it with `defer t.Stop()`, or in the goroutine that owns it. Since Go 1.23 the garbage collector reclaims a ticker nobody references, stopped or not: in modules whose `go` line is 1.23 or later (without `godebug asynctimerchan=1`) the rule reports nothing. Not reported in code that runs for the whole process (`main`, `init`).',
    bad: 'func poll(ctx context.Context) {\n\tt := time.NewTicker(time.Second)\n\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-t.C:\n\t\t\trefresh()\n\t\t}\n\t}\n}',
    good: 'func poll(ctx context.Context) {\n\tt := time.NewTicker(time.Second)\n\tdefer t.Stop()\n\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-t.C:\n\t\t\trefresh()\n\t\t}\n\t}\n}',
  },
  check(ctx) {
    if (timersCollected(ctx.file)) return;
    checkResource(ctx, {
      resource: ticker,
      message: (_call, state) =>
        state === 'discarded'
          ? 'the ticker from time.NewTicker is discarded and can never be stopped'
          : 'the ticker from time.NewTicker is not stopped on every path that leaves the function',
    });
  },
};
