/**
 * The LeakLens cluster view in a real VS Code (code-server + chromium), against a real
 * kube-apiserver, as a person uses it: at the default sidebar width a failing pod's status leads
 * its row; the tree follows the server live; tree find matches status text; "Problems only"
 * filters from the view title; and every row-level command (Describe, Show Events, Show Logs,
 * Open Traces, Reveal Manifest) is clicked once from the context menu. Saves the screenshots of
 * README.md and docs/cluster-view.md (docs/images/cluster-*.png).
 * Needs dist/ built (npm test builds it; alone: `npm run build`).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { startControlPlane, type ControlPlane } from '../cluster/controlplane';
import * as k from '../cluster/objects';
import { REPO, copyWorkspace, inWorkbench, installCodeServer, makeRunDir, remoteUri, startCodeServer, workbenchUrl } from './codeServer';

const NS = 'team-a';
const IMAGES = path.join(REPO, 'docs', 'images');
/** The pod name of the issue that asked for status first: long enough to push a status off a 300 px row. */
const ORDERS_POD = 'orders-6c9f7d-q8mzt';
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
  // orders: crash-looping on a node the cluster does not know (no kubelet here), so its log cannot be read.
  const orders = await k.create(cp, `/apis/apps/v1/namespaces/${NS}/deployments`, k.deployment('orders', 1));
  const ordersRs = await k.create(cp, `/apis/apps/v1/namespaces/${NS}/replicasets`, k.replicaSet('orders-6c9f7d', k.ownerOf(orders), 'orders'));
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod(ORDERS_POD, { owner: k.ownerOf(ordersRs), nodeName: 'node-1' }));
  await k.patchPod(cp, NS, ORDERS_POD, k.status.crashLoopAfterOOM(1));
  await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('batch-import'));
  await k.patchPod(cp, NS, 'batch-import', k.status.unschedulable());
  const event = (name: string, kind: string, object: string, type: string, reason: string, message: string, component: string) =>
    k.create(cp, `/api/v1/namespaces/${NS}/events`, {
      apiVersion: 'v1', kind: 'Event', metadata: { name }, involvedObject: { kind, name: object, namespace: NS },
      type, reason, message, count: 1, firstTimestamp: new Date().toISOString(), lastTimestamp: new Date().toISOString(), source: { component },
    });
  await event('orders.backoff', 'Pod', ORDERS_POD, 'Warning', 'BackOff', 'Back-off restarting failed container app', 'kubelet');
  await event('batch-import.scheduling', 'Pod', 'batch-import', 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.', 'default-scheduler');
  await event('web.scaled', 'Deployment', 'web', 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-5d8 to 2', 'deployment-controller');
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

/** The row's text: label (status first for a pod), a space, then description. */
async function rowText(r: Locator): Promise<string> {
  const label = await r.locator('.label-name').first().innerText();
  const description = (await r.locator('.label-description').count()) ? await r.locator('.label-description').first().innerText() : '';
  return `${label} ${description}`.replace(/\s+/g, ' ').trim();
}

/** True when the first `chars` characters of the row's label are drawn inside the row (not cut off). */
function labelStartVisible(page: Page, name: string, chars: number): Promise<boolean> {
  return page.evaluate(
    ([name, chars]) => {
      const row = Array.from(document.querySelectorAll('.pane-body .monaco-list-row')).find((r) => r.textContent?.includes(name as string));
      const label = row?.querySelector('.label-name');
      const text = label ? document.createTreeWalker(label, NodeFilter.SHOW_TEXT).nextNode() : null;
      if (!row || !text) return false;
      const range = document.createRange();
      range.setStart(text, 0);
      range.setEnd(text, Math.min(chars as number, text.textContent!.length));
      const clip = (row.querySelector('.monaco-icon-label-container') ?? label!).getBoundingClientRect();
      return range.getBoundingClientRect().right <= Math.min(clip.right, row.getBoundingClientRect().right) + 0.5;
    },
    [name, chars] as const,
  );
}

/** Where Open Traces should go: a Jaeger that the browser never reaches (its requests are intercepted). */
const JAEGER = 'https://jaeger.example.test';

test('status first at the default width, live updates, tree find, Problems only, and every row command clicked', { timeout: 10 * 60_000 }, async () => {
  const entry = installCodeServer();
  const runDir = makeRunDir('cluster');
  // Open Traces goes to a Jaeger.
  const settingsFile = path.join(runDir, 'user', 'User', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
  fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'leaklens.traces.provider': 'jaeger', 'leaklens.traces.baseUrl': JAEGER }, null, 2));
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

    // Context admin (current) → namespace team-a (current, expanded): workloads, then standalone pods worst first.
    await row(page, 'puller').first().waitFor();
    const sidebar = (await page.locator('.part.sidebar').boundingBox())!;
    assert.ok(sidebar.width >= 250 && sidebar.width <= 350, `the default sidebar width: ${sidebar.width}`);
    assert.match(await rowText(row(page, 'puller').first()), /^ImagePullBackOff · puller 0\/1$/);
    assert.match(await rowText(row(page, 'batch-import').first()), /^Pending · batch-import 0\/1 · Unschedulable: 0\/3 nodes are available/);
    const web = row(page, 'Deployment').filter({ hasText: 'web' }).first();
    assert.match(await rowText(web), /^web 2\/2 · Deployment · \d+ lint findings?$/);
    const orders = row(page, 'orders').filter({ hasText: 'Deployment' }).first();
    assert.match(await rowText(orders), /^orders 1 failing · 0\/1 · Deployment/);
    await orders.click();
    const crashing = row(page, ORDERS_POD).first();
    await crashing.waitFor();
    assert.match(await rowText(crashing), new RegExp(`^CrashLoopBackOff · ${ORDERS_POD} last: OOMKilled · 0/1 · 1 restart$`));
    // At ~300 px the name and the rest are cut; the status is not.
    assert.ok(await labelStartVisible(page, ORDERS_POD, 'CrashLoopBackOff'.length), 'CrashLoopBackOff is fully visible');
    await web.click();
    const pod = row(page, 'web-5d8-aaaaa').first();
    await pod.waitFor();
    assert.match(await rowText(pod), /^Running · web-5d8-aaaaa 1\/1$/);
    assert.equal(await pod.locator('.codicon-pass-filled').count(), 1, 'a ready pod has the pass-filled icon');

    // Patched on the server; the row changes by itself, and the broken pod moves above the healthy one.
    const t0 = Date.now();
    await k.patchPod(cp, NS, 'web-5d8-aaaaa', k.status.crashLoopAfterOOM(4));
    await page.waitForFunction(
      (name) => Array.from(document.querySelectorAll('.pane-body .monaco-list-row')).some((r) => r.textContent?.includes(`CrashLoopBackOff · ${name}`) && r.textContent.includes('last: OOMKilled')),
      'web-5d8-aaaaa',
      { timeout: 15_000 },
    );
    process.stdout.write(`  status patch → row updated in the browser: ${Date.now() - t0} ms\n`);
    assert.match(await rowText(pod), /^CrashLoopBackOff · web-5d8-aaaaa last: OOMKilled · 0\/1 · 4 restarts$/);
    assert.equal(await pod.locator('.codicon-error').count(), 1, 'a failing pod has the error icon');
    const order = await page.locator('.pane-body .monaco-list-row').allInnerTexts();
    assert.ok(order.findIndex((t) => t.includes('web-5d8-aaaaa')) < order.findIndex((t) => t.includes('web-5d8-bbbbb')), 'worst first');
    // A new pod appears, again without a refresh.
    await k.create(cp, `/api/v1/namespaces/${NS}/pods`, k.pod('late-arrival'));
    await row(page, 'late-arrival').first().waitFor({ timeout: 15_000 });
    // The pending pod's tooltip carries the scheduler's message.
    await row(page, 'batch-import').first().hover();
    const hover = page.locator('.monaco-hover', { hasText: 'Not scheduled' });
    await hover.waitFor();
    assert.match(await hover.innerText(), /Unschedulable: 0\/3 nodes are available: 3 Insufficient cpu/);
    fs.mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({ path: path.join(IMAGES, 'cluster-view.png') });
    await page.mouse.move(900, 500);

    // Tree find (Ctrl+Alt+F) matches status text, not only names.
    await pod.click();
    await page.keyboard.press('Control+Alt+F');
    await page.keyboard.type('CrashLoop');
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('.pane-body .monaco-list-row'));
      const lit = rows.filter((r) => r.querySelector('.label-name .highlight'));
      return lit.length >= 2 && lit.every((r) => r.textContent?.startsWith('CrashLoopBackOff'));
    });
    await page.keyboard.press('Escape');

    // "Problems only" from the view title hides what is healthy, and "Show Everything" brings it back.
    await k.patchPod(cp, NS, 'web-5d8-aaaaa', k.status.running());
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.pane-body .monaco-list-row')).some((r) => r.textContent?.includes('Running · web-5d8-aaaaa')));
    await page.locator('.action-label[aria-label="Show Problems Only"]:visible').click();
    await row(page, 'web-5d8-aaaaa').first().waitFor({ state: 'detached' });
    assert.ok(await row(page, 'puller').count(), 'the failing pod stays');
    await page.screenshot({ path: path.join(IMAGES, 'cluster-problems-only.png') });
    await page.locator('.action-label[aria-label="Show Everything"]:visible').click();
    await row(page, 'web-5d8-aaaaa').first().waitFor();

    // Describe (YAML): a read-only YAML document from the API server.
    await contextMenu(page, pod, 'Describe (YAML)');
    await page.locator('.tab', { hasText: 'pod-web-5d8-aaaaa.yaml' }).waitFor();
    await page.locator('.editor-instance .view-line', { hasText: 'name: web-5d8-aaaaa' }).first().waitFor();
    assert.match(await page.locator('.editor-instance .view-lines').innerText(), /kind:\s+Pod/);

    // Show Events on the namespace: one table, with the object of each event.
    await contextMenu(page, row(page, NS).filter({ hasText: 'current' }).first(), 'Show Events');
    await page.locator('.tab', { hasText: 'namespace-team-a-events.txt' }).waitFor();
    await page.locator('.editor-instance .view-line', { hasText: `pod/${ORDERS_POD}` }).first().waitFor();
    const events = (await page.locator('.editor-instance .view-lines').innerText()).replace(/\u00a0/g, ' ');
    assert.match(events, /Type\s+Reason\s+Object\s+Age\s+From\s+Message/);
    assert.match(events, /Warning\s+FailedScheduling\s+pod\/batch-import\s+/);
    assert.match(events, /Normal\s+ScalingReplicaSet\s+deployment\/web\s+/);
    // Away from the tree: the tooltip of the row under the closed menu goes.
    await page.mouse.click(1000, 600);
    await page.keyboard.press('Escape');
    await page.locator('.monaco-hover:visible').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    await page.screenshot({ path: path.join(IMAGES, 'cluster-events.png') });

    // Show Logs of a pod whose node is gone: the document names the node, not "not served by this cluster".
    await contextMenu(page, crashing, 'Show Logs');
    await page.locator('.tab', { hasText: `${ORDERS_POD}-app.log` }).waitFor();
    await page.locator('.editor-instance .view-line', { hasText: `Node node-1 of pod ${ORDERS_POD} is not in the cluster` }).first().waitFor();
    assert.doesNotMatch(await page.locator('.editor-instance .view-lines').innerText(), /cluster version/);

    // Open Traces: the browser opens the trace UI at the workload's service.
    const opened: string[] = [];
    await page.context().route(`${JAEGER}/**`, (route) => {
      opened.push(route.request().url());
      return route.fulfill({ contentType: 'text/html', body: '<title>Jaeger</title>' });
    });
    await contextMenu(page, web, 'Open Traces');
    // VS Code asks before opening a site that is not a trusted domain.
    const confirm = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open$/ });
    const confirmed = confirm.waitFor({ timeout: 30_000 }).then(() => confirm.click(), () => undefined);
    await Promise.race([k.waitFor('the trace UI', () => opened.length > 0, 30_000), confirmed]);
    await k.waitFor('the trace UI', () => opened.length > 0, 30_000);
    assert.deepEqual(opened, [`${JAEGER}/search?service=web&lookback=1h`]);

    // Reveal Manifest: the workspace's deploy/web.yaml defines Deployment web; the cursor lands on its name.
    await contextMenu(page, web, 'Reveal Manifest');
    await page.locator('.tab', { hasText: 'web.yaml' }).first().waitFor();
    await page.locator('.statusbar-item', { hasText: 'Ln 5, Col 9' }).waitFor();
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
