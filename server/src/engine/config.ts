/**
 * The configuration model every language shares: rule severities, test-code scope, excludes, and
 * one section per language whose keys that language's schema declares (`go: {version}`). What
 * the sections hold is known only to the layer that supplies the schema.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { SEVERITIES, type RuleMeta, type Severity } from './types';

export type RuleSetting = Severity | 'off';

/** A language section's values, by key: `{ version: '1.22', enabled: true }`. */
export type SectionValues = Readonly<Record<string, string | boolean>>;

/** Effective settings for one analysis run. Absent fields mean "use the rule's default". */
export interface LeakLensConfig {
  /** Per-rule severity or `off`, by current rule id. */
  rules: Record<string, RuleSetting>;
  /**
   * Check test code with every rule (true), with none (false), or as each rule's scope says
   * (undefined) — golangci-lint's `run.tests`.
   */
  tests?: boolean;
  /** Per rule, whether test code is checked; wins over `tests`. */
  ruleTests: Record<string, boolean>;
  /** Globs (relative to `root`) of files never analyzed. */
  exclude: string[];
  /** Each language's section, as its schema read it. */
  sections: Record<string, SectionValues>;
  /** Directory globs are relative to. */
  root?: string;
}

export interface ConfigError {
  file: string;
  key: string;
  message: string;
  /** Zero-based line of the offending key, when known. */
  line?: number;
}

/** Reads one key of a section from its raw value: the value, or why it is refused. */
export type SectionKeyReader = (raw: unknown) => { value: string | boolean } | { error: string };

/** What the layer above the engine tells it about the configuration it reads. */
export interface ConfigSchema {
  /** The current id for a rule id or a former one; undefined for ids no rule has. */
  ruleId(id: string): string | undefined;
  /** The sections, each with the keys it accepts. */
  sections: Readonly<Record<string, Readonly<Record<string, SectionKeyReader>>>>;
}

export const CONFIG_FILE_NAME = '.leaklens.yaml';

export function defaultConfig(root?: string): LeakLensConfig {
  return { rules: {}, ruleTests: {}, exclude: [], sections: {}, root };
}

/** Layers `over` on `base`: only what `over` sets wins (settings override the file only where the user set them). */
export function mergeConfig(base: LeakLensConfig, over: Partial<LeakLensConfig>): LeakLensConfig {
  const sections: Record<string, SectionValues> = { ...base.sections };
  for (const [name, values] of Object.entries(over.sections ?? {})) sections[name] = { ...sections[name], ...values };
  return {
    rules: { ...base.rules, ...over.rules },
    tests: over.tests ?? base.tests,
    ruleTests: { ...base.ruleTests, ...over.ruleTests },
    exclude: [...base.exclude, ...(over.exclude ?? [])],
    sections,
    root: over.root ?? base.root,
  };
}

const RULE_SETTINGS: readonly string[] = [...SEVERITIES, 'off'];

/** A boolean section key. */
export const booleanKey: SectionKeyReader = (raw) =>
  typeof raw === 'boolean' ? { value: raw } : { error: `expected true or false, got "${String(raw)}"` };

/**
 * Reads one rule's setting: a severity or `off`, or a mapping with `severity` and `tests`.
 * Returns what it could read and the problems, by key below the rule.
 */
export function readRuleSetting(raw: unknown): { severity?: RuleSetting; tests?: boolean; problems: { key: string; message: string }[] } {
  const problems: { key: string; message: string }[] = [];
  const severityOf = (v: unknown, key: string): RuleSetting | undefined => {
    if (typeof v === 'string' && RULE_SETTINGS.includes(v)) return v as RuleSetting;
    problems.push({ key, message: `expected one of ${RULE_SETTINGS.join(', ')}, got "${String(v)}"` });
    return undefined;
  };
  if (typeof raw === 'string') return { severity: severityOf(raw, ''), problems };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ key: '', message: `expected a severity, off, or a mapping with severity and tests` });
    return { problems };
  }
  const out: { severity?: RuleSetting; tests?: boolean; problems: typeof problems } = { problems };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'severity') out.severity = severityOf(value, 'severity');
    else if (key === 'tests' && typeof value === 'boolean') out.tests = value;
    else if (key === 'tests') problems.push({ key, message: 'expected true or false' });
    else problems.push({ key, message: 'unknown key (expected severity or tests)' });
  }
  return out;
}

/**
 * Parses `.leaklens.yaml` text. Invalid entries are reported with file, key and line and skipped;
 * everything valid still applies.
 */
