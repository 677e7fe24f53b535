/** Which rules to run on a text: the words it holds lead to the rules they may wake. */
import type { GoRule } from './rule';
import { wordFinder } from './words';

/** How a list of rules is dispatched on a declaration: which words to look for and whom they wake. */
interface RulePlan {
  /** Which of the rules' trigger (and also-required) words a text holds, found in one pass. */
  find: (text: string) => Set<string>;
  /** Positions in the list of the rules each trigger word may wake. */
  woken: Map<string, number[]>;
  /** Positions of rules without triggers: they run on every declaration. */
  always: number[];
  /** Words file-scoped rules look for in any declaration (GoRule.readsAnywhere). */
  readAnywhere: ReadonlySet<string>;
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
    const readAnywhere = new Set(rules.flatMap((r) => r.readsAnywhere ?? []));
    const find = wordFinder(rules.flatMap((r) => [...(r.triggers ?? []), ...(r.alsoRequires ?? [])]).concat([...readAnywhere]));
    plansByKey.set(key, (plan = { find, woken, always, readAnywhere }));
  }
  plansByList.set(rules, plan);
  return plan;
}

/**
 * The rules whose triggers (one of them) and also-required words (all of them) occur in `source`,
 * in list order: the words found lead to the rules, rather than every rule's words being looked up.
 */
export function rulesToRun(rules: readonly GoRule[], source: string): GoRule[] {
  const plan = rulePlan(rules);
  return rulesWoken(rules, plan, plan.find(source));
}

/** The rules `present` words wake whose also-required words are all present too, in list order. */
function rulesWoken(rules: readonly GoRule[], plan: RulePlan, present: Set<string>): GoRule[] {
  const picked = new Set<number>(plan.always);
  for (const word of present) for (const i of plan.woken.get(word) ?? []) picked.add(i);
  const out: GoRule[] = [];
  for (const i of [...picked].sort((a, b) => a - b)) {
    const needs = rules[i].alsoRequires;
    if (!needs || needs.every((w) => present.has(w))) out.push(rules[i]);
  }
  return out;
}

/** True when some rule runs on every declaration, so none can be left unparsed. */
export function checksEveryDeclaration(rules: readonly GoRule[]): boolean {
  return rulePlan(rules).always.length > 0;
}

/**
 * What the rules need of a declaration with this text: to check it (one of them may flag it), and
 * to see it while checking any other (a file-scoped rule looks for a word it holds).
 */
export function declarationNeeds(rules: readonly GoRule[], text: string): { checked: boolean; readAnywhere: boolean } {
  const plan = rulePlan(rules);
  const present = plan.find(text);
  let readAnywhere = false;
  for (const word of present) if (plan.readAnywhere.has(word)) readAnywhere = true;
  return { checked: rulesWoken(rules, plan, present).length > 0, readAnywhere };
}
