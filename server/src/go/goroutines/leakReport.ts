/** How the goroutine rules tell a leak: where its path leaves, and the places a reader needs to see. */
import type { RelatedLocation, Range } from '../../engine/types';
import { functionBody, hasType, nodeRange, typeOf, type Node } from '../syntax';
import type { GoRule } from '../rule';
import type { ChannelLeak } from './model';

/**
 * What the two stranded-goroutine rules share: they read the same model, so they wake on the same
 * words, see the whole file, and leave the same code alone.
 */
export const STRANDED_GOROUTINE: Pick<GoRule, 'fileScoped' | 'scope' | 'triggers' | 'packageTriggers' | 'readsAnywhere' | 'readsByName'> = {
  fileScoped: true,
  scope: {
    tests: { checked: true, why: 'a goroutine stranded in a test stays for the rest of the test binary, and goleak-style checks fail on it.' },
    processLifetime: 'a goroutine stranded once in code that runs once for the whole process does not pile up.',
  },
  triggers: ['chan'],
  // A constructor's call makes channels the caller owns (`w := newWatcher(0)`): no `chan` in sight.
  packageTriggers: (pkg) => pkg.channelConstructors(),
  readsAnywhere: ['close', 'select', 'go', 'Go', 'const', 'range', '<-'],
  // The model reads other functions and constants of the file only where code names them (goroutines/summaries.ts).
  readsByName: true,
};

/** The closing brace of a block-bodied node (a function or a loop), where control falls off it. */
function closingBrace(node: Node): Range {
  const body = typeOf(node) === 'for_statement' ? node.childForFieldName('body') : functionBody(node);
  const brace = body?.child(body.childCount - 1);
  return nodeRange(hasType(brace, '}') ? brace : (body ?? node));
}

/** Where a path that returns at `node` leaves: the return statement, or the closing brace of the function it falls off. */
export function returnRange(node: Node): Range {
  return typeOf(node) === 'return_statement' ? nodeRange(node) : closingBrace(node);
}

/** The place the leaving path leaves: the return, the end of the function, or the end of the loop iteration. */
export function exitRange(leak: ChannelLeak): Range {
  const { node, kind } = leak.exit;
  return kind === 'return' ? returnRange(node) : closingBrace(node);
}

/** "the path that returns at line 12", "the path that reaches the end of the function", "an iteration that ends at line 30". */
export function exitPhrase(leak: ChannelLeak): string {
  const line = exitRange(leak).start.line + 1;
  if (leak.exit.kind === 'iteration') return `a loop iteration that ends at line ${line}`;
  if (typeOf(leak.exit.node) === 'return_statement') return `the path that returns at line ${line}`;
  return `the path that reaches the end of the function (line ${line})`;
}

/** The channel's make and the leaving path, for relatedInformation. */
export function leakRelated(leak: ChannelLeak, exitMessage: string): RelatedLocation[] {
  const out: RelatedLocation[] = [];
  if (leak.made) out.push({ range: nodeRange(leak.made), message: `${leak.channel} is made here` });
  out.push({ range: exitRange(leak), message: exitMessage });
  return out;
}
