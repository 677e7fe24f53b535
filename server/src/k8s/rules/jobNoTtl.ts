import { isJob, numberAt } from '../jobs';
import { fixIf, type K8sRule } from '../rule';

const TTL_SECONDS = 86400;

export const jobNoTtl: K8sRule = {
  id: 'k8s/job-no-ttl',
  language: 'k8s',
  kinds: ['Job', 'CronJob'],
  title: 'Job without ttlSecondsAfterFinished',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'A finished Job and its pods stay in the cluster until someone deletes them: their objects fill etcd, their logs and pod records pile up, and each re-run adds more. `ttlSecondsAfterFinished` lets the TTL controller delete them. Jobs created by a CronJob are cleaned up by its history limits instead and are not flagged. The fix sets one day (86400).',
    bad: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template: ...',
    good: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  ttlSecondsAfterFinished: 86400\n  template: ...',
  },
  check({ objects, edits, report }) {
    for (const o of objects) {
      if (!isJob(o) || numberAt(o, ['spec', 'ttlSecondsAfterFinished']) !== undefined) continue;
      report(o.kindPair, 'Job has no ttlSecondsAfterFinished: it and its pods stay in the cluster after it finishes', {
        fixes: fixIf(`Set ttlSecondsAfterFinished: ${TTL_SECONDS}`, edits.set(o.node, ['spec', 'ttlSecondsAfterFinished'], TTL_SECONDS)),
      });
    }
  },
};
