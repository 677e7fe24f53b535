/** Every Kubernetes rule, one module each. */
import type { RuleMeta } from '../../engine/types';

export const k8sRules: readonly RuleMeta[] = [];
