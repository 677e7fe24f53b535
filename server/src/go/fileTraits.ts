/** What the engine's rule scopes need to know of a Go file by its path. */
import type { FileTraits } from '../engine/config';

/** `_test.go` files are test code. */
export function goFileTraits(path: string): FileTraits {
  return { testCode: path.endsWith('_test.go') };
}
