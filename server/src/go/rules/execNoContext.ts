import { checkContextVariant } from '../contextScope';
import { mentionsBetween } from '../identifiers';
import { positionOf, type ValuePosition } from '../ownership';
import type { GoRule } from '../rule';
import { enclosingFunction, type Node, typeOf } from '../syntax';

/** Methods of *exec.Cmd that start the process. */
const STARTS = ['Run', 'Output', 'CombinedOutput', 'Start'];

/** `v.Run()` and the like: the selector `v.Run` is called. */
function startsProcess(position: ValuePosition): boolean {
  return position.kind === 'member' && STARTS.includes(position.field) && positionOf(position.selector).kind === 'called';
}

/**
 * True when the function that builds the command also starts it: `exec.Command(…).Output()`, or
 * `cmd := exec.Command(…)` then `cmd.Run()`. A command stored, handed on or returned is started
 * by someone else, at a time (and under a context) this function does not know: a service's kill
 * or restart command, a long-lived child with its own lifecycle.
 */
function startedHere(call: Node): boolean {
  const position = positionOf(call);
  if (startsProcess(position)) return true;
  if (position.kind !== 'assigned') return false;
  const target = position.left[position.index];
  const fn = enclosingFunction(call);
  if (!fn || !target || typeOf(target) !== 'identifier') return false;
  return mentionsBetween(fn, target.text, call.endIndex).some((m) => startsProcess(positionOf(m)));
}

export const execNoContext: GoRule = {
  id: 'go/exec-no-context',
  language: 'go',
  title: 'exec.Command where a context is available',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['noctx'],
  triggers: ['Command'],
  alsoRequires: ['Context'],
  scope: {
    tests: { checked: true, why: 'a child that hangs holds the test binary until its timeout; CommandContext with the test\'s context ends it.' },
  },
  docs: {
    description:
      'A process started with `exec.Command` runs to completion whatever happens to the caller: a hung child keeps its pipes, its goroutines and itself alive after the request that started it is gone. In a function that receives a context and starts the command itself (`Run`, `Output`, `CombinedOutput`, `Start`), use `exec.CommandContext`, which kills the process when the context is done. Not flagged: a command that is stored, handed on or returned (a service\'s kill or restart command, a child with its own lifecycle), whose starter this function does not know, and one built on the branch where the context is nil. Limits: a command handed to a helper that runs it is not followed.',
    bad: 'func convert(ctx context.Context, in string) error {\n\treturn exec.Command("convert", in, "out.png").Run()\n}',
    good: 'func convert(ctx context.Context, in string) error {\n\treturn exec.CommandContext(ctx, "convert", in, "out.png").Run()\n}',
  },
  check(ctx) {
    checkContextVariant(ctx, {
      pkg: 'os/exec',
      name: 'Command',
      variant: 'CommandContext',
      message: (ctxName) => `exec.Command ignores ${ctxName}: use exec.CommandContext(${ctxName}, …) so the process is killed with it`,
      changesBehavior: (ctxName) => `the process is now killed when ${ctxName} is done`,
      ignoresContext: startedHere,
    });
  },
};
