/** Entry of the engine worker thread (the same bundle as the server, started with `new Worker(__filename)`). */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeGoText, analyzeManifests, initEngine } from '../../lint/analyze';
import { defaultConfig } from '../../engine/config';
import { GoModLocator } from '../../go/gomod';
import { goRules } from '../../go/rules';
import { Engine } from './engine';
import type { EngineStartData, FromEngine, ToEngine } from './messages';

export function runEngineWorker(): void {
  const port = parentPort!;
  const post = (m: FromEngine) => port.postMessage(m);
  const engine = new Engine(workerData as EngineStartData, post);
  // Messages that arrive while the parsers load are handled at once; their tasks wait for start().
  port.on('message', (m: ToEngine) => engine.handle(m));
  initEngine().then(
    () => {
      engine.start(warmUp);
      post({ kind: 'ready', goRuleIds: goRules.map((r) => r.id), externalBytes: process.memoryUsage().external });
    },
    (err) => {
      post({ kind: 'log', level: 'error', message: `cannot load the parsers: ${(err as Error)?.stack ?? err}` });
      process.exit(1);
    },
  );
}

const WARM_UP_GO = `package warmup

import (
	"context"
	"net/http"
	"time"
)

type holder struct{ ctx context.Context }

func warm(ctx context.Context) {
	t := time.NewTicker(time.Second)
	go func() { <-t.C }()
	_, _ = http.Get("http://example.com")
}
`;

const WARM_UP_YAML = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: a:latest\n';

/**
 * The first analysis pays for compiling queries and for cold code (about 100 ms). Done on a small
 * sample while the editor is still in the LSP handshake, it is not paid by the first diagnostics.
 */
function warmUp(): void {
  const ignore = () => {};
  analyzeGoText('/warmup/warm.go', WARM_UP_GO, defaultConfig(), new GoModLocator(), ignore);
  analyzeManifests([{ path: '/warmup/warm.yaml', text: WARM_UP_YAML }], defaultConfig(), ignore);
}
