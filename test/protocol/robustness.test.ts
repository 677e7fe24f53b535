/**
 * Robustness over a real stdio connection: half-typed Go, binary junk and files over the size
 * limit never stop the server; a rule that throws, runs too long or never returns is reported
 * once and switched off while everything else keeps working (faults injected into real rules with
 * LEAKLENS_FAULTS); parse-tree memory is bounded and the engine is recycled when its WASM heap
 * holds too much garbage.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { MessageType } from 'vscode-languageserver-protocol/node';
import { generateLargeFile } from '../../bench/goCorpus';
import { LineIndex } from '../../server/src/engine/text';
import type { ServerStatus } from '../../server/src/lsp/protocol';
import { initEngine, lintGo } from '../helpers/goEngine';
import { type ClientDocument, LspClient, serverForSuite } from '../helpers/lspClient';
import { DEPLOYMENT_YAML, SERVICE_GO } from './fixtures';
import { seededRandom } from '../helpers/random';

const status = (client: LspClient) => client.connection.sendRequest<ServerStatus>('leaklens/serverStatus');
const rules = (p: { diagnostics: { code?: string | number }[] }) => p.diagnostics.map((d) => String(d.code));

/** Appends a comment line at the end and waits for that version's diagnostics. */
async function touch(doc: ClientDocument) {
  const lines = doc.text.split('\n').length - 1;
  const end = { line: lines, character: 0 };
  await doc.edit({ start: end, end }, '// edit\n');
  return doc.diagnostics(30000);
}

describe('broken and huge inputs', () => {
  before(initEngine);
  const server = serverForSuite({ settings: { scope: 'openFiles' } });

  test('typing a Go file from scratch: every version is analyzed, half-typed code included', async () => {
    const file = path.join(server.root, 'typing.go');
    const doc = await server.client.open(file, '');
    for (const ch of SERVICE_GO.slice(0, 700)) {
      const end = new LineIndex(doc.text).positionAt(doc.text.length);
      await doc.edit({ start: end, end }, ch);
    }
    const last = await doc.diagnostics(30000);
    assert.deepEqual(rules(last).sort(), lintGo(file, doc.text).map((f) => f.rule).sort());
    assert.ok(!server.client.logs.some((l) => /failed/.test(l.message)), server.client.logs.map((l) => l.message).join('\n'));
    await server.client.close(doc);
  });

  test('binary junk as Go and as YAML is analyzed without errors', async () => {
    const random = seededRandom(7);
    const junk = Buffer.from(Array.from({ length: 20000 }, () => Math.floor(random() * 256))).toString('latin1');
    const go = await server.client.open(path.join(server.root, 'junk.go'), junk);
    const yaml = await server.client.open(path.join(server.root, 'junk.yaml'), junk);
    assert.equal((await go.diagnostics()).version, 1);
    assert.equal((await yaml.diagnostics()).version, 1);
    await touch(go);
    await touch(yaml);
    assert.ok(!server.client.logs.some((l) => /failed|threw/.test(l.message)), server.client.logs.map((l) => l.message).join('\n'));
    await server.client.close(go);
    await server.client.close(yaml);
  });

  test('a file over leaklens.maxFileSize is skipped with one information message, and analyzed once it shrinks', async () => {
    let big = generateLargeFile(60000);
    while (big.length <= 2_000_000) big += '\n// padding padding padding padding padding padding padding padding\n';
    const messagesBefore = server.client.messages.length;
    const doc = await server.client.open(path.join(server.root, 'huge.go'), big);
    assert.deepEqual((await doc.diagnostics()).diagnostics, []);
    assert.deepEqual((await touch(doc)).diagnostics, []);
    assert.deepEqual((await touch(doc)).diagnostics, []);
    const infos = server.client.messages.slice(messagesBefore).filter((m) => m.type === MessageType.Info);
    assert.equal(infos.length, 1, 'one information message');
    assert.match(infos[0].message, /huge\.go/);
    assert.match(infos[0].message, /leaklens\.maxFileSize/);

    await doc.replaceAll(SERVICE_GO);
    assert.ok((await doc.diagnostics()).diagnostics.length > 0, 'analyzed below the limit');
    await server.client.close(doc);
  });
});

