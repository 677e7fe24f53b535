/** Jobs and CronJobs: where their settings live. */
import { mapAt, numberOf, pairOf } from './nodes';
import type { K8sObject } from './objects';
import { isKind } from './podSpec';

export const isJob = (o: K8sObject) => isKind(o, 'Job', ['batch']);
export const isCronJob = (o: K8sObject) => isKind(o, 'CronJob', ['batch']);

/** Path from a Job or CronJob to the Job spec (a CronJob's is its jobTemplate's). */
export function jobSpecPath(o: K8sObject): string[] {
  return isCronJob(o) ? ['spec', 'jobTemplate', 'spec'] : ['spec'];
}

/** A number set at `path` under `o`, or undefined when absent, empty or not a number. */
export function numberAt(o: K8sObject, path: readonly string[]): number | undefined {
  return numberOf(pairOf(mapAt(o.node, ...path.slice(0, -1)), path[path.length - 1])?.value);
}
