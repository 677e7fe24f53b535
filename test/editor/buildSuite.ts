/**
 * Bundles the mocha editor suites (test/editor/suite) into out/editor-suite/: index.js (trusted
 * workspace) and restricted.js (Restricted Mode).
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { REPO } from './codeServer';

/** Prefix of the suite's output lines among everything else the workbench logs (see suite/mocha.ts). */
export const MOCHA_MARK = '[leaklens-suite] ';

const SUITE_DIR = path.join(REPO, 'out', 'editor-suite');

/** `mark` prefixes mocha's output lines (empty where they reach a terminal directly). */
export async function buildSuites(mark = ''): Promise<{ trusted: string; restricted: string }> {
  await esbuild.build({
    entryPoints: ['index', 'restricted'].map((name) => path.join(REPO, 'test', 'editor', 'suite', `${name}.ts`)),
    outdir: SUITE_DIR,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Provided by the extension host / loaded from node_modules, so describe/it share mocha's instance.
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
    define: { 'process.env.LEAKLENS_MOCHA_MARK': JSON.stringify(mark) },
  });
  return { trusted: path.join(SUITE_DIR, 'index.js'), restricted: path.join(SUITE_DIR, 'restricted.js') };
}
