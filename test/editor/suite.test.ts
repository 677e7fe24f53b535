/**
 * Runs the mocha editor suites (test/editor/suite) inside real VS Code: code-server with this
 * repository as the development extension, opened in headless chromium through the workbench URL
 * (`payload` with extensionDevelopmentPath/extensionTestsPath). The workbench reports each suite's
 * result through `codeAutomationExit`. One run in a trusted workspace, one in Restricted Mode.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as util from 'node:util';
import { MOCHA_MARK, buildSuites } from './buildSuite';
import {
  REPO,
  copyWorkspace,
  installCodeServer,
  launchBrowser,
  makeRunDir,
  remoteUri,
  startCodeServer,
  workbenchUrl,
  type RunOptions,
} from './codeServer';

const SUITE_TIMEOUT_MS = 6 * 60_000;

interface LogFile {
  relativePath: string;
  contents: string;
}

async function runSuite(label: string, which: 'trusted' | 'restricted', options: RunOptions): Promise<void> {
  const entry = installCodeServer();
  const suite = (await buildSuites(MOCHA_MARK))[which];
  const runDir = makeRunDir(label, options);
  const workspace = copyWorkspace(runDir);
  const started = Date.now();
  const server = await startCodeServer(entry, runDir, options);
  const browser = await launchBrowser(runDir);
  let passed = false;
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    let exit!: (result: { code: number; logs: LogFile[] }) => void;
    const exited = new Promise<{ code: number; logs: LogFile[] }>((resolve) => (exit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number, logs: LogFile[] = []) => exit({ code, logs }));
    // With extensionTestsPath set, the workbench sends the extension host's console to its log
    // service, which calls codeAutomationLog; the suite marks mocha's lines (see suite/mocha.ts).
    await page.exposeFunction('codeAutomationLog', (_level: string, args: unknown[]) => {
      const text = util.format(...(Array.isArray(args) ? args : [args]));
      if (text.startsWith(MOCHA_MARK)) process.stdout.write(`${text.slice(MOCHA_MARK.length)}\n`);
    });
    await page.goto(
      workbenchUrl(server, workspace, [
        ['extensionDevelopmentPath', remoteUri(server, REPO)],
        ['extensionTestsPath', remoteUri(server, suite)],
      ]),
    );
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`)), SUITE_TIMEOUT_MS).unref(),
    );
    const { code, logs } = await Promise.race([exited, timeout]);
    process.stdout.write(`  ${label} suite: exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    if (code !== 0) {
      for (const log of logs.filter((l) => /remoteexthost|LeakLens/i.test(l.relativePath))) {
        process.stdout.write(`\n--- ${log.relativePath}\n${log.contents.slice(-20_000)}\n`);
      }
    }
    assert.equal(code, 0, `${label} editor suite failed (see its output above)`);
    passed = true;
  } finally {
    await browser.close();
    await server.stop();
    if (passed) fs.rmSync(runDir, { recursive: true, force: true });
    else process.stdout.write(`  run directory kept for inspection: ${runDir} (code-server log: ${path.join(runDir, 'code-server.log')})\n`);
  }
}

const timeout = SUITE_TIMEOUT_MS + 5 * 60_000;

test('the mocha editor suite passes in code-server', { timeout }, async () => {
  await runSuite('trusted', 'trusted', {});
});

test('the Restricted Mode suite passes in code-server', { timeout }, async () => {
  await runSuite('restricted', 'restricted', { restricted: true });
});
