/**
 * The LeakLens cluster view in a real VS Code (code-server + chromium), against a real
 * kube-apiserver: the view lists the test cluster's pods with their status, and a status patch made
 * on the server shows up in the tree without anyone pressing refresh.
 * Needs dist/ built (npm test builds it; alone: `npm run build`).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { startControlPlane, type ControlPlane } from '../cluster/controlplane';
import * as k from '../cluster/objects';
import { REPO, copyWorkspace, inWorkbench, installCodeServer, makeRunDir, remoteUri, startCodeServer, workbenchUrl } from './codeServer';

const NS = 'team-a';
let cp: ControlPlane;

before(async () => {
  assert.ok(fs.existsSync(path.join(REPO, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
  cp = await startControlPlane({ auditPolicy: 'none' });
  const web = await k.create(cp, `/apis/apps/v1/namespaces/${NS}/deployments`, k.deployment('web'));
  await k.patchStatus(cp, `/apis/apps/v1/namespaces/${NS}/deployments/web`, { replicas: 2, readyReplicas: 2 });
  const rs = await k.create(cp, `/apis/apps/v1/namespaces/${NS}/replicasets`, k.replicaSet('web-5d8', k.ownerOf(web), 'web'));
  for (const name of ['web-5d8-aaaaa', 'web-5d8-bbbbb']) {
    await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod(name, { owner: k.ownerOf(rs) }));
    await k.patchPod(cp, NS, name, k.status.running());
  }
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('puller'));
  await k.patchPod(cp, NS, 'puller', k.status.imagePullBackOff());
});

after(async () => {
  await cp?.stop();
});

/** Runs a context menu entry of a tree row: highlighted with the mouse, chosen with Enter (a click can race the menu's opening). */
async function contextMenu(page: Page, target: Locator, entry: string): Promise<void> {
  await target.click({ button: 'right' });
  const item = page.locator('.context-view .action-item', { hasText: entry });
  await item.hover();
  await page.locator('.context-view .action-item.focused', { hasText: entry }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached' });
}

/** Starts code-server with KUBECONFIG pointing at `kubeconfig`; this process's environment is restored. */
async function startWithKubeconfig(entry: string, runDir: string, kubeconfig: string) {
  const previous = process.env.KUBECONFIG;
  process.env.KUBECONFIG = kubeconfig;
  try {
    return await startCodeServer(entry, runDir);
  } finally {
    if (previous === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previous;
  }
}

/** The tree row of a pod in the Cluster view (label and description are both in its text). */
const row = (page: Page, name: string) => page.locator('.pane-body .monaco-list-row', { hasText: name });

test('the Cluster view lists pods with their status and follows a status patch live', { timeout: 10 * 60_000 }, async () => {
  const entry = installCodeServer();
  const runDir = makeRunDir('cluster');
  // The current context's namespace is team-a, so the view opens straight onto it.
  const kubeconfig = k.writeKubeconfig(cp, runDir, 'kubeconfig', (kc) => {
    kc.contexts.find((c: { name: string }) => c.name === 'admin').context.namespace = NS;
  });
  const workspace = copyWorkspace(runDir);
  const server = await startWithKubeconfig(entry, runDir, kubeconfig);
  await inWorkbench(server, runDir, async (page) => {
    await page.goto(workbenchUrl(server, workspace, [['extensionDevelopmentPath', remoteUri(server, REPO)]]));
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    await page.locator('.activitybar .action-item a.action-label[aria-label^="LeakLens"]').click();

    // Context admin (current) → namespace team-a (current, expanded) → Deployment web and the standalone pod.
    await row(page, 'puller').first().waitFor();
    assert.match(await row(page, 'puller').first().innerText(), /ImagePullBackOff · 0\/1/);
    const web = row(page, 'Deployment').first();
    assert.match(await web.innerText(), /web\s*Deployment · 2\/2/);
    await web.click();
    const pod = row(page, 'web-5d8-aaaaa').first();
    await pod.waitFor();
    assert.match(await pod.innerText(), /Running · 1\/1/);
    assert.equal(await pod.locator('.codicon-pass-filled').count(), 1, 'a ready pod has the pass-filled icon');

    // Patched on the server; the row changes by itself.
    const t0 = Date.now();
    await k.patchPod(cp, NS, 'web-5d8-aaaaa', k.status.crashLoopAfterOOM(4));
    await page.waitForFunction(
      (name) => Array.from(document.querySelectorAll('.pane-body .monaco-list-row')).some((r) => r.textContent?.includes(name) && r.textContent.includes('CrashLoopBackOff (last: OOMKilled)')),
      'web-5d8-aaaaa',
      { timeout: 15_000 },
    );
    process.stdout.write(`  status patch → row updated in the browser: ${Date.now() - t0} ms\n`);
    assert.match(await pod.innerText(), /CrashLoopBackOff \(last: OOMKilled\) · 0\/1 · 4 restarts/);
    assert.equal(await pod.locator('.codicon-error').count(), 1, 'a failing pod has the error icon');
    // A new pod appears, again without a refresh.
    await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('late-arrival'));
    await row(page, 'late-arrival').first().waitFor({ timeout: 15_000 });

    // Describe from the context menu: a read-only YAML document from the API server.
    await contextMenu(page, pod, 'Describe (YAML)');
    await page.locator('.tab', { hasText: 'pod-web-5d8-aaaaa.yaml' }).waitFor();
    await page.locator('.editor-instance .view-line', { hasText: 'name: web-5d8-aaaaa' }).first().waitFor();
    assert.match(await page.locator('.editor-instance .view-lines').innerText(), /kind:\s+Pod/);

    // Reveal Manifest: the workspace's deploy/web.yaml defines Deployment web; the cursor lands on its name.
    await contextMenu(page, web, 'Reveal Manifest');
    await page.locator('.tab', { hasText: 'web.yaml' }).first().waitFor();
    await page.locator('.statusbar-item', { hasText: 'Ln 5, Col 9' }).waitFor();
    const shot = path.join(os.tmpdir(), 'leaklens-cluster-view.png');
    await page.screenshot({ path: shot });
    process.stdout.write(`  screenshot: ${shot}\n`);
  });
});

test('without a kubeconfig the view says where it looks and offers to choose one', { timeout: 10 * 60_000 }, async () => {
  const entry = installCodeServer();
  const runDir = makeRunDir('cluster-none');
  const workspace = copyWorkspace(runDir);
  const server = await startWithKubeconfig(entry, runDir, path.join(runDir, 'no-such-kubeconfig'));
  await inWorkbench(server, runDir, async (page) => {
    await page.goto(workbenchUrl(server, workspace, [['extensionDevelopmentPath', remoteUri(server, REPO)]]));
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    await page.locator('.activitybar .action-item a.action-label[aria-label^="LeakLens"]').click();
    const welcome = page.locator('.welcome-view-content', { hasText: 'No kubeconfig found' });
    await welcome.waitFor();
    assert.match(await welcome.innerText(), /leaklens\.cluster\.kubeconfig/);
    await welcome.locator('a, .monaco-button', { hasText: 'Choose Kubeconfig File' }).first().waitFor();
  });
});
