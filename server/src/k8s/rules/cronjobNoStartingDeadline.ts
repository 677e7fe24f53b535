import { isCronJob, numberAt } from '../jobs';
import { fixIf, type K8sRule } from '../rule';

const STARTING_DEADLINE_SECONDS = 300;

export const cronjobNoStartingDeadline: K8sRule = {
  id: 'k8s/cronjob-no-starting-deadline',
  language: 'k8s',
  kinds: ['CronJob'],
  title: 'CronJob without startingDeadlineSeconds',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'Without `startingDeadlineSeconds` the controller counts every schedule missed since the last run (controller downtime, a suspended CronJob, a Forbid policy blocking runs); after 100 missed schedules it stops scheduling the CronJob altogether, and otherwise it starts a backlog run at an unexpected time. A deadline makes late runs be skipped instead. The fix sets 300 seconds.',
    bad: 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: "0 * * * *"\n  jobTemplate: ...',
    good: 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: "0 * * * *"\n  startingDeadlineSeconds: 300\n  jobTemplate: ...',
  },
  check({ objects, edits, report }) {
    for (const o of objects) {
      if (!isCronJob(o) || numberAt(o, ['spec', 'startingDeadlineSeconds']) !== undefined) continue;
      report(o.kindPair, 'CronJob has no startingDeadlineSeconds: missed schedules pile up and can stop it from being scheduled', {
        fixes: fixIf(`Set startingDeadlineSeconds: ${STARTING_DEADLINE_SECONDS}`, edits.set(o.node, ['spec', 'startingDeadlineSeconds'], STARTING_DEADLINE_SECONDS)),
      });
    }
  },
};
