/**
 * What a person sees, in a browser: code-server with the packaged VSIX installed, a Go file with a
 * finding shows a squiggle and a Problems row; Ctrl+. offers the quick fix, which rewrites the code.
 * On a manifest's container, the lightbulb lists the fixes and one "Suppress…", which asks which
 * rule with a quick pick. Saves docs/images/quick-fix.png (the README's screenshot) and
 * docs/images/yaml-quick-fix.png with the quick fix menus open.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  REPO,
  copyWorkspace,
  installCodeServer,
  inWorkbench,
  installExtension,
  makeRunDir,
  packageVsix,
  startCodeServer,
  workbenchUrl,
} from './codeServer';

const SCREENSHOT = path.join(REPO, 'docs', 'images', 'quick-fix.png');
const RULE = 'go/lost-cancel';
const FLAGGED = 'c, _ := context.WithTimeout(ctx, LookupTimeout)';

/** The editor's visible text, with the non-breaking spaces it renders turned back into spaces. */
async function editorText(page: Page): Promise<string> {
  return (await page.locator('.editor-instance .monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
}

test('squiggle, Problems row and the lightbulb quick fix in the browser', { timeout: 10 * 60_000 }, async () => {
  const entry = installCodeServer();
  const runDir = makeRunDir('ui');
  installExtension(entry, runDir, packageVsix(runDir));
  const workspace = copyWorkspace(runDir);
  // One Go finding of the rule (in catalog.go) beside the manifest's: the Problems rows are unambiguous.
  for (const other of ['billing.go', 'payments.go', 'session.go', 'worker.go']) fs.rmSync(path.join(workspace, other));
  const server = await startCodeServer(entry, runDir);
  await inWorkbench(server, runDir, async (page) => {
    await page.goto(workbenchUrl(server, workspace));
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();

    // Open catalog.go through Quick Open, as a person would.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('catalog.go');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'catalog.go' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.editor-instance .view-line', { hasText: FLAGGED }).waitFor();
    const before = await editorText(page);

    // The finding: a warning squiggle in the editor and a row in the Problems view.
    await page.locator('.editor-instance .monaco-editor .squiggly-warning').first().waitFor();
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: RULE });
    await problem.first().waitFor();
    assert.match(await problem.first().innerText(), /the cancel function returned by context\.WithTimeout is discarded/);

    // Cursor into the flagged call, then the lightbulb menu with Ctrl+.
    const flagged = page.locator('.editor-instance .view-line', { hasText: FLAGGED });
    await flagged.locator('span span', { hasText: /^WithTimeout$/ }).click();
    await page.keyboard.press('Control+.');
    // The preferred fix comes first and is focused: Enter applies it.
    const focused = page.locator('.action-widget .monaco-list-row.focused');
    await focused.waitFor();
    assert.match(await focused.innerText(), /^Name it cancel; add defer cancel\(\)/);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    await page.keyboard.press('Enter');

    await page.locator('.editor-instance .view-line', { hasText: 'defer cancel()' }).waitFor();
    const after = await editorText(page);
    assert.notEqual(after, before);
    assert.match(after, /c, cancel := context\.WithTimeout\(ctx, LookupTimeout\)/);
    // The finding is gone from the Problems view once the server has re-analyzed the file.
    await problem.first().waitFor({ state: 'detached' });

    // A manifest's container has findings of many rules: every fix, and a single "Suppress…".
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('web.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'web.yaml' }).first().waitFor();
    await page.keyboard.press('Enter');
    const container = page.locator('.editor-instance .view-line', { hasText: '- name: web' });
    await container.waitFor();
    await page.locator('.editor-instance .monaco-editor .squiggly-warning').first().waitFor();
    await container.locator('span span', { hasText: /^web$/ }).click();
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget .monaco-list-row:not(.group-header)');
    await menu.first().waitFor();
    const entries = (await menu.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    const suppress = entries.filter((t) => t.startsWith('Suppress'));
    assert.equal(suppress.length, 1, `one suppression entry: ${entries.join(' | ')}`);
    assert.match(suppress[0], /^Suppress \d+ LeakLens findings on this line…$/);
    assert.ok(entries.filter((t) => !t.startsWith('Suppress') && !t.startsWith('Fix all')).length >= 1, entries.join(' | '));
    // Down the menu to the entry (the keyboard, as the menu's rows may not take clicks while it lays out).
    const focusedEntry = page.locator('.action-widget .monaco-list-row.focused');
    for (let i = 0; i < entries.length && !(await focusedEntry.innerText()).startsWith('Suppress'); i++) await page.keyboard.press('ArrowDown');
    assert.match(await focusedEntry.innerText(), /^Suppress /);
    await page.screenshot({ path: path.join(REPO, 'docs', 'images', 'yaml-quick-fix.png') });
    await page.keyboard.press('Enter');
    const pick = page.locator('.quick-input-widget');
    await pick.locator('.quick-input-title', { hasText: /^Suppress which LeakLens finding on line 17\?$/ }).waitFor();
    const choice = pick.locator('.quick-input-list .monaco-list-row', { hasText: /^k8s\/no-liveness-probe$/ });
    await choice.click();
    await page.locator('.editor-instance .view-line', { hasText: '# leaklens:ignore k8s/no-liveness-probe' }).waitFor();
  });
});
