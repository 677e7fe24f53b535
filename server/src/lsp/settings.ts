/**
 * The `leaklens.*` settings, as `workspace/configuration` returns them (VS Code nests dotted names:
 * `{ go: { version } }`; flat `"go.version"` keys are accepted too). Unset values come back null and
 * leave `.leaklens.yaml` in charge; set ones override it.
 */
import { readRuleSetting, type LeakLensConfig, type SectionValues } from '../engine/config';
import { configSchema, GO_SECTION, K8S_SECTION, readGoVersion } from '../lint/config';
import type { HelmOptions } from '../k8s/helm';
import type { Scope } from './engine/messages';

export const DEFAULT_MAX_FILE_SIZE = 2_000_000;

export interface Settings {
  /** What the settings override in each folder's configuration. */
  overrides: Partial<LeakLensConfig>;
  scope: Scope;
  maxFileSize: number;
  /** `leaklens.helm.path` and `leaklens.helm.values`: how saved chart templates are rendered. */
  helm: HelmOptions;
}

export interface SettingProblem {
  key: string;
  message: string;
}

/** Reads one `leaklens` settings object; invalid values are reported and ignored. */
export function parseSettings(raw: unknown): { settings: Settings; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const section = isObject(raw) ? raw : {};
  const get = (dotted: string): unknown => {
    if (dotted in section) return section[dotted];
    let value: unknown = section;
    for (const part of dotted.split('.')) value = isObject(value) ? value[part] : undefined;
    return value;
  };
  const overrides: Partial<LeakLensConfig> = {};

  const rules = get('rules');
  if (isObject(rules)) {
    overrides.rules = {};
    overrides.ruleTests = {};
    for (const [given, value] of Object.entries(rules)) {
      if (value == null) continue;
      const id = configSchema.ruleId(given);
      if (!id) {
        problems.push({ key: `leaklens.rules.${given}`, message: `unknown rule "${given}"` });
        continue;
      }
      const setting = readRuleSetting(value);
      for (const p of setting.problems) problems.push({ key: `leaklens.rules.${given}${p.key ? `.${p.key}` : ''}`, message: p.message });
      if (setting.severity) overrides.rules[id] = setting.severity;
      if (setting.tests !== undefined) overrides.ruleTests[id] = setting.tests;
    }
  } else if (rules != null) problems.push({ key: 'leaklens.rules', message: 'expected an object of rule id to severity or "off"' });

  const boolean = (key: string): boolean | undefined => {
    const value = get(key);
    if (typeof value === 'boolean') return value;
    if (value != null) problems.push({ key: `leaklens.${key}`, message: 'expected true or false' });
    return undefined;
  };
  const tests = boolean('tests');
  if (tests !== undefined) overrides.tests = tests;
  const sections: Record<string, Record<string, string | boolean>> = {};
  const goVersion = get('go.version');
  if (typeof goVersion === 'string' && goVersion.trim() !== '') {
    const read = readGoVersion(goVersion);
    if ('value' in read) (sections[GO_SECTION] ??= {}).version = read.value;
    else problems.push({ key: 'leaklens.go.version', message: read.error });
  }
  const enableGo = boolean('go.enable');
  if (enableGo !== undefined) (sections[GO_SECTION] ??= {}).enabled = enableGo;
  const enableKubernetes = boolean('kubernetes.enable');
  if (enableKubernetes !== undefined) (sections[K8S_SECTION] ??= {}).enabled = enableKubernetes;
  if (Object.keys(sections).length) overrides.sections = sections as Record<string, SectionValues>;

  const exclude = get('exclude');
  if (Array.isArray(exclude) && exclude.every((e) => typeof e === 'string')) overrides.exclude = exclude;
  else if (exclude != null) problems.push({ key: 'leaklens.exclude', message: 'expected a list of glob strings' });

  let scope: Scope = 'workspace';
  const rawScope = get('scope');
  if (rawScope === 'workspace' || rawScope === 'openFiles') scope = rawScope;
  else if (rawScope != null) problems.push({ key: 'leaklens.scope', message: 'expected "workspace" or "openFiles"' });

  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  const rawMax = get('maxFileSize');
  if (typeof rawMax === 'number' && rawMax >= 0) maxFileSize = rawMax;
  else if (rawMax != null) problems.push({ key: 'leaklens.maxFileSize', message: 'expected a number of bytes' });

  const helm: HelmOptions = {};
  const helmPath = get('helm.path');
  if (typeof helmPath === 'string' && helmPath.trim() !== '') helm.binary = helmPath.trim();
  else if (helmPath != null && helmPath !== '') problems.push({ key: 'leaklens.helm.path', message: 'expected the path of a helm binary' });
  const values = get('helm.values');
  if (Array.isArray(values) && values.every((v) => typeof v === 'string')) helm.values = values;
  else if (values != null) problems.push({ key: 'leaklens.helm.values', message: 'expected a list of values files' });

  return { settings: { overrides, scope, maxFileSize, helm }, problems };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
