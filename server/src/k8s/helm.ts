/**
 * Helm charts: which files are a chart's templates, how a template reads as YAML with its actions
 * masked, and rendering a chart with `helm template` into the documents of each template file.
 * (A Go template outside any chart is told by ManifestFile.isGoTemplate.)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Answers "which chart holds this template?", remembering which directories are charts. */
export class HelmTemplates {
  private readonly charts = new Map<string, boolean>();

  /** The chart directory (holding Chart.yaml) whose `templates/` holds `file`, if any. */
  chartOf(file: string): string | undefined {
    let dir = path.dirname(path.resolve(file));
    for (;;) {
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      if (path.basename(dir) === 'templates' && this.isChart(parent)) return parent;
      dir = parent;
    }
  }

  /** The chart a file belongs to: as a template, or as one of its own files (Chart.yaml, values.yaml). */
  chartHolding(file: string): string | undefined {
    const dir = path.dirname(path.resolve(file));
    return this.chartOf(file) ?? (this.isChart(dir) ? dir : undefined);
  }

  private isChart(dir: string): boolean {
    let known = this.charts.get(dir);
    if (known === undefined) {
      known = fs.existsSync(path.join(dir, 'Chart.yaml'));
      this.charts.set(dir, known);
    }
    return known;
  }
}

/**
 * The template with every `{{ … }}` action replaced by text of the same length, so offsets and
 * lines stay those of the file: an action alone on its line becomes blanks (an `if`, an `include`
 * of a block), one inside a line becomes `x`s (a value or part of one).
 */
export function maskTemplate(text: string): string {
  const out = text.split('');
  const re = /\{\{[\s\S]*?\}\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const nl = text.indexOf('\n', end);
    const lineEnd = nl < 0 ? text.length : nl;
    const alone = text.slice(lineStart, start).trim() === '' && text.slice(end, lineEnd).replace(/\{\{[\s\S]*?\}\}/g, '').trim() === '';
    for (let i = start; i < end; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = alone ? ' ' : 'x';
  }
  return out.join('');
}

/** Offsets of the masked characters' ranges, for telling literal text from values filled in later. */
export function maskedRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  const re = /\{\{[\s\S]*?\}\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push([m.index, m.index + m[0].length]);
  return out;
}

export interface HelmOptions {
  /** The helm binary: a path, or `helm` looked up on PATH. */
  binary?: string;
  /** Values files applied after the chart's own values.yaml, in order (relative ones from the chart). */
  values?: readonly string[];
  /** False: do not render (an editor buffer with unsaved changes, which helm cannot see): mask instead. */
  render?: boolean;
}

/** The helm to run: the configured binary when it exists, else `helm` on PATH; undefined when there is none. */
export function findHelm(configured: string | undefined): string | undefined {
  if (configured) return fs.existsSync(configured) ? configured : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'helm');
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export type Rendering = { files: Map<string, string[]> } | { error: string };

/** Release name of the rendering: templates that print it get a stable value. */
const RELEASE = 'leaklens';

/**
 * `helm template` of one chart: the rendered documents of each template file (by its path on disk),
 * in order, or why rendering failed.
 */
export function renderChart(helm: string, chartDir: string, values: readonly string[] = []): Rendering {
  const args = ['template', RELEASE, chartDir, ...values.flatMap((v) => ['--values', path.resolve(chartDir, v)])];
  const r = spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
  if (r.error) return { error: `cannot run ${helm}: ${r.error.message}` };
  if (r.status !== 0) return { error: `helm template failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}` };
  return { files: splitBySource(r.stdout, chartDir) };
}

/** Rendered documents grouped by their `# Source: <chart>/templates/x.yaml` line, mapped to paths under `chartDir`. */
export function splitBySource(output: string, chartDir: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const doc of output.split(/^---[ \t]*$/m)) {
    const source = /^# Source: ([^\r\n]+)$/m.exec(doc)?.[1]?.trim();
    if (!source) continue;
    // The first segment is the chart's name, not necessarily its directory's.
    const rel = source.split('/').slice(1).join('/');
    const file = path.join(chartDir, rel);
    const list = files.get(file);
    const text = doc.replace(/^\r?\n/, '');
    if (list) list.push(text);
    else files.set(file, [text]);
  }
  return files;
}
