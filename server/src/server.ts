/**
 * The LeakLens language server: `node dist/server.js --stdio` (or IPC when VS Code starts it).
 * The same bundle runs as the engine worker thread the server starts (see lsp/engineHost.ts). Each
 * thread loads only its half of the bundle, and the server starts the worker before loading its
 * own half, so the worker's start-up (parsers, rules) overlaps the protocol thread's.
 */
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const { EngineHost, engineLimits } = require('./lsp/engineHost') as typeof import('./lsp/engineHost');
  const host = new EngineHost(engineLimits());
  host.start();
  (require('./lsp/languageServer') as typeof import('./lsp/languageServer')).startLanguageServer(host);
} else {
  (require('./lsp/engine/worker') as typeof import('./lsp/engine/worker')).runEngineWorker();
}
