/** Runs mocha over suite modules, the way `@vscode/test-electron` and `extensionTestsPath` expect. */
import Mocha from 'mocha';
import * as util from 'node:util';

/** `load` imports the suite modules lazily, after describe/it are defined for them. */
export async function runMocha(load: () => Promise<unknown>): Promise<void> {
  // Under code-server the harness picks mocha's lines out of the workbench log by this prefix
  // (replaced at build time, see ../buildSuite.ts).
  const mark = process.env.LEAKLENS_MOCHA_MARK ?? '';
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(mark + util.format(...args));
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'suite', mocha);
  await load();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} editor test(s) failed`);
}
