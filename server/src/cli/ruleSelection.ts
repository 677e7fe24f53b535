/** `--enable RULE`, `--disable RULE` and `--list-rules`: which rules run, on the command line. */
import { ruleIsOn, type LeakLensConfig } from '../engine/config';
import type { RuleMeta } from '../engine/types';
import { allRules, ruleById, ruleDocsUrl } from '../lint/registry';

/** Rule ids of repeated or comma-separated flag values, current ids for former ones; `unknown` lists the rest. */
export function resolveRuleIds(values: readonly string[]): { ids: string[]; unknown: string[] } {
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const given of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) {
    const rule = ruleById(given);
    if (rule) ids.push(rule.id);
    else unknown.push(given);
  }
  return { ids, unknown };
}

/**
 * The configuration with `--enable` and `--disable` applied over it: an enabled rule that the
 * configuration switched off, or that is off by default, runs at its default severity; a disabled
 * rule is off. Both name the
 * same rule: the later flag on the command line wins (`order` lists them as given).
 */
export function withRuleFlags(config: LeakLensConfig, order: readonly { enable: boolean; id: string }[]): LeakLensConfig {
  if (order.length === 0) return config;
  const rules = { ...config.rules };
  for (const { enable, id } of order) {
    const rule = ruleById(id);
    if (!enable) rules[id] = 'off';
    else if (rules[id] === 'off' || rules[id] === undefined) rules[id] = rule!.defaultSeverity;
  }
  return { ...config, rules };
}

function effective(config: LeakLensConfig, rule: RuleMeta): string {
  return ruleIsOn(config, rule) ? (config.rules[rule.id] ?? rule.defaultSeverity) : 'off';
}

/** Every rule with what the configuration makes of it: text columns, or JSON. */
export function listRules(config: LeakLensConfig, json: boolean): string {
  if (json) {
    const rules = allRules.map((r) => ({
      id: r.id,
      language: r.language,
      title: r.title,
      enabled: ruleIsOn(config, r),
      severity: effective(config, r),
      defaultSeverity: r.defaultSeverity,
      fixable: r.fixable,
      peerNames: r.peerNames ?? [],
      formerIds: r.formerIds ?? [],
      docs: ruleDocsUrl(r.id),
    }));
    return JSON.stringify({ version: 1, rules }, null, 2) + '\n';
  }
  const idWidth = Math.max(...allRules.map((r) => r.id.length));
  return allRules
    .map((r) => `${r.id.padEnd(idWidth)}  ${effective(config, r).padEnd(7)}  ${r.fixable ? 'fix' : '   '}  ${r.title}\n`)
    .join('');
}
