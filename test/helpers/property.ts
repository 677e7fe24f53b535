/**
 * Seeded, bounded property checks (issue 19). Case i of a property is drawn from seed `seed + i`,
 * so one failing case reruns alone with LEAKLENS_PROPERTY_SEED=<its seed>. A failing case is
 * shrunk (steps left out while it still fails) and reported with its seed and the smallest
 * reproduction found. LEAKLENS_PROPERTY_SCALE=N checks N times the cases (bench/properties.ts).
 */
import { seededRandom } from './random';

export interface Property<C> {
  /** Seed of the first case. */
  seed: number;
  /** Cases in `npm test`; scaled by LEAKLENS_PROPERTY_SCALE. */
  cases: number;
  generate(random: () => number): C;
  /** What went wrong, or undefined when the property holds. */
  check(c: C): Promise<string | undefined>;
  /** Smaller variants of a failing case, most promising first. */
  shrink(c: C): Iterable<C>;
  /** The case as someone would type it into a test. */
  show(c: C): string;
}

/** Checks so many candidates at most while shrinking: a failure is reported in bounded time. */
const SHRINK_BUDGET = 150;

export function propertyScale(): number {
  return Math.max(1, Number(process.env.LEAKLENS_PROPERTY_SCALE ?? 1));
}

/** The seeds this run checks: one when LEAKLENS_PROPERTY_SEED is set (if it belongs to this property), else `cases` × scale. */
function seedsOf(p: Pick<Property<unknown>, 'seed' | 'cases'>): number[] {
  const count = p.cases * propertyScale();
  const only = process.env.LEAKLENS_PROPERTY_SEED;
  if (only !== undefined) {
    const s = Number(only);
    return s >= p.seed && s < p.seed + count ? [s] : [];
  }
  return Array.from({ length: count }, (_, i) => p.seed + i);
}

/** Runs the property over its seeds; throws with seed and minimal reproduction on the first failure. Returns the cases checked. */
export async function checkProperty<C>(p: Property<C>): Promise<number> {
  const seeds = seedsOf(p);
  for (const seed of seeds) {
    const c = p.generate(seededRandom(seed));
    const failure = await p.check(c);
    if (failure === undefined) continue;
    const smallest = await shrink(p, c, failure);
    throw new Error(
      `property failed for seed ${seed} (rerun: LEAKLENS_PROPERTY_SEED=${seed})\n` +
        `${smallest.failure}\nminimal reproduction (${smallest.tries} shrink attempts):\n${p.show(smallest.c)}`,
    );
  }
  return seeds.length;
}

async function shrink<C>(p: Property<C>, c: C, failure: string): Promise<{ c: C; failure: string; tries: number }> {
  let tries = 0;
  let smaller = true;
  while (smaller && tries < SHRINK_BUDGET) {
    smaller = false;
    for (const candidate of p.shrink(c)) {
      if (++tries > SHRINK_BUDGET) break;
      const f = await p.check(candidate);
      if (f !== undefined) {
        c = candidate;
        failure = f;
        smaller = true;
        break;
      }
    }
  }
  return { c, failure, tries };
}

/** The list without one run of elements: halves first, then quarters, down to single elements. */
export function* withoutRuns<T>(list: readonly T[]): Iterable<T[]> {
  for (let size = Math.max(1, Math.floor(list.length / 2)); size >= 1; size = size > 1 ? Math.floor(size / 2) : 0) {
    for (let at = 0; at < list.length; at += size) yield [...list.slice(0, at), ...list.slice(at + size)];
  }
}
