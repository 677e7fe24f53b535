import { goroutineModel, type BlockedForever } from '../goroutines/model';
import type { GoRule } from '../rule';

function message(b: BlockedForever): string {
  switch (b.why) {
    case 'nil':
      return `${b.channel} is a nil channel here (declared, never assigned): this operation blocks forever`;
    case 'fresh':
      return 'this goroutine waits on a channel made on the spot that nothing else can reach: it blocks forever and leaks';
    case 'empty-select':
      return 'select {} blocks forever: the goroutine running it never ends';
  }
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
  docs: {
    description:
      'A send or receive on a nil channel (declared with `var c chan T` and never assigned) never completes: the goroutine running it blocks forever and leaks. So does a goroutine started to run `select {}` or to wait on a channel made on the spot (`<-make(chan T)`). In a `select` with other cases a nil channel only disables its case and is not flagged; `select {}` and `<-make(chan struct{})` outside a goroutine are the idioms for blocking the caller on purpose and are not flagged either.',
    bad: 'go func() {\n\tvar done chan struct{}\n\t<-done\n\tcleanup()\n}()',
    good: 'done := make(chan struct{})\ngo func() {\n\t<-done\n\tcleanup()\n}()\ndefer close(done)',
  },
  check({ file, decl, report }) {
    for (const b of goroutineModel(file, decl).blocked) report(b.node, message(b));
  },
};
