import { checkResource, calleeText } from '../resourceRule';
import { span } from '../resources';
import type { GoRule } from '../rule';

export const spanNotEnded: GoRule = {
  id: 'go/span-not-ended',
  language: 'go',
  title: 'Tracing span not ended',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['spancheck'],
  scope: {
    tests: { checked: true, why: 'a span never ended is missing from the trace a test inspects, and stays in memory while its tracer provider lives.' },
  },
  triggers: span.callees,
  packageTriggers: (pkg) => pkg.wrapperNames('span'),
  docs: {
    description:
      'An OpenTelemetry span started with `tracer.Start` is exported only when it ends. A span that is never ended on some path is lost from the trace, and the SDK keeps it (with its attributes and events) in memory. End it on every path: `defer span.End()` right after `Start`; starting another span into the same variable while the first is open loses the first. A function of the same package that returns a span it started counts like `Start`. Not flagged: a span whose context is returned or stored (whoever takes the context ends it), a span ended through a type assertion of it, and the tests of a package that implements `Start` (a tracer).',
    bad: 'func handle(ctx context.Context, req Request) error {\n\tctx, span := tracer.Start(ctx, "handle")\n\tspan.SetAttributes(attribute.String("id", req.ID))\n\treturn process(ctx, req)\n}',
    good: 'func handle(ctx context.Context, req Request) error {\n\tctx, span := tracer.Start(ctx, "handle")\n\tdefer span.End()\n\tspan.SetAttributes(attribute.String("id", req.ID))\n\treturn process(ctx, req)\n}',
  },
  check(ctx) {
    checkResource(ctx, {
      resource: span,
      message: (call, state) =>
        state === 'discarded'
          ? `the span started by ${calleeText(call)} is discarded and never ended: it is never exported`
          : `the span started by ${calleeText(call)} is not ended on every path: those paths lose it from the trace`,
    });
  },
};
