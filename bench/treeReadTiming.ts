/**
 * What reading a syntax tree out of web-tree-sitter costs beside parsing it: each file is parsed,
 * then every node of its tree is read once, by a tree cursor into arrays (type, start, end, field)
 * and through `Node` objects (type, end, children). Lint's budget against parse-only leaves the
 * rules a share of one parse; this says how many node reads that share could pay for. go-bench.ts
 * bundles this file as it bundles engineTiming.ts and runs it on the same files.
 *
 *   node treeReadTiming.js FILE_LIST_JSON ROUNDS  ->  prints one JSON object
 */
import * as fs from 'node:fs';
import type { Tree } from 'web-tree-sitter';
import { loadGo, parseGo } from '../server/src/go/parser';

export interface TreeReadTiming {
  nodes: number;
  /** CPU ms of the round with the median cursor/parse ratio. */
  parseMs: number;
  cursorMs: number;
  nodeObjectsMs: number;
}

function cpuMs(run: () => void): number {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/**
 * Every node once through a cursor, in document order, copied into arrays (what a JavaScript copy
 * of the tree for all rules would hold); returns how many nodes.
 */
function copyByCursor(tree: Tree): number {
  const cursor = tree.walk();
  const types: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const fields: number[] = [];
  for (;;) {
    types.push(cursor.nodeTypeId);
    starts.push(cursor.startIndex);
    ends.push(cursor.endIndex);
    fields.push(cursor.currentFieldId);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return types.length;
      }
    }
  }
}

/** Every node once through `Node` objects, as rules read them: its type, its end, its children. */
function readByNodes(tree: Tree): void {
  const stack = [tree.rootNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    // Each getter calls into WASM: nothing here is optimized away.
    void node.type;
    void node.endIndex;
    for (const child of node.children) if (child) stack.push(child);
  }
}

async function main() {
  const files: string[] = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const rounds = Number(process.argv[3] ?? 3);
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  await loadGo();
  const measured: TreeReadTiming[] = [];
  // Round 0 warms the JIT and the WASM code paths up and is not counted.
  for (let round = 0; round <= rounds; round++) {
    let trees: Tree[] = [];
    let nodes = 0;
    const parseMs = cpuMs(() => (trees = texts.map((t) => parseGo(t))));
    const cursorMs = cpuMs(() => trees.forEach((t) => (nodes += copyByCursor(t))));
    const nodeObjectsMs = cpuMs(() => trees.forEach(readByNodes));
    for (const t of trees) t.delete();
    if (round > 0) measured.push({ nodes, parseMs, cursorMs, nodeObjectsMs });
  }
  measured.sort((a, b) => a.cursorMs / a.parseMs - b.cursorMs / b.parseMs);
  console.log(JSON.stringify(measured[measured.length >> 1]));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
