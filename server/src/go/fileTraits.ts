/** What the engine's rule scopes need to know of a Go file. */
import type { FileTraits } from '../engine/config';

/** Directories that by Go convention hold test support: helpers, fakes and servers for tests. */
const TEST_SUPPORT_DIR = /(^|[\\/])(testutils?|testhelpers?|testing|httptest)[\\/][^\\/]*$/;

/**
 * `_test.go` files are test code; so is a file in a test-support directory (`…/testutil/`, `…/httptest/`,
 * `…/testing/`), and, once its imports are known, a file that imports "testing": helpers, fakes and
 * servers that run only under go test.
 */
export function goFileTraits(path: string, imports?: readonly { path: string }[]): FileTraits {
  return { testCode: path.endsWith('_test.go') || TEST_SUPPORT_DIR.test(path) || !!imports?.some((i) => i.path === 'testing') };
}
