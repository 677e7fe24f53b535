/**
 * Live lint: each workload read from the cluster goes through the same Kubernetes rules as a
 * manifest file (the engine's `lintObject`; cross-file rules are skipped for a single object).
 */
import { defaultConfig, type LeakLensConfig } from '../../../server/src/engine/config';
import { lintObject } from '../../../server/src/k8s/analyzer';
import type { KubeObject } from './kube';
import type { LintFinding, Linter } from './namespaceStore';

export function createLinter(config: LeakLensConfig = defaultConfig()): Linter {
  return (obj: KubeObject): LintFinding[] => {
    const errors: LintFinding[] = [];
    const findings = lintObject(obj, config, (rule, e) => errors.push({ rule, severity: 'info', message: `the rule failed: ${(e as Error)?.message ?? e}` }));
    return [...findings, ...errors];
  };
}
