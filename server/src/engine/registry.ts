/** The rule registry: every rule of both languages, looked up by id. */
import { goRules } from '../go/rules';
import { k8sRules } from '../k8s/rules';
import type { RuleMeta } from './types';

export const allRules: readonly RuleMeta[] = [...goRules, ...k8sRules];

const byId = new Map(allRules.map((r) => [r.id, r]));

export const ruleIds: ReadonlySet<string> = new Set(byId.keys());

export function ruleById(id: string): RuleMeta | undefined {
  return byId.get(id);
}

/** Where a rule's documentation lives: its section of docs/rules.md in the repository. */
export const DOCS_BASE_URL = 'https://github.com/leaklens/leaklens/blob/main/docs/rules.md';

export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE_URL}#${id.replace(/[^a-z0-9-]/g, '')}`;
}
