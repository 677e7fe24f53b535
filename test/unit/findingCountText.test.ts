/** The status bar counts what the Problems view lists: errors, warnings and infos; hints only in the tooltip. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countText, countTooltip } from '../../client/src/findingCountText';

test('per severity, as the Problems view counts; hints are named in the tooltip only', () => {
  const count = { total: 12, files: 4, bySeverity: { error: 1, warning: 5, info: 3, hint: 3 } };
  assert.equal(countText(count), '$(error) 1 $(warning) 5 $(info) 3');
  assert.equal(countTooltip(count), 'LeakLens: 1 error, 5 warnings, 3 infos in the Problems view, in 4 files. 3 hints are shown in the editor only. Click to open the Problems view.');
  assert.equal(countText({ total: 2, files: 1, bySeverity: { error: 0, warning: 1, info: 0, hint: 1 } }), '$(warning) 1');
  assert.equal(countText({ total: 1, files: 1, bySeverity: { error: 0, warning: 0, info: 0, hint: 1 } }), '', 'only hints: nothing the Problems view lists');
  assert.equal(countText(undefined), '');
});
