import { isCronJob, isJob, jobSpecPath, numberAt } from '../jobs';
import { fixIf, type K8sRule } from '../rule';

const DEADLINE_SECONDS = 3600;

export const jobNoDeadline: K8sRule = {
  id: 'k8s/job-no-deadline',
  language: 'k8s',
  kinds: ['Job', 'CronJob'],
  title: 'Job without activeDeadlineSeconds',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'A Job whose pod hangs (a stuck connection, a lock never released) runs forever: it holds its resources, and under a CronJob with `concurrencyPolicy: Forbid` it blocks every later run. `activeDeadlineSeconds` on the Job (or its pod) bounds it. Applies to Jobs and to the jobTemplate of CronJobs; the finding is on the `kind:` line. The fix sets one hour (3600).',
    bad: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template: ...',
    good: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  activeDeadlineSeconds: 3600\n  template: ...',
  },
  check({ objects, edits, report }) {
    for (const o of objects) {
      if (!isJob(o) && !isCronJob(o)) continue;
      const jobSpec = jobSpecPath(o);
      const deadline = [...jobSpec, 'activeDeadlineSeconds'];
      if (numberAt(o, deadline) !== undefined || numberAt(o, [...jobSpec, 'template', 'spec', 'activeDeadlineSeconds']) !== undefined) continue;
      report(o.kindPair, `${isJob(o) ? 'Job' : "CronJob's job"} has no activeDeadlineSeconds: a hung run never ends`, {
        fixes: fixIf(`Set activeDeadlineSeconds: ${DEADLINE_SECONDS}`, edits.set(o.node, deadline, DEADLINE_SECONDS)),
      });
    }
  },
};
