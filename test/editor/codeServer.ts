/**
 * Real VS Code for the editor tests: code-server 4.100.3 (installed by scripts/install-code-server.sh
 * into a cache outside the project) driven by Debian's chromium through playwright-core.
 * Facts behind the flags: /work/shared/notes/editor-e2e.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';

/** Installs code-server when it is not cached yet; returns its entry point. */
export function installCodeServer(): string {
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'install-code-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`install-code-server.sh failed (exit ${r.status})`);
  return r.stdout.trim().split('\n').pop()!;
}

export interface RunOptions {
  /** Keep workspace trust on, so the workspace opens in Restricted Mode. */
  restricted?: boolean;
}

/** A scratch directory for one code-server run: user data, extensions, XDG dirs, TMPDIR, browser profile. */
export function makeRunDir(label: string, { restricted = false }: RunOptions = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `leaklens-${label}-`));
  for (const sub of ['user/User', 'ext', 'config', 'data', 'tmp', 'browser']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  // Settings that keep welcome pages, AI panels, update checks and trust prompts out of the way.
  fs.writeFileSync(
    path.join(dir, 'user', 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'security.workspace.trust.enabled': restricted,
      },
      null,
      2,
    ),
  );
  return dir;
}

/** Copies the fixture workspace into the run directory, so tests can edit and save files. */
export function copyWorkspace(runDir: string): string {
  const dest = path.join(runDir, 'workspace');
  fs.cpSync(path.join(REPO, 'test', 'editor', 'workspace'), dest, { recursive: true });
  return dest;
}

function environment(runDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(runDir, 'config'),
    XDG_DATA_HOME: path.join(runDir, 'data'),
    TMPDIR: path.join(runDir, 'tmp'),
  };
}

function commonArgs(runDir: string): string[] {
  return ['--user-data-dir', path.join(runDir, 'user'), '--extensions-dir', path.join(runDir, 'ext')];
}

/** `code-server --install-extension` into the run's extensions directory. */
export function installExtension(entry: string, runDir: string, vsix: string): void {
  const r = spawnSync(process.execPath, [entry, ...commonArgs(runDir), '--install-extension', vsix], {
    env: environment(runDir),
    encoding: 'utf8',
  });
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout)) {
    throw new Error(`--install-extension failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServer {
  origin: string;
  /** `vscode-remote://` authority the workbench uses for server-side paths. */
  authority: string;
  /** Stops code-server and every process it started (extension hosts, language servers). */
  stop(): Promise<void>;
}

/** Starts code-server in its own process group and waits until /healthz answers. */
export async function startCodeServer(entry: string, runDir: string, { restricted = false }: RunOptions = {}): Promise<CodeServer> {
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const log = fs.openSync(path.join(runDir, 'code-server.log'), 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      entry,
      ...commonArgs(runDir),
      '--auth', 'none',
      '--bind-addr', authority,
      '--disable-telemetry',
      '--disable-update-check',
      ...(restricted ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    // detached = setsid: the extension host outlives the page, so the whole group is killed at the end.
    { env: environment(runDir), detached: true, stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    killGroup(child.pid!, 'SIGTERM');
    const done = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
    killGroup(child.pid!, 'SIGKILL');
    if (!done) await exited;
  };
  const origin = `http://${authority}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${runDir}/code-server.log`);
    try {
      if ((await fetch(`${origin}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz within 60 s; see ${runDir}/code-server.log`);
    }
    await delay(200);
  }
  return { origin, authority, stop };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Headless Debian chromium with a profile inside the run directory. */
export function launchBrowser(runDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(path.join(runDir, 'browser'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
    viewport: { width: 1400, height: 860 },
  });
}

/**
 * Runs `body` with a browser page on a started code-server. The browser and the server are always
 * closed; the run directory is removed when `body` succeeds, and kept with a failure screenshot
 * for inspection when it throws.
 */
export async function inWorkbench(server: CodeServer, runDir: string, body: (page: Page) => Promise<void>): Promise<void> {
  const browser = await launchBrowser(runDir);
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(60_000);
  let passed = false;
  try {
    await body(page);
    passed = true;
  } finally {
    if (!passed) await page.screenshot({ path: path.join(runDir, 'failure.png') }).catch(() => undefined);
    await browser.close();
    await server.stop();
    if (passed) fs.rmSync(runDir, { recursive: true, force: true });
    else process.stdout.write(`  run directory kept for inspection: ${runDir}\n`);
  }
}

/** The workbench URL for a folder, optionally with development/test extension paths (the `payload` trick). */
export function workbenchUrl(server: CodeServer, folder: string, payload: [string, string][] = []): string {
  const url = new URL(server.origin);
  url.searchParams.set('folder', folder);
  if (payload.length) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/** A server-side path as the workbench addresses it. */
export function remoteUri(server: CodeServer, file: string): string {
  return `vscode-remote://${server.authority}${file}`;
}

/** `npm run package` (vsce, offline; builds dist/ for production first) into `outDir`; returns the VSIX path. */
export function packageVsix(outDir: string): string {
  const vsix = path.join(outDir, 'leaklens.vsix');
  const r = spawnSync('npm', ['run', '--silent', 'package', '--', '--out', vsix], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(vsix)) throw new Error(`npm run package failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return vsix;
}
