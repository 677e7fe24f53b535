import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notCheckedCount, notCheckedLines } from '../../client/src/notChecked';

test('the status bar names each file and rule not checked, why, and when it comes back', () => {
  const now = Date.parse('2026-12-06T10:00:00Z');
  const status = {
    skippedFiles: [{ uri: 'file:///w/sql.go', reason: 'its analysis did not finish within 5 s of CPU time; it is checked again when it changes' }],
    rulesOff: [
      { rule: 'go/lost-cancel', reason: 'used 400 ms of CPU time on one declaration of /w/a.go (budget 250 ms)', retryAt: now + 90_000 },
      { rule: 'k8s/image-latest', reason: 'threw on /w/d.yaml: boom' },
    ],
  };
  assert.equal(notCheckedCount(status), 3);
  assert.deepEqual(notCheckedLines(status, now), [
    'Not checking sql.go: its analysis did not finish within 5 s of CPU time; it is checked again when it changes.',
    'Rule go/lost-cancel is off: used 400 ms of CPU time on one declaration of /w/a.go (budget 250 ms). It runs again in 90s.',
    'Rule k8s/image-latest is off: threw on /w/d.yaml: boom. Until the server restarts.',
  ]);
  assert.equal(notCheckedCount(undefined), 0);
});
