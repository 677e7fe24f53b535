/** Helm templates are not YAML until rendered: they are skipped without a diagnostic. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Answers "is this file a Helm template?", remembering which directories are charts. */
export class HelmTemplates {
  private readonly charts = new Map<string, boolean>();

  /** A file containing `{{`, or anywhere under the `templates/` directory of a chart (a directory with Chart.yaml). */
  isTemplate(file: string, text: string): boolean {
    if (text.includes('{{')) return true;
    let dir = path.dirname(path.resolve(file));
    for (;;) {
      const parent = path.dirname(dir);
      if (parent === dir) return false;
      if (path.basename(dir) === 'templates' && this.isChart(parent)) return true;
      dir = parent;
    }
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
