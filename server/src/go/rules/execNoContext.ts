import { checkContextVariant } from '../contextScope';
import type { GoRule } from '../rule';

export const execNoContext: GoRule = {
  id: 'go/exec-no-context',
  language: 'go',
  title: 'exec.Command where a context is available',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['noctx'],
  triggers: ['Command'],
  alsoRequires: ['Context'],
  docs: {
    description:
      'A process started with `exec.Command` runs to completion whatever happens to the caller: a hung child keeps its pipes, its goroutines and itself alive after the request that started it is gone. In a function that receives a context, use `exec.CommandContext`, which kills the process when the context is done.',
    bad: 'func convert(ctx context.Context, in string) error {\n\treturn exec.Command("convert", in, "out.png").Run()\n}',
    good: 'func convert(ctx context.Context, in string) error {\n\treturn exec.CommandContext(ctx, "convert", in, "out.png").Run()\n}',
  },
  check(ctx) {
    checkContextVariant(ctx, 'os/exec', 'Command', 'CommandContext', (ctxName) =>
      `exec.Command ignores ${ctxName}: use exec.CommandContext(${ctxName}, …) so the process is killed with it`,
    );
  },
};