describe('rules that throw or run too long', () => {
  const server = serverForSuite({ settings: { scope: 'openFiles' }, env: { LEAKLENS_FAULTS: 'throw:go/lost-cancel,slow:go/http-default-client' } });

  test('each is reported once in the log and switched off; the other rules and the server carry on', async () => {
    const doc = await server.client.open(path.join(server.root, 'service.go'), SERVICE_GO);
    await doc.diagnostics(30000);
    let published = await touch(doc);
    for (let i = 0; i < 4; i++) published = await touch(doc);
    assert.ok(!rules(published).includes('go/lost-cancel'));
    assert.ok(!rules(published).includes('go/http-default-client'));
    assert.ok(rules(published).includes('go/http-client-no-timeout'), 'other rules still report');
    assert.ok(rules(published).includes('go/time-after-in-loop'));

    const threw = server.client.logs.filter((l) => l.message.includes('go/lost-cancel'));
    assert.equal(threw.length, 1, 'reported once');
    assert.match(threw[0].message, /threw/);
    assert.match(threw[0].message, /injected fault/);
    const slow = server.client.logs.filter((l) => l.message.includes('go/http-default-client'));
    assert.equal(slow.length, 1, 'reported once');
    assert.match(slow[0].message, /took \d+ ms/);
    assert.deepEqual((await status(server.client)).disabledRules.sort(), ['go/http-default-client', 'go/lost-cancel']);

    // Manifests are unaffected.
    const yaml = await server.client.open(path.join(server.root, 'web.yaml'), DEPLOYMENT_YAML);
    assert.ok(rules(await yaml.diagnostics()).includes('k8s/image-latest'));
  });
});

describe('a rule that never returns', () => {
  before(initEngine);
  const server = serverForSuite({ settings: { scope: 'openFiles' }, env: { LEAKLENS_FAULTS: 'hang:go/http-client-no-timeout', LEAKLENS_HANG_MS: '1000' } });

  test('the watchdog restarts the engine without it, and diagnostics resume', async () => {
    const file = path.join(server.root, 'service.go');
    const doc = await server.client.open(file, SERVICE_GO);
    const published = await doc.diagnostics(30000);
    const expected = lintGo(file, SERVICE_GO).map((f) => f.rule).filter((r) => r !== 'go/http-client-no-timeout');
    assert.deepEqual(rules(published).sort(), expected.sort());
    const s = await status(server.client);
    assert.equal(s.engineRestarts, 1);
    assert.match(s.lastRestartReason ?? '', /go\/http-client-no-timeout did not return/);
    assert.ok(s.disabledRules.includes('go/http-client-no-timeout'));
    assert.ok(server.client.logs.some((l) => /did not return/.test(l.message)));
    assert.ok(rules(await touch(doc)).includes('go/time-after-in-loop'), 'edits are analyzed again');
  });
});

describe('memory', () => {
  before(initEngine);
  const server = serverForSuite({ settings: { scope: 'openFiles' }, env: { LEAKLENS_ENGINE_MEMORY_MB: '48' } });

  test('trees are kept for at most maxTrees documents; documents without one are still analyzed correctly', async () => {
    const docs: ClientDocument[] = [];
    for (let i = 0; i < 40; i++) {
      docs.push(await server.client.open(path.join(server.root, `pkg${i}.go`), SERVICE_GO.replace('package service', `package pkg${i}`)));
    }
    for (const d of docs) await d.diagnostics();
    const s = await status(server.client);
    assert.ok(s.trees <= s.maxTrees && s.maxTrees < docs.length, `trees ${s.trees} <= ${s.maxTrees}`);
    // The first document lost its tree long ago: an edit reparses it from scratch.
    const first = docs[0];
    const published = await touch(first);
    assert.deepEqual(rules(published).sort(), lintGo(path.join(server.root, 'pkg0.go'), first.text).map((f) => f.rule).sort());
    for (const d of docs) await server.client.close(d);
  });

  test('WASM memory left over by a closed large file makes the engine recycle; analysis continues', async () => {
    const small = await server.client.open(path.join(server.root, 'small.go'), SERVICE_GO);
    await small.diagnostics();
    const restarts = (await status(server.client)).engineRestarts;
    const big = await server.client.open(path.join(server.root, 'big.go'), generateLargeFile(70000));
    await big.diagnostics(60000);
    const inUse = (await status(server.client)).externalBytes;
    assert.ok(inUse > 48 * 1024 * 1024, `the large tree pushed WASM memory to ${inUse} bytes`);
    assert.equal((await status(server.client)).engineRestarts, restarts, 'no restart while the tree is in use');

    await server.client.close(big);
    let s = await status(server.client);
    for (let i = 0; i < 100 && s.engineRestarts === restarts; i++) {
      await new Promise((r) => setTimeout(r, 100));
      s = await status(server.client);
    }
    assert.equal(s.engineRestarts, restarts + 1);
    assert.match(s.lastRestartReason ?? '', /memory/);
    assert.ok(s.externalBytes < inUse, `memory released: ${s.externalBytes} < ${inUse}`);
    const published = await touch(small);
    assert.deepEqual(rules(published).sort(), lintGo(path.join(server.root, 'small.go'), small.text).map((f) => f.rule).sort());
  });
});
