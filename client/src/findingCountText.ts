/** What the status bar says about the workspace's findings (free of the vscode module, for tests). */
import type { FindingCount } from './protocol';
import { plural } from './plural';


/** "$(error) 1 $(warning) 5 $(info) 3": the severities the Problems view lists, without the empty ones. */
export function countText(count: FindingCount | undefined): string {
  if (!count) return '';
  const s = count.bySeverity;
  if (!s) return count.total ? `$(warning) ${count.total}` : '';
  return [
    [s.error, '$(error)'],
    [s.warning, '$(warning)'],
    [s.info, '$(info)'],
  ]
    .filter(([n]) => n)
    .map(([n, icon]) => `${icon} ${n}`)
    .join(' ');
}

export function countTooltip(count: FindingCount): string {
  const s = count.bySeverity;
  if (!s) return `LeakLens: ${plural(count.total, 'finding')} in ${plural(count.files, 'file')}. Click to open the Problems view.`;
  const listed = [plural(s.error, 'error'), plural(s.warning, 'warning'), plural(s.info, 'info')].join(', ');
  const hints = s.hint ? ` ${plural(s.hint, 'hint')} ${s.hint === 1 ? 'is' : 'are'} shown in the editor only.` : '';
  return `LeakLens: ${listed} in the Problems view, in ${plural(count.files, 'file')}.${hints} Click to open the Problems view.`;
}