export function parseConfigText(text: string, file: string, schema: ConfigSchema): { config: Partial<LeakLensConfig>; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  const config: Partial<LeakLensConfig> = {};
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (node: YamlNode | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line - 1 : undefined);
  const fail = (key: string, message: string, node?: YamlNode | null) => errors.push({ file, key, message, line: lineOf(node) });

  for (const e of doc.errors) {
    errors.push({ file, key: '', message: e.message.split('\n')[0], line: lines.linePos(e.pos[0]).line - 1 });
  }
  if (doc.errors.length > 0 || doc.contents == null) return { config, errors };
  if (!isMap(doc.contents)) {
    fail('', 'expected a mapping at the top level', doc.contents);
    return { config, errors };
  }
  const sectionNames = Object.keys(schema.sections);
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as YamlNode | null;
    if (key === 'rules') {
      if (!isMap(value)) {
        fail('rules', 'expected a mapping of rule id to severity or off', value);
        continue;
      }
      config.rules = {};
      config.ruleTests = {};
      for (const rp of value.items) {
        const given = isScalar(rp.key) ? String(rp.key.value) : '';
        const id = schema.ruleId(given);
        if (!id) {
          fail(`rules.${given}`, `unknown rule "${given}"`, rp.key as YamlNode);
          continue;
        }
        const setting = readRuleSetting(isScalar(rp.value) ? rp.value.value : (rp.value as YamlNode | null)?.toJSON());
        for (const p of setting.problems) fail(`rules.${given}${p.key ? `.${p.key}` : ''}`, p.message, rp.value as YamlNode);
        if (setting.severity) config.rules[id] = setting.severity;
        if (setting.tests !== undefined) config.ruleTests[id] = setting.tests;
      }
    } else if (key === 'tests') {
      if (isScalar(value) && typeof value.value === 'boolean') config.tests = value.value;
      else fail('tests', 'expected true or false', value);
    } else if (key === 'exclude') {
      if (!isSeq(value) || !value.items.every((i) => isScalar(i) && typeof i.value === 'string')) {
        fail('exclude', 'expected a list of glob strings', value);
        continue;
      }
      config.exclude = value.items.map((i) => String((i as { value: unknown }).value));
    } else if (key in schema.sections) {
      const keys = schema.sections[key];
      if (!isMap(value)) {
        fail(key, `expected a mapping with ${Object.keys(keys).join(' or ')}`, value);
        continue;
      }
      const values: Record<string, string | boolean> = {};
      for (const sp of value.items) {
        const sk = isScalar(sp.key) ? String(sp.key.value) : '';
        const read = keys[sk];
        if (!read) {
          fail(`${key}.${sk}`, `unknown key (expected ${Object.keys(keys).join(' or ')})`, sp.key as YamlNode);
          continue;
        }
        // A number keeps its spelling (`version: 1.20` is not 1.2).
        const raw = isScalar(sp.value) ? (typeof sp.value.value === 'number' ? sp.value.source : sp.value.value) : (sp.value as YamlNode | null)?.toJSON();
        const got = read(raw);
        if ('error' in got) fail(`${key}.${sk}`, got.error, sp.value as YamlNode);
        else values[sk] = got.value;
      }
      config.sections = { ...config.sections, [key]: values };
    } else {
      fail(key, `unknown key (expected rules, tests, exclude${sectionNames.map((s) => `, ${s}`).join('')})`, pair.key as YamlNode);
    }
  }
  return { config, errors };
}

/** Loads `.leaklens.yaml` from `file`; a missing file is an empty configuration. */
export function loadConfigFile(file: string, schema: ConfigSchema): { config: Partial<LeakLensConfig>; errors: ConfigError[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, errors: [] };
    return { config: {}, errors: [{ file, key: '', message: `cannot read: ${(err as Error).message}` }] };
  }
  return parseConfigText(text, file, schema);
}

/** False only when the configuration switches a language's section off (`enabled: false`). */
export function sectionEnabled(config: LeakLensConfig, section: string): boolean {
  return config.sections[section]?.enabled !== false;
}

/** Compiles the exclude globs of a config into one predicate over absolute or root-relative paths. */
export function excludeMatcher(config: LeakLensConfig): (file: string) => boolean {
  if (config.exclude.length === 0) return () => false;
  const match = picomatch(config.exclude, { dot: true });
  return (file: string) => {
    const rel = config.root && path.isAbsolute(file) ? path.relative(config.root, file) : file;
    return match(rel.split(path.sep).join('/'));
  };
}

/** What the engine knows about a file when it picks the rules for it. */
export interface FileTraits {
  /** The file is test code (`_test.go`). */
  testCode?: boolean;
}

/** Whether `rule` checks test code under `config`: the rule's setting, then `tests`, then the rule's scope. */
export function checksTestCode(config: LeakLensConfig, rule: Pick<RuleMeta, 'id' | 'scope'>): boolean {
  return config.ruleTests[rule.id] ?? config.tests ?? rule.scope?.tests.checked ?? true;
}

/** Whether the configuration runs `rule`: not turned off, and given a severity when it is off by default. */
export function ruleIsOn(config: LeakLensConfig, rule: Pick<RuleMeta, 'id' | 'offByDefault'>): boolean {
  const setting = config.rules[rule.id];
  return setting !== 'off' && (setting !== undefined || !rule.offByDefault);
}

/** The rules the configuration leaves on for a file with these traits. */
export function rulesOn<R extends Pick<RuleMeta, 'id' | 'scope' | 'offByDefault'>>(config: LeakLensConfig, rules: readonly R[], traits: FileTraits = {}): R[] {
  return rules.filter((r) => ruleIsOn(config, r) && (!traits.testCode || checksTestCode(config, r)));
}

/** The severity a rule's findings get, or undefined when the rule is off. */
export function effectiveSeverity(config: LeakLensConfig, rule: string, reported: Severity): Severity | undefined {
  const setting = config.rules[rule];
  if (setting === 'off') return undefined;
  return setting ?? reported;
}
