/**
 * `npm run package` builds a VSIX offline that holds the bundles, the two .wasm files, the manifest,
 * snippets and docs — and nothing else (no sources, node_modules, source maps or tests).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { packageVsix } from './codeServer';

interface ZipEntry {
  name: string;
  size: number;
}

/** The entries of a zip file, from its central directory. */
function zipEntries(file: string): ZipEntry[] {
  const zip = fs.readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'not a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'bad central directory entry');
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), size });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-vsix-'));
after(() => fs.rmSync(outDir, { recursive: true, force: true }));

test('npm run package produces a VSIX with only what the extension needs', () => {
  const vsix = packageVsix(outDir);
  const entries = zipEntries(vsix);
  const names = entries.map((e) => e.name);
  for (const needed of [
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/dist/server.js',
    'extension/dist/web-tree-sitter.wasm',
    'extension/dist/tree-sitter-go.wasm',
    'extension/snippets/go.json',
    'extension/snippets/yaml.json',
    'extension/docs/rules.md',
  ]) {
    assert.ok(names.includes(needed), `${needed} missing from the VSIX: ${names.join(', ')}`);
  }
  const allowed = [
    /^\[Content_Types\]\.xml$/,
    /^extension\.vsixmanifest$/,
    /^extension\/(package\.json|readme\.md|changelog\.md|LICENSE(\.md|\.txt)?)$/i,
    /^extension\/dist\/(extension|server)\.js$/,
    /^extension\/dist\/[\w-]+\.wasm$/,
    /^extension\/snippets\/\w+\.json$/,
    /^extension\/resources\/[\w-]+\.svg$/,
    /^extension\/docs\/rules\.md$/,
  ];
  assert.deepEqual(names.filter((n) => !allowed.some((re) => re.test(n))), [], 'unexpected files in the VSIX');
  // Only the bundles and the grammars may be big.
  const big = entries.filter((e) => e.size > 100_000 && !/^extension\/dist\/[^/]+\.(js|wasm)$/.test(e.name));
  assert.deepEqual(big, [], 'large files in the VSIX');
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  assert.ok(total < 8_000_000, `VSIX content is ${total} bytes`);
});
