/**
 * Bad input from the client gets a proper answer, never a stall or a raw TypeError: corrupt
 * Content-Length framing makes the server log why and exit (so the editor restarts it); requests
 * with params it cannot use are answered InvalidParams (-32602) and a second `initialize`
 * InvalidRequest (-32600); bad notifications are logged and dropped; a manifest nested deeper than
 * the parser goes is reported as not checked, not as a syntax error or a failing rule.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import type { AnalysisStatus, ServerStatus } from '../../server/src/lsp/protocol';
import { CORRUPT_INPUT_EXIT_CODE } from '../../server/src/lsp/transport';
import { SERVER_JS, serverForSuite } from '../helpers/lspClient';
import { SERVICE_GO } from './fixtures';

function frame(body: string, length = Buffer.byteLength(body)): string {
  return `Content-Length: ${length}\r\n\r\n${body}`;
}

const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
const STATUS = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'leaklens/serverStatus' });

/** Starts a server, initializes it, writes `bad`, and resolves with how it ended and what it wrote on stderr. */
function corruptAfterInitialize(bad: string): Promise<{ code: number | null; stderr: string; answeredInitialize: boolean }> {
  const proc = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  proc.stdin.write(frame(INITIALIZE));
  const answered = new Promise<void>((resolve) => proc.stdout.on('data', () => stdout.includes('"id":1') && resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the server did not exit after ${JSON.stringify(bad)}; stderr:\n${stderr}`));
    }, 15000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, answeredInitialize: stdout.includes('"id":1') });
    });
    void answered.then(() => proc.stdin.write(bad));
  });
}

describe('corrupt framing', () => {
  const cases: [string, string, RegExp][] = [
    ['a Content-Length that is not a number', frame(STATUS, NaN).replace('NaN', 'twelve'), /Content-Length value must be a number/],
    ['a negative Content-Length', frame(STATUS, -5), /unreadable message/],
    ['a Content-Length too short for the body', frame(STATUS, 10), /unreadable message.*JSON/],
    ['no Content-Length', `Content-Type: application/vscode-jsonrpc\r\n\r\n${STATUS}`, /must provide a Content-Length/],
  ];
  for (const [what, bad, reason] of cases) {
    test(`${what}: the server logs why and exits`, async () => {
      const r = await corruptAfterInitialize(bad);
      assert.ok(r.answeredInitialize);
      assert.equal(r.code, CORRUPT_INPUT_EXIT_CODE);
      assert.match(r.stderr, reason);
    });
  }
});

describe('bad params and a second initialize', () => {
  const server = serverForSuite({ settings: { scope: 'openFiles' } });

  async function errorOf(method: string, params: unknown): Promise<ResponseError<unknown>> {
    try {
      await server.client.connection.sendRequest(method, params);
    } catch (err) {
      if (err instanceof ResponseError) return err;
      throw err;
    }
    assert.fail(`${method} with ${JSON.stringify(params)} was answered`);
  }

  test('requests with params the server cannot use are answered InvalidParams, naming what is wrong', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['textDocument/codeAction', null, /params must be an object/],
      ['textDocument/codeAction', {}, /params\.textDocument must be an object/],
      ['textDocument/codeAction', { textDocument: { uri: 'file:///a.go' }, range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }, /params\.range\.start\.line must be a non-negative integer/],
      ['codeAction/resolve', 'x', /params must be an object/],
      ['leaklens/fixAll', { uri: 7 }, /params\.uri must be a string/],
    ];
    for (const [method, params, message] of cases) {
      const err = await errorOf(method, params);
      assert.equal(err.code, ErrorCodes.InvalidParams, `${method} ${JSON.stringify(params)}: ${err.message}`);
      assert.match(err.message, message);
    }
  });

  test('a second initialize is an InvalidRequest; the server carries on', async () => {
    const err = await errorOf('initialize', { processId: null, rootUri: null, capabilities: {} });
    assert.equal(err.code, ErrorCodes.InvalidRequest);
    const doc = await server.client.open(path.join(server.root, 'after.go'), SERVICE_GO);
    assert.ok((await doc.diagnostics()).diagnostics.length > 0);
  });

  test('a notification with bad params is logged and dropped', async () => {
    await server.client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///x.go' }, contentChanges: 'all' });
    const log = await server.client.waitFor(() => server.client.logs.find((l) => /ignored textDocument\/didChange/.test(l.message)), 'the log line');
    assert.match(log.message, /params\.textDocument\.version must be a non-negative integer/);
    assert.ok(!server.client.logs.some((l) => /failed|TypeError/.test(l.message)));
  });
});

describe('manifests nested deeper than LeakLens reads', () => {
  const server = serverForSuite({ settings: { scope: 'openFiles' } });

  test('YAML and JSON 5,000 levels deep are reported as not checked, and nothing is switched off', async () => {
    // A kind the rules read: the body of a kind no rule reads (a ConfigMap) is blanked before parsing, so its depth costs nothing.
    const yaml = `apiVersion: apps/v1\nkind: Deployment\nspec: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const json = `{"apiVersion":"apps/v1","kind":"Deployment","spec":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    for (const [name, text] of [['deep.yaml', yaml], ['deep.json', json]]) {
      const doc = await server.client.open(path.join(server.root, name), text);
      assert.deepEqual((await doc.diagnostics()).diagnostics, [], 'no syntax error is claimed');
    }
    const shown = await server.client.waitFor(() => {
      const last = server.client.notificationsOf('leaklens/analysisStatus').at(-1) as AnalysisStatus | undefined;
      return last?.skippedFiles.length === 2 && last;
    }, 'both files reported as not checked');
    for (const s of shown.skippedFiles) assert.match(s.reason, /^nested 5001 levels deep, more than the 256 LeakLens reads$/);
    const status = await server.client.connection.sendRequest<ServerStatus>('leaklens/serverStatus');
    assert.deepEqual(status.disabledRules, []);
    assert.ok(!server.client.logs.some((l) => /failed|threw|call stack/.test(l.message)));
  });
});
