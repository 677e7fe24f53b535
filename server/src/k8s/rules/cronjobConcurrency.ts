import { isCronJob } from '../jobs';
import { mapAt, pairOf, stringOf } from '../nodes';
import { fixIf, type K8sRule } from '../rule';

export const cronjobConcurrency: K8sRule = {
  id: 'k8s/cronjob-concurrency',
  language: 'k8s',
  kinds: ['CronJob'],
  title: 'CronJob allows overlapping runs',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'The default `concurrencyPolicy: Allow` starts the next run even when the previous one is still going: a run that gets slower than its schedule makes runs overlap and accumulate until they exhaust the namespace quota or the database they share. Use `Forbid` (skip a run while one is active) or `Replace`.',
    bad: 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate: ...',
    good: 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: "*/5 * * * *"\n  concurrencyPolicy: Forbid\n  jobTemplate: ...',
  },
  check({ objects, edits, report }) {
    for (const o of objects) {
      if (!isCronJob(o)) continue;
      const policy = stringOf(pairOf(mapAt(o.node, 'spec'), 'concurrencyPolicy')?.value);
      if (policy === 'Forbid' || policy === 'Replace') continue;
      report(o.kindPair, `CronJob ${policy ? `has concurrencyPolicy: ${policy}` : 'has no concurrencyPolicy (Allow)'}: slow runs overlap and accumulate`, {
        fixes: fixIf('Set concurrencyPolicy: Forbid', edits.set(o.node, ['spec', 'concurrencyPolicy'], 'Forbid')),
      });
    }
  },
};
