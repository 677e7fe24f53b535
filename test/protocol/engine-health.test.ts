/**
 * What the server does not check, it says, and nothing stays off for good without a reason: over a
 * real stdio connection, with faults injected into the real engine (LEAKLENS_FAULTS), a rule that
 * overruns its CPU budget is paused and gets another chance after a pause that doubles; a file
 * whose analysis hangs is skipped until it changes or is opened again; each shows in the
 * `leaklens/analysisStatus` notification (and a skipped file in a warning message).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { AnalysisStatus, ServerStatus } from '../../server/src/lsp/protocol';
import { type LspClient, serverForSuite } from '../helpers/lspClient';
import { SERVICE_GO } from './fixtures';

const status = (client: LspClient) => client.connection.sendRequest<ServerStatus>('leaklens/serverStatus');
const rules = (p: { diagnostics: { code?: string | number }[] }) => p.diagnostics.map((d) => String(d.code));

/** The latest analysis status notification satisfying `accept`. */
function analysisStatus(client: LspClient, accept: (s: AnalysisStatus) => boolean, what: string): Promise<AnalysisStatus> {
  return client.waitFor(() => {
    const last = client.notificationsOf('leaklens/analysisStatus').at(-1) as AnalysisStatus | undefined;
    return last && accept(last) && last;
  }, what);
}

describe('a rule over its CPU budget', () => {
  const server = serverForSuite({
    settings: { scope: 'openFiles' },
    env: { LEAKLENS_FAULTS: 'slow:go/http-default-client', LEAKLENS_RULE_PAUSE_MS: '2000' },
  });

  test('is paused, runs again after the pause, and is paused twice as long when it overruns again', async () => {
    const doc = await server.client.open(path.join(server.root, 'service.go'), SERVICE_GO);
    const first = await analysisStatus(server.client, (s) => s.rulesOff.length === 1, 'the rule paused');
    assert.equal(first.rulesOff[0].rule, 'go/http-default-client');
    assert.match(first.rulesOff[0].reason, /used \d+ ms of CPU time on one declaration of .*service\.go/);
    const retryAt = first.rulesOff[0].retryAt!;
    assert.ok(retryAt > Date.now() && retryAt <= Date.now() + 2000);
    assert.ok(!rules(await doc.diagnostics()).includes('go/http-default-client'));
    assert.ok(rules(await doc.diagnostics()).includes('go/http-client-no-timeout'), 'other rules report');

    // After the pause the rule runs on the open document again, overruns again, and pauses for 4 s.
    await server.client.waitFor(() => server.client.logs.some((l) => /go\/http-default-client runs again/.test(l.message)), 'the rule back', 10000);
    const second = await analysisStatus(server.client, (s) => (s.rulesOff[0]?.retryAt ?? 0) > retryAt, 'the rule paused again');
    assert.ok(second.rulesOff[0].retryAt! - Date.now() > 2000, 'the second pause is longer');
    const paused = server.client.logs.filter((l) => /go\/http-default-client used/.test(l.message)).map((l) => /paused for (\d+ s)/.exec(l.message)?.[1]);
    assert.deepEqual(paused, ['2 s', '4 s']);
  });
});

describe('a file whose analysis never finishes', () => {
  const server = serverForSuite({ settings: { scope: 'openFiles' }, env: { LEAKLENS_FAULTS: 'hangtext:NEVER_ENDS', LEAKLENS_HANG_MS: '1000' } });
  const HANGS = SERVICE_GO.replace('package service', 'package service // NEVER_ENDS');

  test('is skipped, visibly, until it changes; then it is analyzed again', async () => {
    const file = path.join(server.root, 'stuck.go');
    const doc = await server.client.open(file, HANGS);
    // The watchdog restarts the engine without the file; the editor learns that it is not checked.
    assert.deepEqual((await doc.diagnostics(30000)).diagnostics, []);
    const skipped = await analysisStatus(server.client, (s) => s.skippedFiles.length === 1, 'the file skipped');
    assert.equal(skipped.skippedFiles[0].uri, doc.uri);
    assert.match(skipped.skippedFiles[0].reason, /did not finish within 1 s of CPU time; it is checked again when it changes/);
    assert.ok(server.client.messages.some((m) => /not checking stuck\.go/.test(m.message)), 'a warning names the file');
    assert.equal((await status(server.client)).engineRestarts, 1);

    // Fixed: the next change is analyzed, and the status clears.
    await doc.replaceAll(SERVICE_GO);
    assert.ok(rules(await doc.diagnostics(30000)).includes('go/http-client-no-timeout'));
    await analysisStatus(server.client, (s) => s.skippedFiles.length === 0, 'the skip over');

    // Broken again: skipped again (another restart), and reopening gives it another chance too.
    await doc.replaceAll(HANGS);
    await analysisStatus(server.client, (s) => s.skippedFiles.length === 1, 'skipped again');
    assert.equal((await status(server.client)).engineRestarts, 2);
    await server.client.close(doc);
    const reopened = await server.client.open(file, SERVICE_GO);
    assert.ok(rules(await reopened.diagnostics(30000)).includes('go/http-client-no-timeout'));
    await analysisStatus(server.client, (s) => s.skippedFiles.length === 0, 'the skip over after reopening');
  });
});
