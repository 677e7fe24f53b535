/** Which rules to run on a text: the words it holds lead to the rules they may wake. */
import { forEachCodeMatch, type Chunk } from './declChunks';
import type { PackageIndex } from './packageIndex';
import type { GoRule } from './rule';
import { escapeRegExp, wordPattern } from './words';

/** How a list of rules is dispatched on a declaration: which words to look for and whom they wake. */
interface RulePlan {
  /** The words to look for: the rules' trigger, also-required and read-anywhere words, and the package's (see planFor). */
  words: readonly string[];
  /** The same as one search. */
  pattern: RegExp;
  /** Positions in the list of the rules each trigger word may wake. */
  woken: Map<string, number[]>;
  /** Positions of rules without triggers: they run on every declaration. */
  always: number[];
  /** Words file-scoped rules look for in any declaration (GoRule.readsAnywhere), and tokens that are not words (`<-`)... */
  readAnywhere: ReadonlySet<string>;
  /** ... and those of rules that read by name (GoRule.readsByName), which look in functions, methods and constants only where named. */
  readIfNamed: ReadonlySet<string>;
  /** The tokens of both, looked for as plain text; undefined when there are none. */
  tokens?: RegExp;
}

const plansByKey = new Map<string, RulePlan>();
/** By rule list too: callers pass the same list for every declaration, and its key is long. */
const plansByList = new WeakMap<readonly GoRule[], RulePlan>();

/** The plan for a rule list, built once per set of rules. */
function rulePlan(rules: readonly GoRule[]): RulePlan {
  let plan = plansByList.get(rules);
  if (plan) return plan;
  const key = rules.map((r) => r.id).join();
  plan = plansByKey.get(key);
  if (!plan) {
    const woken = new Map<string, number[]>();
    const always: number[] = [];
    rules.forEach((rule, i) => {
      if (!rule.triggers) always.push(i);
      for (const word of rule.triggers ?? []) woken.set(word, [...(woken.get(word) ?? []), i]);
    });
    const readAnywhere = new Set(rules.flatMap((r) => (r.readsByName ? [] : (r.readsAnywhere ?? []))));
    const readIfNamed = new Set(rules.flatMap((r) => (r.readsByName ? (r.readsAnywhere ?? []) : [])));
    const isWord = (w: string) => /^\w+$/.test(w);
    const tokens = [...readAnywhere, ...readIfNamed].filter((w) => !isWord(w));
    const words = rules.flatMap((r) => [...(r.triggers ?? []), ...(r.alsoRequires ?? []), ...(r.readsAnywhere ?? [])]).filter(isWord);
    plan = {
      words,
      pattern: wordPattern(words),
      woken,
      always,
      readAnywhere,
      readIfNamed,
      tokens: tokens.length ? new RegExp([...new Set(tokens)].map(escapeRegExp).join('|'), 'g') : undefined,
    };
    plansByKey.set(key, plan);
  }
  plansByList.set(rules, plan);
  return plan;
}

/** Per package index and rule list: the rule list's plan with the words the package adds (most add none). */
const packagePlans = new WeakMap<PackageIndex, WeakMap<readonly GoRule[], RulePlan>>();

/**
 * The plan for `rules` in the file `pkg` indexes: the rules' own, with the words the package adds
 * to their triggers (GoRule.packageTriggers) searched in the same pass.
 */
function planFor(rules: readonly GoRule[], pkg: PackageIndex | undefined): RulePlan {
  const plan = rulePlan(rules);
  if (!pkg) return plan;
  let byRules = packagePlans.get(pkg);
  if (!byRules) packagePlans.set(pkg, (byRules = new WeakMap()));
  let withPackage = byRules.get(rules);
  if (!withPackage) {
    const woken = new Map(plan.woken);
    let adds = false;
    rules.forEach((rule, i) => {
      for (const word of rule.packageTriggers?.(pkg) ?? []) {
        woken.set(word, [...(woken.get(word) ?? []), i]);
        adds = true;
      }
    });
    const words = [...plan.words, ...[...woken.keys()].filter((w) => !plan.woken.has(w))];
    withPackage = adds ? { ...plan, woken, words, pattern: words.length > plan.words.length ? wordPattern(words) : plan.pattern } : plan;
    byRules.set(rules, withPackage);
  }
  return withPackage;
}

