/**
 * Lints a set of manifest files the way they are deployed: plain manifests as they are, a Helm
 * chart's templates rendered with `helm template` (findings reported at the template line of their
 * key), or, without helm, read with their actions masked and checked only for values written out.
 * Kustomize patches are fragments, not linted as objects; overlays are named. Every file not
 * linted, every chart linted without its values and every overlay is reported as a notice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LeakLensConfig } from '../engine/config';
import type { Finding, Notice, RuleErrorHandler } from '../engine/types';
import { analyzeManifests, type WorkspaceManifest } from './analyzer';
import { findHelm, HelmTemplates, maskTemplate, renderChart, type HelmOptions } from './helm';
import type { ManifestInput } from './manifestIndex';
import { Kustomizations } from './kustomize';
import { TemplateMap } from './templateMap';

export interface ManifestSetOptions {
  /** Manifests of the workspace seen by cross-file rules (not reported on). */
  workspace?: readonly WorkspaceManifest[];
  helm?: HelmOptions;
  onNotice?: (notice: Notice) => void;
  /** False: no fixes are built (output that shows none). */
  fixes?: boolean;
}

const HELM_HINT =
  'install helm (https://helm.sh/docs/intro/install/), or point LeakLens at it with --helm PATH or the leaklens.helm.path setting';

interface TemplateInput extends ManifestInput {
  /** The template's own text (`text` is what is linted: rendered or masked). */
  template: string;
  rendered: boolean;
}

/** Findings per target path, as analyzeManifests, with Helm charts rendered or masked. */
export function analyzeManifestSet(
  targets: readonly ManifestInput[],
  config: LeakLensConfig,
  onError: RuleErrorHandler,
  options: ManifestSetOptions = {},
): Map<string, Finding[]> {
  const notice = options.onNotice ?? (() => {});
  const helm = new HelmTemplates();
  const out = new Map<string, Finding[]>(targets.map((t) => [t.path, []]));
  const plain: ManifestInput[] = [];
  const charts = new Map<string, ManifestInput[]>();
  const kustomizations = new Kustomizations();
  kustomizations.read(targets.map((t) => t.path));
  const overlays = new Set<string>();
  for (const t of targets) {
    const patchOf = kustomizations.patchOwner(t.path);
    if (patchOf) {
      notice({ file: t.path, kind: 'skipped', message: `not linted: a kustomize patch listed by ${shown(patchOf.file, t.path)}, a fragment of an object; lint the output of \`kustomize build\` to check the result` });
      continue;
    }
    const overlay = kustomizations.of(path.dirname(t.path));
    if (overlay?.bases.length && !overlays.has(overlay.file)) {
      overlays.add(overlay.file);
      const bases = overlay.bases.map((b) => path.relative(path.dirname(overlay.file), b) || '.').join(', ');
      notice({ file: shown(overlay.file, t.path), kind: 'partial', message: `kustomize overlay of ${bases}: its resources are linted as they are, and its patches reach the base's objects only in \`kustomize build\` output` });
    }
    const chart = helm.chartOf(t.path);
    if (chart) {
      const list = charts.get(chart);
      if (list) list.push(t);
      else charts.set(chart, [t]);
    } else plain.push(t);
  }

  const templates: TemplateInput[] = [];
  // Rendered templates of the charts that are not targets: cross-file rules still see their objects.
  const chartContext: ManifestInput[] = [];
  const render = options.helm?.render !== false;
  const binary = charts.size > 0 && render ? findHelm(options.helm?.binary) : undefined;
  for (const [chartDir, files] of charts) {
    const chart = shown(chartDir, files[0].path);
    const masked = () => files.map((f) => ({ path: f.path, text: maskTemplate(f.text), template: f.text, rendered: false }));
    if (!binary) {
      const why = !render ? 'unsaved changes: rendered with helm when saved' : options.helm?.binary ? `helm not found at ${options.helm.binary}` : 'helm not found on PATH';
      notice({ file: chart, kind: 'partial', message: `values not applied (${why}): templates checked only for values written out in them${render ? `; ${HELM_HINT}` : ''}` });
      templates.push(...masked());
      continue;
    }
    const rendering = renderChart(binary, chartDir, options.helm?.values ?? []);
    if ('error' in rendering) {
      notice({ file: chart, kind: 'partial', message: `${rendering.error}: templates checked only for values written out in them` });
      templates.push(...masked());
      continue;
    }
    const targeted = new Set(files.map((f) => path.resolve(f.path)));
    for (const f of files) {
      const docs = rendering.files.get(path.resolve(f.path));
      if (docs) templates.push({ path: f.path, text: docs.join('---\n'), template: f.text, rendered: true });
    }
    const packaged: string[] = [];
    for (const [file, docs] of rendering.files) {
      if (targeted.has(file)) continue;
      chartContext.push({ path: file, text: docs.join('---\n') });
      // A subchart shipped as charts/*.tgz has no template on disk to report on.
      if (!fs.existsSync(file)) packaged.push(path.relative(chartDir, file));
    }
    if (packaged.length) {
      notice({ file: chart, kind: 'partial', message: `not reported: ${packaged.length} rendered template(s) of packaged subcharts (${packaged.slice(0, 3).join(', ')}${packaged.length > 3 ? ', …' : ''}) have no file to report on; unpack them to lint them` });
    }
  }

  const found = analyzeManifests([...plain, ...templates], config, onError, {
    workspace: [...(options.workspace ?? []), ...chartContext],
    onNotice: notice,
    fixes: options.fixes,
  });
  for (const p of plain) out.set(p.path, found.get(p.path) ?? []);
  for (const t of templates) {
    const findings = found.get(t.path) ?? [];
    // Nothing to map (a template skipped with a notice, nested too deep to read, lands here too).
    if (findings.length === 0) {
      out.set(t.path, []);
      continue;
    }
    const map = new TemplateMap(t.path, t.template, t.rendered ? maskTemplate(t.template) : t.text, t.text);
    out.set(t.path, dedupe(t.rendered ? findings.map((f) => map.map(f)) : findings.filter((f) => map.isExplicit(f)).map((f) => ({ ...f, fixes: [] }))));
  }
  return out;
}

/** A chart directory spelled like its files were: relative to the working directory, or absolute. */
function shown(dir: string, sample: string): string {
  return path.isAbsolute(sample) ? dir : path.relative(process.cwd(), dir) || '.';
}

/** One finding per rule, line and message: a `range` loop renders the same template line many times. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings
    .filter((f) => {
      const key = `${f.rule}\0${f.range.start.line}\0${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule));
}
