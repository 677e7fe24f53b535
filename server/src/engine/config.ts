import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { SEVERITIES, type Severity } from './types';

export type RuleSetting = Severity | 'off';

/** Effective settings for one analysis run. Absent fields mean "use the rule's default". */
export interface LeakLensConfig {
  /** Per-rule severity or `off`. */
  rules: Record<string, RuleSetting>;
  /** Globs (relative to `root`) of files never analyzed. */
  exclude: string[];
  /** Go language version to assume, e.g. "1.22"; overrides go.mod. */
  goVersion?: string;
  /** Analyze Go files / Kubernetes manifests. */
  enableGo: boolean;
  enableKubernetes: boolean;
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

export const CONFIG_FILE_NAME = '.leaklens.yaml';

export function defaultConfig(root?: string): LeakLensConfig {
  return { rules: {}, exclude: [], enableGo: true, enableKubernetes: true, root };
}

/** Layers `over` on `base`: only what `over` sets wins (settings override the file only where the user set them). */
export function mergeConfig(base: LeakLensConfig, over: Partial<LeakLensConfig>): LeakLensConfig {
  return {
    rules: { ...base.rules, ...over.rules },
    exclude: [...base.exclude, ...(over.exclude ?? [])],
    goVersion: over.goVersion ?? base.goVersion,
    enableGo: over.enableGo ?? base.enableGo,
    enableKubernetes: over.enableKubernetes ?? base.enableKubernetes,
    root: over.root ?? base.root,
  };
}

const RULE_SETTINGS: readonly string[] = [...SEVERITIES, 'off'];

/**
 * Parses `.leaklens.yaml` text. Invalid entries are reported with file, key and line and skipped;
 * everything valid still applies.
 */
export function parseConfigText(
  text: string,
  file: string,
  knownRules: ReadonlySet<string>,
): { config: Partial<LeakLensConfig>; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  const config: Partial<LeakLensConfig> = {};
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (node: YamlNode | null | undefined) =>
    node?.range ? lines.linePos(node.range[0]).line - 1 : undefined;
  const fail = (key: string, message: string, node?: YamlNode | null) =>
    errors.push({ file, key, message, line: lineOf(node) });

  for (const e of doc.errors) {
    errors.push({ file, key: '', message: e.message.split('\n')[0], line: lines.linePos(e.pos[0]).line - 1 });
  }
  if (doc.errors.length > 0 || doc.contents == null) return { config, errors };
  if (!isMap(doc.contents)) {
    fail('', 'expected a mapping at the top level', doc.contents);
    return { config, errors };
  }
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as YamlNode | null;
    switch (key) {
      case 'rules': {
        if (!isMap(value)) {
          fail('rules', 'expected a mapping of rule id to severity or off', value);
          break;
        }
        config.rules = {};
        for (const rp of value.items) {
          const id = isScalar(rp.key) ? String(rp.key.value) : '';
          const setting = isScalar(rp.value) ? String(rp.value.value) : '';
          const at = `rules.${id}`;
          if (!knownRules.has(id)) fail(at, `unknown rule "${id}"`, rp.key as YamlNode);
          else if (!RULE_SETTINGS.includes(setting))
            fail(at, `expected one of ${RULE_SETTINGS.join(', ')}, got "${setting}"`, rp.value as YamlNode);
          else config.rules[id] = setting as RuleSetting;
        }
        break;
      }
      case 'exclude': {
        if (!isSeq(value) || !value.items.every((i) => isScalar(i) && typeof i.value === 'string')) {
          fail('exclude', 'expected a list of glob strings', value);
          break;
        }
        config.exclude = value.items.map((i) => String((i as { value: unknown }).value));
        break;
      }
      case 'go': {
        if (!isMap(value)) {
          fail('go', 'expected a mapping with "version"', value);
          break;
        }
        for (const gp of value.items) {
          const gk = isScalar(gp.key) ? String(gp.key.value) : '';
          const gv = isScalar(gp.value) ? String(gp.value.value) : '';
          if (gk === 'version' && parseGoVersion(gv)) config.goVersion = gv;
          else if (gk === 'version') fail('go.version', `expected a Go version like "1.22", got "${gv}"`, gp.value as YamlNode);
          else if (gk === 'enabled' && (gv === 'true' || gv === 'false')) config.enableGo = gv === 'true';
          else fail(`go.${gk}`, 'unknown key (expected version or enabled)', gp.key as YamlNode);
        }
        break;
      }
      case 'kubernetes': {
        const enabled = isMap(value) ? value.get('enabled') : undefined;
        if (typeof enabled !== 'boolean') fail('kubernetes.enabled', 'expected true or false', value);
        else config.enableKubernetes = enabled;
        break;
      }
      default:
        fail(key, 'unknown key (expected rules, exclude, go or kubernetes)', pair.key as YamlNode);
    }
  }
  return { config, errors };
}

/** Loads `.leaklens.yaml` from `file`; a missing file is an empty configuration. */
export function loadConfigFile(
  file: string,
  knownRules: ReadonlySet<string>,
): { config: Partial<LeakLensConfig>; errors: ConfigError[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, errors: [] };
    return { config: {}, errors: [{ file, key: '', message: `cannot read: ${(err as Error).message}` }] };
  }
  return parseConfigText(text, file, knownRules);
}

/** "1.22" or "1.22.3" -> [1, 22]; undefined when it is not a Go version. */
export function parseGoVersion(v: string): [number, number] | undefined {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.\d+)?(?:rc\d+|beta\d+)?$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function goVersionAtLeast(v: string | undefined, major: number, minor: number): boolean {
  const parsed = v ? parseGoVersion(v) : undefined;
  if (!parsed) return false;
  return parsed[0] > major || (parsed[0] === major && parsed[1] >= minor);
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

/** The rules the configuration does not turn off. */
export function rulesOn<R extends { id: string }>(config: LeakLensConfig, rules: readonly R[]): R[] {
  return rules.filter((r) => config.rules[r.id] !== 'off');
}

/** The severity a rule's findings get, or undefined when the rule is off. */
export function effectiveSeverity(
  config: LeakLensConfig,
  rule: string,
  reported: Severity,
): Severity | undefined {
  const setting = config.rules[rule];
  if (setting === 'off') return undefined;
  return setting ?? reported;
}
