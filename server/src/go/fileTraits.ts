/** What the engine's rule scopes need to know of a Go file. */
import type { FileTraits } from '../engine/config';

/**
 * `_test.go` files are test code, and so, once its imports are known, is a file that imports
 * "testing" (helpers, fakes and servers of testutil packages, which run only under go test).
 */
export function goFileTraits(path: string, imports?: readonly { path: string }[]): FileTraits {
  return { testCode: path.endsWith('_test.go') || !!imports?.some((i) => i.path === 'testing') };
}
