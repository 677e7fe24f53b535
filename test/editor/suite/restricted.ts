/** The editor suite in Restricted Mode (an untrusted workspace): `run()` is the `extensionTestsPath` entry point. */
import { runMocha } from './mocha';

export function run(): Promise<void> {
  return runMocha(() => import('./restricted.suite'));
}
