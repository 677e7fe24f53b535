/** The editor suite in a trusted workspace: `run()` is the `extensionTestsPath` entry point. */
import { runMocha } from './mocha';

export function run(): Promise<void> {
  return runMocha(() => import('./extension.suite'));
}
