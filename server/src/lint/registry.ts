/** The rule registry: every rule of every language, looked up by id (former ids included). */
import { goRules } from '../go/rules';
import { k8sRules } from '../k8s/rules';
import type { RuleMeta } from '../engine/types';

export const allRules: readonly RuleMeta[] = [...goRules, ...k8sRules];

const byId = new Map(allRules.flatMap((r) => [r.id, ...(r.formerIds ?? [])].map((id) => [id, r] as const)));

/** Current rule ids (former ids are not listed). */
export const ruleIds: ReadonlySet<string> = new Set(allRules.map((r) => r.id));

/** The rule with this id or former id. */
export function ruleById(id: string): RuleMeta | undefined {
  return byId.get(id);
}

/** Where a rule's documentation lives: its section of docs/rules.md in the repository. */
export const DOCS_BASE_URL = 'https://github.com/leaklens/leaklens/blob/main/docs/rules.md';

export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE_URL}#${id.replace(/[^a-z0-9-]/g, '')}`;
}
