/**
 * LeakLens in Restricted Mode (untrusted workspace): linting works, the cluster view — which
 * would read kubeconfigs and may run their credential plugins — and runtime evidence (which reads
 * profiles from pods and processes) stay off.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateLeakLens, open, waitForFindings } from './helpers';

describe('LeakLens in Restricted Mode', () => {
  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace should not be trusted');
    await activateLeakLens();
  });

  it('lints Go files', async () => {
    const { document } = await open('catalog.go');
    await waitForFindings(document.uri, 'go/lost-cancel');
  });

  it('registers the LeakLens commands but neither the cluster view nor runtime evidence', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    assert.ok(commands.has('leaklens.lintWorkspace'));
    assert.ok(commands.has('leaklens.fixAllInFile'));
    const contributed: { command: string }[] = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands;
    const gated = contributed.map((c) => c.command).filter((c) => c.startsWith('leaklens.cluster.') || c.startsWith('leaklens.runtime.'));
    assert.ok(gated.some((c) => c.startsWith('leaklens.cluster.')), 'the manifest contributes no cluster commands');
    assert.ok(gated.some((c) => c.startsWith('leaklens.runtime.')), 'the manifest contributes no runtime commands');
    assert.deepEqual(gated.filter((c) => commands.has(c)), [], 'cluster or runtime commands registered in Restricted Mode');
  });
});
