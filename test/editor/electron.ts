/**
 * `npm run test:electron`: the same mocha editor suite under VS Code desktop, downloaded by
 * @vscode/test-electron (for machines that can reach update.code.visualstudio.com; this one cannot,
 * so `npm test` runs the suite in code-server instead — see suite.test.ts).
 */
import { runTests } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSuites } from './buildSuite';
import { REPO, copyWorkspace, makeRunDir } from './codeServer';

/** The VS Code release code-server 4.100.3 embeds: the oldest our `engines.vscode` accepts. */
const VSCODE_VERSION = '1.100.3';

async function main(): Promise<void> {
  const suite = (await buildSuites()).trusted;
  const runDir = makeRunDir('electron');
  const workspace = copyWorkspace(runDir);
  try {
    await runTests({
      version: VSCODE_VERSION,
      // Beside code-server's cache (scripts/install-code-server.sh), not in the repository.
      cachePath: path.join(process.env.LEAKLENS_CACHE ?? path.join(os.homedir(), '.cache', 'leaklens'), 'vscode-test'),
      extensionDevelopmentPath: REPO,
      extensionTestsPath: suite,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        path.join(runDir, 'user'),
        '--extensions-dir',
        path.join(runDir, 'ext'),
      ],
    });
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
