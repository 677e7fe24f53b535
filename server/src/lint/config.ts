/**
 * The configuration schema of both languages: the `go` and `kubernetes` sections of
 * `.leaklens.yaml` and the settings, read by the engine's generic configuration model.
 */
import { booleanKey, loadConfigFile, sectionEnabled, type ConfigSchema, type LeakLensConfig } from '../engine/config';
import { parseGoVersion } from '../go/gomod';
import { K8S_SECTION } from '../k8s/analyzer';
import { ruleById } from './registry';

export const GO_SECTION = 'go';
export { K8S_SECTION };

/** A Go version like "1.22" (go.mod's `go` directive spelling). */
export function readGoVersion(raw: unknown): { value: string } | { error: string } {
  return typeof raw === 'string' && parseGoVersion(raw) ? { value: raw.trim() } : { error: `expected a Go version like "1.22", got "${String(raw)}"` };
}

export const configSchema: ConfigSchema = {
  ruleId: (id) => ruleById(id)?.id,
  sections: {
    [GO_SECTION]: { version: readGoVersion, enabled: booleanKey },
    [K8S_SECTION]: { enabled: booleanKey },
  },
};

/** The Go version the configuration sets (overriding go.mod), if any. */
export function configuredGoVersion(config: LeakLensConfig): string | undefined {
  const v = config.sections[GO_SECTION]?.version;
  return typeof v === 'string' ? v : undefined;
}

export function goEnabled(config: LeakLensConfig): boolean {
  return sectionEnabled(config, GO_SECTION);
}

export function kubernetesEnabled(config: LeakLensConfig): boolean {
  return sectionEnabled(config, K8S_SECTION);
}

/** Loads a `.leaklens.yaml` with this schema. */
export function loadLeakLensConfig(file: string) {
  return loadConfigFile(file, configSchema);
}
