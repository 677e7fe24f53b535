// Bundles the extension client, the language server and the CLI into dist/, with the two .wasm
// files beside them (web-tree-sitter finds them through an explicit locateFile).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const pkg = require('./package.json');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { LEAKLENS_VERSION: JSON.stringify(pkg.version) },
  // The ES build of web-tree-sitter relies on import.meta, which CommonJS output empties.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter').replace(/\.js$/, '.cjs') },
};

const entries = [
  { in: 'client/src/extension.ts', out: 'dist/extension.js', external: ['vscode'] },
  { in: 'server/src/server.ts', out: 'dist/server.js' },
  { in: 'server/src/cli.ts', out: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Required by the CLI only for `leaklens goroutines pod/…`: the Kubernetes client stays out of cli.js.
  { in: 'client/src/runtime/podCli.ts', out: 'dist/podCli.js' },
];

fs.mkdirSync('dist', { recursive: true });
for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-go/tree-sitter-go.wasm']) {
  fs.copyFileSync(require.resolve(wasm), path.join('dist', path.basename(wasm)));
}

const contexts = await Promise.all(
  entries.map((e) =>
    esbuild.context({
      ...common,
      entryPoints: [e.in],
      outfile: e.out,
      external: e.external ?? [],
      banner: e.banner,
    }),
  ),
);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  fs.chmodSync('dist/cli.js', 0o755);
}