/**
 * The rules whose triggers (one of them, or one the package adds) and also-required words (all of
 * them) occur in `source`, in list order: the words found lead to the rules, rather than every
 * rule's words being looked up. `present`, when given, are the words already found in its code
 * (ChunkNeeds.words): the source is not searched again.
 */
export function rulesToRun(rules: readonly GoRule[], source: string, pkg?: PackageIndex, present?: ReadonlySet<string>): GoRule[] {
  if (!present) {
    const plan = planFor(rules, pkg);
    return rulesWoken(rules, plan, new Set(source.match(plan.pattern)));
  }
  const known = wokenBySet.get(present);
  return known?.rules === rules && known.pkg === pkg ? known.woken : rulesWokenBy(rules, pkg, planFor(rules, pkg), present);
}

/**
 * rulesWoken's last answer for a set of words, with the rules and package it was for (they make the
 * plan): the plan asks it of a chunk's words, then the analysis of the declaration in the chunk.
 */
const wokenBySet = new WeakMap<ReadonlySet<string>, { rules: readonly GoRule[]; pkg?: PackageIndex; woken: GoRule[] }>();

/** rulesWoken, remembered for the set of words. */
function rulesWokenBy(rules: readonly GoRule[], pkg: PackageIndex | undefined, plan: RulePlan, present: ReadonlySet<string>): GoRule[] {
  const woken = rulesWoken(rules, plan, present);
  wokenBySet.set(present, { rules, pkg, woken });
  return woken;
}

/** The rules `present` words wake whose also-required words are all present too, in list order. */
function rulesWoken(rules: readonly GoRule[], plan: RulePlan, present: ReadonlySet<string>): GoRule[] {
  const picked = new Uint8Array(rules.length);
  for (const i of plan.always) picked[i] = 1;
  for (const word of present) for (const i of plan.woken.get(word) ?? []) picked[i] = 1;
  const out: GoRule[] = [];
  for (let i = 0; i < rules.length; i++) {
    const needs = rules[i].alsoRequires;
    if (picked[i] && (!needs || needs.every((w) => present.has(w)))) out.push(rules[i]);
  }
  return out;
}

/** True when some rule runs on every declaration, so none can be left unparsed. */
export function checksEveryDeclaration(rules: readonly GoRule[]): boolean {
  return rulePlan(rules).always.length > 0;
}

/** What the rules need of a chunk of a file. */
export interface ChunkNeeds {
  /** One of them may flag a declaration in it. */
  checked: boolean;
  /** One that reads by name (GoRule.readsByName) may: what its code names is read too. */
  readsByName: boolean;
  /** A file-scoped rule looks for a word it holds while checking other declarations. */
  readAnywhere: boolean;
  /** A function, method or constant declaration that rules reading by name read where it is named. */
  readIfNamed: boolean;
  /** The rules' words (and tokens) its code holds: what wakes rules on it. */
  words: ReadonlySet<string>;
}

const NO_WORDS: ReadonlySet<string> = new Set();

/**
 * What the rules need of each chunk of `text`, by the words in its code: one search over the whole
 * text, each word found counted for the chunk it lies in.
 */
export function chunkNeeds(rules: readonly GoRule[], text: string, chunks: readonly Chunk[], pkg?: PackageIndex): ChunkNeeds[] {
  const plan = planFor(rules, pkg);
  const words: Set<string>[] = [];
  forEachCodeMatch(text, chunks, plan.pattern, (k, word) => (words[k] ??= new Set()).add(word));
  if (plan.tokens) forEachCodeMatch(text, chunks, plan.tokens, (k, token) => (words[k] ??= new Set()).add(token));
  return chunks.map((chunk, k) => {
    const present = words[k] ?? NO_WORDS;
    const woken = rulesWokenBy(rules, pkg, plan, present);
    let readAnywhere = false;
    let readIfNamed = false;
    for (const word of present) {
      if (plan.readAnywhere.has(word)) readAnywhere = true;
      else if (plan.readIfNamed.has(word)) readIfNamed = true;
    }
    // Only functions, methods and constants are read by name; a chunk that holds more is read wherever it is.
    if (readIfNamed && (chunk.holdsMore || (chunk.keyword !== 'func' && chunk.keyword !== 'const'))) readAnywhere = true;
    return { checked: woken.length > 0, readsByName: woken.some((r) => r.readsByName), readAnywhere, readIfNamed: readIfNamed && !readAnywhere, words: present };
  });
}
