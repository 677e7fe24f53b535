import type { LeakLensConfig } from '../engine/config';
import type { Finding } from '../engine/types';
import type { RuleErrorHandler } from '../go/analyzer';

export interface ManifestInput {
  path: string;
  text: string;
}

/** Placeholder until the Kubernetes engine lands: no manifest findings. */
export function analyzeManifests(
  targets: readonly ManifestInput[],
  _config: LeakLensConfig,
  _onError: RuleErrorHandler,
  _workspace: readonly ManifestInput[] = [],
): Map<string, Finding[]> {
  return new Map(targets.map((t) => [t.path, []]));
}
