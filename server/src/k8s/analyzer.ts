/**
 * Runs the Kubernetes rules over manifest files: parse each file once, run every enabled rule, then
 * apply configuration, comment and annotation suppressions.
 */
import { isNode, isPair, isScalar, stringify, type Node } from 'yaml';
import { defaultConfig, effectiveSeverity, rulesOn, sectionEnabled, type LeakLensConfig } from '../engine/config';
import { DirectiveReader } from '../engine/suppress';
import { compareFindings, findingOf, type Finding, type Notice, type RuleErrorHandler, type Severity } from '../engine/types';
import { batchFixes } from './fixBatches';
import { HelmTemplates } from './helm';
import {
  indexManifest,
  indexObjects,
  isManifestIndex,
  WorkspaceObjects,
  type ManifestIndex,
  type ManifestInput,
  type PodTemplateInfo,
} from './manifestIndex';
import { ManifestFile } from './manifestFile';
import type { K8sObject } from './objects';
import { podSpecOf } from './podSpec';
import type { K8sLocation, K8sRule, K8sRuleContext } from './rule';
import { k8sRules } from './rules';
import { rulesSilencedForObject } from './suppressAnnotations';
import { YamlEditor } from './yamlEdits';

export { indexManifest, type ManifestIndex, type ManifestInput, type PodTemplateInfo, type RuleErrorHandler };

/** The configuration section of manifests: `kubernetes: {enabled}`. */
export const K8S_SECTION = 'kubernetes';

const directives = new DirectiveReader(k8sRules);

/** A workspace file as text, or as the index the language server cached for it. */
export type WorkspaceManifest = ManifestInput | ManifestIndex;

/**
 * Findings per target path. Cross-file rules (k8s/dangling-service) see the targets and `workspace`
 * together; a workspace entry with a target's path is ignored (the target's text is newer). A Go
 * template is skipped with a notice: Helm charts go through analyzeManifestSet (manifestSet.ts),
 * which renders or masks their templates first.
 */
export function analyzeManifests(
  targets: readonly ManifestInput[],
  config: LeakLensConfig,
  onError: RuleErrorHandler,
  options: AnalyzeOptions = {},
): Map<string, Finding[]> {
  return analyzeManifestsWith(k8sRules, targets, config, onError, options);
}

export interface AnalyzeOptions {
  /** Manifests seen by cross-file rules and not reported on. */
  workspace?: readonly WorkspaceManifest[];
  /** Told about each file not linted (a Go template). */
  onNotice?: (notice: Notice) => void;
  /** False: findings without fixes, for output that shows none (text, SARIF): building edits costs. */
  fixes?: boolean;
}

/** `analyzeManifests` with a chosen rule set (tests run a rule that throws next to the real ones). */
export function analyzeManifestsWith(
  allRules: readonly K8sRule[],
  targets: readonly ManifestInput[],
  config: LeakLensConfig,
  onError: RuleErrorHandler,
  { workspace = [], onNotice = () => {}, fixes = true }: AnalyzeOptions = {},
): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>(targets.map((t) => [t.path, []]));
  if (!sectionEnabled(config, K8S_SECTION)) return out;
  const rules = rulesOn(config, allRules);
  const readKinds = new Set(rules.flatMap((r) => r.kinds));
  const local = rules.filter((r) => !r.crossFile);
  const cross = rules.filter((r) => r.crossFile);
  const helm = new HelmTemplates();
  const targetIndexes: ManifestIndex[] = [];
  const deferred: { file: ManifestFile; raw: RawFinding[] }[] = [];
  for (const t of targets) {
    const file = parseManifest(t, onError, readKinds);
    if (!file) continue;
    if (file.isGoTemplate) {
      onNotice({ file: t.path, kind: 'skipped', message: 'not linted: a Go template outside a Helm chart (no Chart.yaml above its templates/ directory)' });
      continue;
    }
    targetIndexes.push(indexObjects(file.path, file.objects));
    const raw = runRules(file, local, noWorkspace, onError, fixes);
    // Only files holding objects a cross-file rule reads stay in memory until every target is indexed.
    if (cross.some((r) => file.objects.some((o) => r.crossFile!.kinds.includes(o.kind)))) deferred.push({ file, raw });
    else out.set(file.path, finalize(file, raw, config));
  }
  if (deferred.length > 0) {
    const targetPaths = new Set(targets.map((t) => t.path));
    const seen = new WorkspaceObjects([...targetIndexes, ...workspaceIndexes(workspace, targetPaths, helm, onError)]);
    for (const { file, raw } of deferred) {
      out.set(file.path, finalize(file, [...raw, ...runRules(file, cross, () => seen, onError, fixes)], config));
    }
  }
  return out;
}

/** What rules that are not cross-file get for `workspace()`: asking is a bug in the rule. */
const noWorkspace = (): WorkspaceObjects => {
  throw new Error('workspace() is only available to rules with crossFile set');
};

