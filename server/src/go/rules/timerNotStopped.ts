import { checkResource } from '../resourceRule';
import { timer } from '../resources';
import { positionOf, type Ownership } from '../ownership';
import type { GoRule } from '../rule';
import { mentionsBetween } from '../identifiers';
import { functionBody, type Node } from '../syntax';
import { selectReceiving, timersCollected } from '../timers';

/** `t.C` (or `time.NewTimer(d).C`) is received in a select that other cases can win. */
function channelRaced(expr: Node): boolean {
  const pos = positionOf(expr);
  return pos.kind === 'member' && pos.field === 'C' && !!selectReceiving(pos.selector)?.raced;
}

/** A timer whose channel is always received from fires and goes away; only a raced one can linger. */
function racedTimer(call: Node, own: Ownership): boolean {
  const body = own.fn && functionBody(own.fn);
  const name = own.binding?.target.text;
  if (!name) return channelRaced(call);
  return !!body && mentionsBetween(body, name, call.endIndex).some(channelRaced);
}

export const timerNotStopped: GoRule = {
  id: 'go/timer-not-stopped',
  language: 'go',
  title: 'time.Timer raced in a select but not stopped',
  defaultSeverity: 'warning',
  fixable: true,
  scope: {
    tests: {
      checked: false,
      why: 'an unstopped timer lives only until it fires; within a test run that is bounded by the test itself, and nothing piles up.',
    },
  },
  triggers: timer.callees,
  docs: {
    description:
      'A timer whose channel is raced against other cases of a `select` often loses: the function returns through another case and the timer stays in the runtime until it fires — for its full duration, which for long timeouts in hot paths adds up. Stop it when done with `defer t.Stop()`. Timers whose channel is always received from are not flagged: they fire and are released. Since Go 1.23 the garbage collector reclaims a timer nobody references, stopped or not: in modules whose `go` line is 1.23 or later (without `godebug asynctimerchan=1`) the rule reports nothing.',
    bad: 'func wait(ctx context.Context, done <-chan struct{}) error {\n\tt := time.NewTimer(time.Minute)\n\tselect {\n\tcase <-done:\n\t\treturn nil\n\tcase <-t.C:\n\t\treturn errTimeout\n\tcase <-ctx.Done():\n\t\treturn ctx.Err()\n\t}\n}',
    good: 'func wait(ctx context.Context, done <-chan struct{}) error {\n\tt := time.NewTimer(time.Minute)\n\tdefer t.Stop()\n\tselect {\n\tcase <-done:\n\t\treturn nil\n\tcase <-t.C:\n\t\treturn errTimeout\n\tcase <-ctx.Done():\n\t\treturn ctx.Err()\n\t}\n}',
  },
  check(ctx) {
    if (timersCollected(ctx.file)) return;
    checkResource(ctx, {
      resource: timer,
      reportable: racedTimer,
      message: () => 'the timer from time.NewTimer is raced in a select but not stopped on every path: it stays alive until it fires',
    });
  },
};
