/**
 * Bounds the memory parse trees hold: open documents keep their tree (for incremental reparsing)
 * while both the number of trees and the text they cover stay under limits; beyond that the least
 * recently analyzed document gives its tree up and is parsed from scratch when edited again.
 * A tree costs roughly 10–12 bytes of WASM memory per byte of source.
 */
export interface TreeOwner {
  readonly textLength: number;
  releaseTree(): void;
}

export class TreeBudget {
  /** Insertion order is recency: the first owner is the least recently used. */
  private readonly owners = new Set<TreeOwner>();

  constructor(
    readonly maxTrees: number,
    readonly maxTextChars: number,
  ) {}

  get size(): number {
    return this.owners.size;
  }

  /** Text covered by trees, to tell live WASM memory from what earlier trees left behind. */
  get textChars(): number {
    let total = 0;
    for (const o of this.owners) total += o.textLength;
    return total;
  }

  /** Called before `owner` (re)parses: makes it the most recent and evicts others beyond the limits. */
  acquire(owner: TreeOwner): void {
    this.owners.delete(owner);
    this.owners.add(owner);
    let text = this.textChars;
    for (const o of [...this.owners]) {
      if (this.owners.size <= this.maxTrees && text <= this.maxTextChars) break;
      if (o === owner) continue;
      text -= o.textLength;
      o.releaseTree();
      this.owners.delete(o);
    }
  }

  release(owner: TreeOwner): void {
    this.owners.delete(owner);
  }
}
