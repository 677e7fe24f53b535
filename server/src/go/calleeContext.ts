/**
 * The functions and methods a lint keeps in its tree for rules that read callees
 * (GoRule.readsCallees): the goroutine model reads another function of the file only when a call
 * names it, following the call into the declaration of that name, and from there the calls that
 * one makes. So a function holding one of these rules' read-anywhere words is read only if its name
 * occurs in the code of a declaration they check, or of one read that way, transitively; the rest
 * of such functions (in a large file, most of them) need not be parsed.
 */
import { forEachCodeMatch, type Chunk } from './declChunks';
import type { ChunkNeeds } from './rulePlan';
import { wordPattern } from './words';

/**
 * Of the chunks `needs` marks readAsCallee and `inTree` leaves out, those to parse: named from
 * what the rules that read callees check, through chunks in the tree or kept.
 */
export function calleesRead(text: string, chunks: readonly Chunk[], needs: readonly ChunkNeeds[], inTree: (chunk: number) => boolean): Set<number> {
  const kept = new Set<number>();
  /** Chunks not yet reached that a name may reach, by the name of the function they declare. */
  const byName = new Map<string, number[]>();
  let frontier: number[] = [];
  let candidates = 0;
  chunks.forEach((c, k) => {
    const parsed = inTree(k);
    if (!parsed && !needs[k].readAsCallee) return;
    if (!parsed) candidates++;
    // A chunk whose declarations' names the scan cannot tell is read from the start.
    if (needs[k].readsCallees || (parsed && (c.holdsMore || (c.keyword === 'func' && c.funcName === undefined)))) frontier.push(k);
    else if (c.funcName !== undefined && !c.holdsMore) byName.set(c.funcName, [...(byName.get(c.funcName) ?? []), k]);
  });
  if (candidates === 0 || frontier.length === 0) return kept;
  const names = wordPattern([...byName.keys()]);
  while (frontier.length > 0 && byName.size > 0) {
    const searched = new Set(frontier);
    const reached: number[] = [];
    forEachCodeMatch(
      text,
      chunks,
      names,
      (_, name) => {
        reached.push(...(byName.get(name) ?? []));
        byName.delete(name);
      },
      (k) => !searched.has(k),
    );
    for (const k of reached) if (!inTree(k)) kept.add(k);
    frontier = reached;
  }
  return kept;
}