/** A rule-level view of one finding of `lintObject`. */
export interface ObjectFinding {
  rule: string;
  severity: Severity;
  message: string;
}

/**
 * Lints one in-memory object (e.g. a Deployment read from the API server) with the same rules,
 * by serializing it to YAML. Cross-file rules are skipped: one object has no workspace.
 */
export function lintObject(
  obj: unknown,
  config: LeakLensConfig = defaultConfig(),
  onError: RuleErrorHandler = () => {},
): ObjectFinding[] {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return [];
  const { status: _status, ...rest } = obj as Record<string, unknown>;
  const metadata = rest.metadata && typeof rest.metadata === 'object' ? { ...(rest.metadata as object) } : rest.metadata;
  if (metadata && typeof metadata === 'object') delete (metadata as Record<string, unknown>).managedFields;
  let text: string;
  try {
    text = stringify({ ...rest, metadata }, { version: '1.1' });
  } catch (err) {
    onError('k8s/yaml-syntax', err);
    return [];
  }
  const file = parseManifest({ path: 'object.yaml', text }, onError);
  if (!file) return [];
  const rules = rulesOn(config, k8sRules).filter((r) => !r.crossFile);
  return finalize(file, runRules(file, rules, noWorkspace, onError, false), config).map((f) => ({ rule: f.rule, severity: f.severity, message: f.message }));
}

function parseManifest(input: ManifestInput, onError: RuleErrorHandler, readKinds?: ReadonlySet<string>): ManifestFile | undefined {
  try {
    return new ManifestFile(input.path, input.text, { readKinds });
  } catch (err) {
    // The parser reports errors as data; this guards against the unexpected so one file never stops a run.
    onError('k8s/yaml-syntax', err);
    return undefined;
  }
}

/** Indexes of the workspace files that are not targets. */
function workspaceIndexes(
  workspace: readonly WorkspaceManifest[],
  targetPaths: ReadonlySet<string>,
  helm: HelmTemplates,
  onError: RuleErrorHandler,
): ManifestIndex[] {
  const out: ManifestIndex[] = [];
  for (const entry of workspace) {
    if (targetPaths.has(entry.path)) continue;
    try {
      out.push(isManifestIndex(entry) ? entry : indexManifest(entry, helm));
    } catch (err) {
      onError('k8s/dangling-service', err);
    }
  }
  return out;
}

interface RawFinding {
  finding: Finding;
  object?: K8sObject;
}

/** Raw findings of `rules` on one file: no configuration or suppression applied yet. */
function runRules(
  file: ManifestFile,
  rules: readonly K8sRule[],
  workspace: () => WorkspaceObjects,
  onError: RuleErrorHandler,
  fixes = true,
): RawFinding[] {
  const raw: RawFinding[] = [];
  const edits = new YamlEditor(file, { enabled: fixes });
  for (const rule of rules) {
    const ctx: K8sRuleContext = {
      file,
      objects: file.objects,
      edits,
      workspace,
      report(at, message, options) {
        const { start, end } = locate(file, at);
        raw.push({
          object: file.objectAt(start),
          finding: findingOf(rule, message, file.range(start, end), options),
        });
      },
    };
    try {
      rule.check(ctx);
    } catch (err) {
      onError(rule.id, err);
    }
  }
  return raw;
}

function finalize(file: ManifestFile, raw: readonly RawFinding[], config: LeakLensConfig): Finding[] {
  const commented = directives.filter(file.comments());
  const silenced = new Map<K8sObject, Set<string>>();
  const silencedFor = (o: K8sObject) => {
    let set = silenced.get(o);
    if (!set) silenced.set(o, (set = rulesSilencedForObject(o, podSpecOf(o))));
    return set;
  };
  const out: Finding[] = [];
  for (const { finding, object } of raw) {
    const severity = effectiveSeverity(config, finding.rule, finding.severity);
    if (!severity || commented(finding) || (object && silencedFor(object).has(finding.rule))) continue;
    out.push(severity === finding.severity ? finding : { ...finding, severity });
  }
  batchFixes(out, new YamlEditor(file));
  return out.sort(compareFindings);
}

/** Offsets of a finding: a pair's key through its scalar value, or a node's start, clipped to one line. */
function locate(file: ManifestFile, at: K8sLocation): { start: number; end: number } {
  let start: number;
  let end: number;
  if (isPair(at)) {
    const key = at.key as Node | null;
    const value = at.value as Node | null;
    start = key?.range?.[0] ?? 0;
    end = isScalar(value) && value.range && value.range[1] > value.range[0] ? value.range[1] : (key?.range?.[1] ?? start);
  } else if (isNode(at)) {
    start = at.range?.[0] ?? 0;
    end = at.range?.[1] ?? start;
  } else {
    ({ start, end } = at);
  }
  if (file.positionAt(end).line === file.positionAt(start).line) return { start, end };
  const lineEnd = file.nextLineStartOf(start) - 1;
  return { start, end: file.text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd };
}
