/** Which rules to run on a text: the words it holds lead to the rules they may wake. */
import type { PackageIndex } from './packageIndex';
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
  /** The same for tokens that are not words (`<-`): looked for as plain text. */
  readAnywhereTokens: readonly string[];
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
    const anywhere = rules.flatMap((r) => r.readsAnywhere ?? []);
    const readAnywhere = new Set(anywhere.filter((w) => /^\w+$/.test(w)));
    const readAnywhereTokens = [...new Set(anywhere.filter((w) => !/^\w+$/.test(w)))];
    const find = wordFinder(rules.flatMap((r) => [...(r.triggers ?? []), ...(r.alsoRequires ?? [])]).concat([...readAnywhere]));
    plansByKey.set(key, (plan = { find, woken, always, readAnywhere, readAnywhereTokens }));
  }
  plansByList.set(rules, plan);
  return plan;
}

/** The words a package adds to the rules' triggers (GoRule.packageTriggers) and whom they wake. */
interface PackagePlan {
  find: (text: string) => Set<string>;
  woken: Map<string, number[]>;
}

/** Per package index and rule list; null when the package adds no word (most packages). */
const packagePlans = new WeakMap<PackageIndex, WeakMap<readonly GoRule[], PackagePlan | null>>();

function packagePlan(rules: readonly GoRule[], pkg: PackageIndex | undefined): PackagePlan | undefined {
  if (!pkg) return undefined;
  let byRules = packagePlans.get(pkg);
  if (!byRules) packagePlans.set(pkg, (byRules = new WeakMap()));
  let plan = byRules.get(rules);
  if (plan === undefined) {
    const woken = new Map<string, number[]>();
    rules.forEach((rule, i) => {
      for (const word of rule.packageTriggers?.(pkg) ?? []) woken.set(word, [...(woken.get(word) ?? []), i]);
    });
    plan = woken.size ? { find: wordFinder([...woken.keys()]), woken } : null;
    byRules.set(rules, plan);
  }
  return plan ?? undefined;
}

/**
 * The rules whose triggers (one of them, or one the package adds) and also-required words (all of
 * them) occur in `source`, in list order: the words found lead to the rules, rather than every
 * rule's words being looked up.
 */
export function rulesToRun(rules: readonly GoRule[], source: string, pkg?: PackageIndex): GoRule[] {
  const plan = rulePlan(rules);
  return rulesWoken(rules, plan, plan.find(source), packageWoken(rules, source, pkg));
}

/** Positions of the rules the package's words in `source` wake. */
function packageWoken(rules: readonly GoRule[], source: string, pkg: PackageIndex | undefined): number[] {
  const plan = packagePlan(rules, pkg);
  return plan ? [...plan.find(source)].flatMap((w) => plan.woken.get(w) ?? []) : [];
}

/** The rules `present` words (and the package's words) wake whose also-required words are all present too, in list order. */
function rulesWoken(rules: readonly GoRule[], plan: RulePlan, present: Set<string>, fromPackage: readonly number[] = []): GoRule[] {
  const picked = new Set<number>([...plan.always, ...fromPackage]);
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
 * True when the rules need the syntax of a declaration with this text: one of them may check it,
 * or a file-scoped rule looks for a word it holds.
 */
export function rulesRead(rules: readonly GoRule[], text: string, pkg?: PackageIndex): boolean {
  const plan = rulePlan(rules);
  if (plan.readAnywhereTokens.some((t) => text.includes(t))) return true;
  const present = plan.find(text);
  for (const word of present) if (plan.readAnywhere.has(word)) return true;
  return rulesWoken(rules, plan, present, packageWoken(rules, text, pkg)).length > 0;
}
