/**
 * Runtime evidence in a real VS Code (code-server + chromium) against a real kube-apiserver: the
 * fixture service (built here with -trimpath) runs in a network namespace of this test's own
 * behind a Pod object; "Inspect Goroutines" on the pod in the Cluster view reads its profile
 * through the pod proxy twice, shows the groups under the pod, and puts `leaklens-runtime`
 * diagnostics in the Problems panel — mapped to the fixture's source copied into the workspace as
 * a second module — with the static finding on the same line saying the leak is confirmed.
 * Saves docs/images/runtime-goroutines.png (docs/runtime-leaks.md's screenshot).
 * Needs dist/ built and root (ip netns).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { startControlPlane, type ControlPlane } from '../cluster/controlplane';
import * as k from '../cluster/objects';
import { createPodNetwork, podNetworkUnavailable, type PodNetwork } from '../cluster/podNetwork';
import { buildLeaky, fixtureLine, LEAKY_DIR, startLeaky, type Leaky } from '../helpers/leakyProgram';
import { REPO, copyWorkspace, inWorkbench, installCodeServer, makeRunDir, remoteUri, startCodeServer, workbenchUrl } from './codeServer';

const NS = 'team-a';
const SCREENSHOT = path.join(REPO, 'docs', 'images', 'runtime-goroutines.png');
const unavailable = podNetworkUnavailable();

let cp: ControlPlane;
let net: PodNetwork;
let app: Leaky;

before(async () => {
  if (unavailable) return;
  assert.ok(fs.existsSync(path.join(REPO, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
  cp = await startControlPlane({ auditPolicy: 'none' });
  net = createPodNetwork();
  app = await startLeaky(buildLeaky({ trimpath: true }), { addr: `${net.podIP}:8080`, pprof: `${net.podIP}:6060`, prefix: net.exec });
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'orders-7f9c', labels: { app: 'orders' } },
    spec: { containers: [{ name: 'app', image: 'registry.example/orders:1', ports: [{ name: 'http', containerPort: 8080 }, { name: 'pprof', containerPort: 6060 }] }] },
  });
  const r = await cp.request('admin', 'PATCH', `/api/v1/namespaces/${NS}/pods/orders-7f9c/status`, { status: { ...k.status.running(), podIP: net.podIP, podIPs: [{ ip: net.podIP }] } });
  assert.equal(r.status, 200, r.text);
  await app.leak(6);
  await app.subscribe(3);
});

after(async () => {
  await app?.stop().catch(() => undefined);
  net?.destroy();
  await cp?.stop();
});

/** Runs a context menu entry of a tree row: highlighted with the mouse, chosen with Enter. */
async function contextMenu(page: Page, target: Locator, entry: string): Promise<void> {
  await target.click({ button: 'right' });
  const item = page.locator('.context-view .action-item', { hasText: entry });
  await item.hover();
  await page.locator('.context-view .action-item.focused', { hasText: entry }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached' });
}

/** A row of the Cluster view (the Goroutines view below it lists the same groups). */
const row = (page: Page, text: string | RegExp) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Cluster' }) }).locator('.monaco-list-row', { hasText: text });

const brokerGo = fixtureLine('broker/broker.go', 'go func()');
const brokerReceive = fixtureLine('broker/broker.go', 'case ev := <-events');

test('Inspect Goroutines on a pod: groups under the pod, runtime diagnostics in Problems, the static finding confirmed', { timeout: 10 * 60_000, skip: unavailable }, async () => {
  const entry = installCodeServer();
  const runDir = makeRunDir('goroutines');
  // A short second sample and no minimum wait: the fixture's goroutines are seconds old.
  const settingsFile = path.join(runDir, 'user', 'User', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
  fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'leaklens.runtime.secondSampleSeconds': 4, 'leaklens.runtime.leakMinWaitMinutes': 0 }, null, 2));
  const kubeconfig = k.writeKubeconfig(cp, runDir, 'kubeconfig', (kc) => {
    kc.contexts.find((c: { name: string }) => c.name === 'admin').context.namespace = NS;
  });
  const workspace = copyWorkspace(runDir);
  // The service's source: a second module of the workspace (the profile names module paths: -trimpath).
  fs.cpSync(LEAKY_DIR, path.join(workspace, 'leaky'), { recursive: true });
  const previous = process.env.KUBECONFIG;
  process.env.KUBECONFIG = kubeconfig;
  let server;
  try {
    server = await startCodeServer(entry, runDir);
  } finally {
    if (previous === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previous;
  }
  const srv = server;
  await inWorkbench(srv, runDir, async (page) => {
    await page.goto(workbenchUrl(srv, workspace, [['extensionDevelopmentPath', remoteUri(srv, REPO)]]));
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    await page.locator('.activitybar .action-item a.action-label[aria-label^="LeakLens"]').click();
    const pod = row(page, 'orders-7f9c').first();
    await pod.waitFor();

    await contextMenu(page, pod, 'Inspect Goroutines');
    // The first sample's groups appear under the pod while the second sample is pending.
    await row(page, /6 × chan send/).first().waitFor({ timeout: 60_000 });
    await page.locator('.notifications-toasts', { hasText: 'second sample of pod team-a/orders-7f9c' }).waitFor();
    await app.subscribe(4);
    const subscribers = row(page, /7 × chan receive/).first();
    await subscribers.waitFor({ timeout: 60_000 });
    assert.match(await subscribers.innerText(), new RegExp(`\\+\\d+(\\.\\d)?/min · leaking · created at leaky/broker/broker\\.go:${brokerGo}, blocked at leaky/broker/broker\\.go:${brokerReceive}`));
    assert.match(await row(page, /6 × chan send/).first().innerText(), /±0\/min · blocked · created at leaky\/orders\/fetch\.go:25, blocked at leaky\/orders\/fetch\.go:26/);
    // Connections to the service (the proxy's) may grow too with a minimum wait of 0: at least the subscribers leak.
    assert.match(await row(page, /goroutines in \d+ groups/).first().innerText(), /\d leaking, (\d growing, )?1 blocked · 2 samples, \d+ s apart/);
    // Under the pod, in the Cluster view.
    assert.equal(Number(await subscribers.getAttribute('aria-level')), Number(await pod.getAttribute('aria-level')) + 1, 'the groups are the pod\'s children');

    // The Problems panel: the runtime diagnostics, and the static finding on the go statement confirmed.
    await page.keyboard.press('Control+Shift+M');
    // The list is virtual: filter it to this pod's evidence so every row is rendered.
    await page.getByPlaceholder(/^Filter \(e\.g\. text/).fill('team-a/orders-7f9c');
    const leaking = page.locator('.markers-panel .monaco-list-row', { hasText: '7 goroutines blocked here on chan receive' });
    await leaking.first().waitFor({ timeout: 60_000 });
    assert.match(await leaking.first().innerText(), new RegExp(`in pod team-a/orders-7f9c — growing: a leak; created at leaky/broker/broker\\.go:${brokerGo}`));
    const confirmed = page.locator('.markers-panel .monaco-list-row', { hasText: 'leak confirmed in pod team-a/orders-7f9c' });
    await confirmed.first().waitFor();
    assert.match(await confirmed.first().innerText(), /goroutine loops forever/);

    // A click on the group opens the line where its goroutines are blocked.
    await subscribers.click();
    await page.locator('.tab', { hasText: 'broker.go' }).first().waitFor();
    await page.locator('.statusbar-item', { hasText: `Ln ${brokerReceive}, Col 1` }).waitFor();
    await page.locator('.editor-instance .monaco-editor .squiggly-warning').first().waitFor();
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    process.stdout.write(`  screenshot: ${SCREENSHOT}\n`);
  });
});
