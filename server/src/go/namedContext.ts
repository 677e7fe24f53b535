/**
 * The functions, methods and constants a lint keeps in its tree for rules that read by name
 * (GoRule.readsByName): the goroutine model reads another function of the file only where a call
 * names it, following the call into the declaration of that name and from there the calls that one
 * makes, and reads a constant where code names it. So such a declaration holding one of these
 * rules' read-anywhere words is read only if one of its names occurs in the code of a declaration
 * they check, or of one read that way, transitively; the rest (most constants, and in a large file
 * most functions) need not be parsed.
 */
import { chunkIndexAt, forEachCodeMatch, inComment, type Chunk } from './declChunks';
import type { ChunkNeeds } from './rulePlan';
import { forEachWordOf, IDENTIFIER, wordPattern } from './words';

/**
 * Of the chunks `needs` marks readIfNamed and `inTree` leaves out, those to parse: named from what
 * the rules that read by name check, through chunks in the tree or kept.
 */
export function namedContext(text: string, chunks: readonly Chunk[], needs: readonly ChunkNeeds[], inTree: (chunk: number) => boolean): Set<number> {
  const kept = new Set<number>();
  const candidates = needs.flatMap((n, k) => (n.readIfNamed && !inTree(k) ? [k] : []));
  // With nothing to decide, or no rule that reads by name to ask, the names need no search.
  if (candidates.length === 0) return kept;
  if (!needs.some((n) => n.readsByName)) return new Set(candidates.filter((k) => declaredNames(text, chunks[k]) === undefined));
  /** Chunks not yet reached that a name may reach, by the names they declare. */
  const byName = new Map<string, number[]>();
  let frontier: number[] = [];
  chunks.forEach((c, k) => {
    const parsed = inTree(k);
    if (!parsed && !needs[k].readIfNamed) return;
    const names = needs[k].readsByName ? [] : declaredNames(text, c);
    if (names === undefined) {
      // Names the scan cannot tell may be any: the chunk is read, and what it names.
      if (!parsed) kept.add(k);
      frontier.push(k);
    } else if (needs[k].readsByName) {
      frontier.push(k);
    } else {
      for (const name of names) byName.set(name, [...(byName.get(name) ?? []), k]);
    }
  });
  // A name only its one declaring chunk holds can reach nothing but that chunk, from inside it.
  const declaredOnce = [...byName].filter(([, ks]) => ks.length === 1).map(([name]) => name);
  const elsewhere = namedElsewhere(text, chunks, declaredOnce, (name) => chunks[byName.get(name)![0]]);
  for (const name of declaredOnce) if (!elsewhere.has(name)) byName.delete(name);
  if (byName.size === 0) return kept;
  const pattern = wordPattern([...byName.keys()]);
  const reached = new Set(frontier);
  while (frontier.length > 0 && byName.size > 0) {
    const searched = new Set(frontier);
    frontier = [];
    const reach = (k: number) => {
      if (reached.has(k)) return;
      reached.add(k);
      frontier.push(k);
      if (!inTree(k)) kept.add(k);
    };
    forEachCodeMatch(
      text,
      chunks,
      pattern,
      (_, name) => {
        byName.get(name)?.forEach(reach);
        byName.delete(name);
      },
      (k) => !searched.has(k),
    );
  }
  return kept;
}

/**
 * Of `names`, each declared by one chunk (`home`), those that occur as whole words in the code
 * (strings included, comments not) of another chunk: where the word pattern below would find them.
 */
function namedElsewhere(text: string, chunks: readonly Chunk[], names: readonly string[], home: (name: string) => Chunk): Set<string> {
  const found = new Set<string>();
  forEachWordOf(text, names, (at, name) => {
    const own = home(name);
    if (found.has(name) || (at >= own.start && at < own.end)) return;
    if (!inComment(chunks[chunkIndexAt(chunks, at)], at)) found.add(name);
  });
  return found;
}

/**
 * The identifier lists that open a constant declaration's specs: after `const`, `(`, `;` or at a
 * line start. A continued expression's first word is taken too, which does no harm.
 */
const CONST_NAMES = new RegExp(`(?:^|[;(])[ \\t]*(?:const[ \\t]*\\(?[ \\t]*)?(${IDENTIFIER}(?:[ \\t]*,[ \\t]*${IDENTIFIER})*)`, 'gm');

/**
 * The names of the functions, methods and constants a chunk declares (none for types and
 * variables, which rules that read by name do not read); undefined where the scan cannot tell:
 * a second declaration in the chunk, a function name it did not read, a block comment that may hide
 * a constant's name.
 */
function declaredNames(text: string, chunk: Chunk): readonly string[] | undefined {
  if (chunk.holdsMore) return undefined;
  if (chunk.keyword === 'func') return chunk.funcName === undefined ? undefined : [chunk.funcName];
  if (chunk.keyword !== 'const') return [];
  for (let i = 0; i < chunk.comments.length; i += 2) if (text.startsWith('/*', chunk.comments[i])) return undefined;
  const names = Array.from(text.slice(chunk.start, chunk.end).matchAll(CONST_NAMES), (m) => m[1].split(/[ \t]*,[ \t]*/)).flat();
  // `const (` on a line of its own matches as a name.
  return names.filter((name) => name !== 'const');
}
