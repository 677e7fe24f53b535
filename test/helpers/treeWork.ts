/**
 * Counts the engine's work on syntax trees as node visits: every question to a web-tree-sitter
 * node, cursor or query is one, every node handed back in an array one more, and questions that
 * walk the tree inside tree-sitter are charged the depth they walk: `parent` and the sibling
 * getters start from the root (tree-sitter keeps no parent pointers), `descendantForIndex` and its
 * kin walk down from the node asked. Questions the engine's memos answer count too (syntax.ts
 * `nodeVisits`): climbing memoized parents is cheap, but not free. Tests hold rules to a budget of
 * this work instead of to seconds, which a busy machine stretches.
 */
import { Node, Query, type Tree, TreeCursor } from 'web-tree-sitter';
import { sourceOf } from '../../server/src/go/parser';
import { nodeVisits } from '../../server/src/go/syntax';

/** Thrown from inside the tree API when the budget runs out, so a super-linear rule stops early. */
export class WorkBudgetExceeded extends Error {
  constructor(readonly budget: number) {
    super(`more than ${budget} units of tree work`);
  }
}

let counting = false;
let work = 0;
/** nodeVisits.count when counting started. */
let visitsBefore = 0;
let budget = Number.POSITIVE_INFINITY;
let installed = false;

function charge(units: number): void {
  if (!counting) return;
  work += units;
  if (work + nodeVisits.count - visitsBefore > budget) {
    counting = false;
    throw new WorkBudgetExceeded(budget);
  }
}

/**
 * How deep a node sits, approximated by the brackets open at its start (tree-sitter nests a few
 * nodes per bracket): walking the whole tree to know the depth of every node would cost more than
 * the rules measured. Per tree, from the text it was parsed from.
 */
const bracketDepths = new WeakMap<Tree, Uint16Array>();

function depthOf(node: Node | null | undefined): number {
  if (!node) return 0;
  let depths = bracketDepths.get(node.tree);
  if (!depths) {
    const text = sourceOf(node.tree);
    depths = new Uint16Array(text.length + 1);
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 40 || c === 91 || c === 123) depth++;
      else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
      depths[i + 1] = depth;
    }
    bracketDepths.set(node.tree, depths);
  }
  return depths[Math.min(node.startIndex, depths.length - 1)] + 1;
}

/** What a call costs beyond one visit, by what tree-sitter walks to answer it. */
const WALKS: Record<string, (self: Node, out: unknown) => number> = {
  parent: (self) => depthOf(self),
  nextSibling: (self) => depthOf(self),
  nextNamedSibling: (self) => depthOf(self),
  previousSibling: (self) => depthOf(self),
  previousNamedSibling: (self) => depthOf(self),
  descendantForIndex: (self, out) => depthOf(out as Node) - depthOf(self),
  namedDescendantForIndex: (self, out) => depthOf(out as Node) - depthOf(self),
  descendantForPosition: (self, out) => depthOf(out as Node) - depthOf(self),
  namedDescendantForPosition: (self, out) => depthOf(out as Node) - depthOf(self),
};

function instrument(proto: object, walks: Record<string, (self: Node, out: unknown) => number> = {}): void {
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(proto, name)!;
    const walk = walks[name];
    const wrap = (f: (...args: unknown[]) => unknown) =>
      function (this: Node, ...args: unknown[]) {
        if (!counting) return f.apply(this, args);
        charge(1);
        const out = f.apply(this, args);
        if (Array.isArray(out)) charge(out.length);
        if (walk) charge(Math.max(0, walk(this, out)));
        return out;
      };
    if (d.get) Object.defineProperty(proto, name, { ...d, get: wrap(d.get) });
    else if (typeof d.value === 'function') Object.defineProperty(proto, name, { ...d, value: wrap(d.value) });
  }
}

/** Runs `fn` and returns the tree work it did; throws WorkBudgetExceeded past `limit`. */
export function treeWork(fn: () => void, limit = Number.POSITIVE_INFINITY): number {
  if (!installed) {
    instrument(Node.prototype, WALKS);
    instrument(TreeCursor.prototype);
    instrument(Query.prototype);
    installed = true;
  }
  work = 0;
  budget = limit;
  counting = true;
  visitsBefore = nodeVisits.count;
  try {
    fn();
  } finally {
    counting = false;
  }
  return work + nodeVisits.count - visitsBefore;
}
