/** Every Go rule, one module each. */
import type { GoRule } from '../rule';
import { contextInStruct } from './contextInStruct';

export const goRules: readonly GoRule[] = [
  contextInStruct,
];
