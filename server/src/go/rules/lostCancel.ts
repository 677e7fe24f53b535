import { checkResource, calleeText } from '../resourceRule';
import { cancelFunc } from '../resources';
import type { GoRule } from '../rule';

export const lostCancel: GoRule = {
  id: 'go/lost-cancel',
  language: 'go',
  title: 'Context cancel function not called',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['govet'],
  triggers: cancelFunc.callees,
  docs: {
    description:
      'context.WithCancel, WithTimeout and WithDeadline (and their Cause variants) return a cancel function that releases the context: its goroutine registration with the parent, its timer and its Done channel. If some path returns without calling it — `_` discards it, one branch forgets it, an early `return` comes before `defer cancel()` — the context lives until its parent is cancelled, which for a server-wide parent is never. Handing the cancel function on (returning it, storing it, passing it) makes the receiver responsible and is not flagged.',
    bad: 'func fetch(ctx context.Context, id string) error {\n\tctx, _ = context.WithTimeout(ctx, time.Second)\n\treturn load(ctx, id)\n}',
    good: 'func fetch(ctx context.Context, id string) error {\n\tctx, cancel := context.WithTimeout(ctx, time.Second)\n\tdefer cancel()\n\treturn load(ctx, id)\n}',
  },
  check(ctx) {
    checkResource(ctx, {
      resource: cancelFunc,
      message: (call, state) =>
        state === 'discarded'
          ? `the cancel function returned by ${calleeText(call)} is discarded: the context is released only when its parent is cancelled`
          : `the cancel function returned by ${calleeText(call)} is not called on every path: a path that returns without it leaks the context`,
    });
  },
};
