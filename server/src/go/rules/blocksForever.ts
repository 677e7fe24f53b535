import { blockedOnFields, type BlockedOnField } from '../goroutines/fieldChannels';
import { goroutineModel, type BlockedForever } from '../goroutines/model';
import { packageIndexOf } from '../packageIndex';
import { typeOf } from '../syntax';
import type { GoRule } from '../rule';

function message(b: BlockedForever): string {
  switch (b.why) {
    case 'nil':
      return `${b.channel} is a nil channel here (declared, never assigned): this operation blocks forever`;
    case 'fresh':
      return 'this goroutine waits on a channel made on the spot that nothing else can reach: it blocks forever and leaks';
    case 'empty-select':
      return 'select {} blocks forever: the goroutine running it never ends';
    case 'full':
      return `${b.channel} is full here and nothing else can receive from it yet: this ${typeOf(b.node) === 'send_statement' ? 'send' : 'call, which sends on it first,'} blocks forever`;
  }
}

function fieldMessage(b: BlockedOnField): string {
  return b.why === 'never-signalled'
    ? `nothing in this package sends on or closes the ${b.field} field: this receive waits forever`
    : `nothing in this package receives from the unbuffered ${b.field} field: this send waits forever`;
}

export const blocksForever: GoRule = {
  id: 'go/blocks-forever',
  language: 'go',
  title: 'Channel operation that can never complete',
  defaultSeverity: 'warning',
  fixable: false,
  scope: {
    tests: { checked: false, why: 'tests of deadlock detectors, leak detectors and profilers block goroutines forever on purpose.' },
    processLifetime: '`select {}` at the end of main is the idiom for serving until the process is killed.',
  },
  triggers: ['chan', 'select'],
  packageTriggers: (pkg) => pkg.fieldChannels().words,
  // The goroutine model it reads follows calls into the file's functions, and reads its constants, by name (goroutines/summaries.ts).
  readsByName: true,
  docs: {
    description:
      'A send or receive on a nil channel (declared with `var c chan T` and never assigned) never completes: the goroutine running it blocks forever and leaks. So does a goroutine started to run `select {}` or to wait on a channel made on the spot (`<-make(chan T)`). In a `select` with other cases a nil channel only disables its case and is not flagged; `select {}` and `<-make(chan struct{})` outside a goroutine are the idioms for blocking the caller on purpose and are not flagged either. Also flagged: a send (or a call of a function of the file that sends first) on a channel the function made and still holds alone — nothing has received from it, it was handed to nobody, no goroutine that mentions it was started — past its buffer: `ch := make(chan T, 1); ch <- a; ch <- b; go consume(ch)` blocks on the second send before any consumer exists. Also flagged: a receive on an unexported channel field of the package\'s own struct that no code of the package ever sends on or closes (directly or through a method that returns it), and a send on such a field made unbuffered that no code ever receives from; a field handed to other code, aliased or named by another file of the package is not judged.',
    bad: 'go func() {\n\tvar done chan struct{}\n\t<-done\n\tcleanup()\n}()',
    good: 'done := make(chan struct{})\ngo func() {\n\t<-done\n\tcleanup()\n}()\ndefer close(done)',
  },
  check({ file, decl, report }) {
    for (const b of goroutineModel(file, decl).blocked) report(b.node, message(b));
    for (const b of blockedOnFields(decl, packageIndexOf(file).fieldChannels())) report(b.node, fieldMessage(b));
  },
};
