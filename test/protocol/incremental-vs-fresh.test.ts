/**
 * Property (issue 19): random edits sent incrementally through the real stdio server (inserts,
 * deletes, pastes from other files, `\r`, `\r\n`, non-BMP text) never make it publish anything
 * else than a fresh open of the same text does, nor anything else than the CLI finds in that text
 * on disk. Checked at checkpoints along each edit sequence, for Go and for manifests.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { LineIndex } from '../../server/src/engine/text';
import { cliFindings, cliKey, diagnosticKey, type CliFinding } from '../helpers/cli';
import { serverForSuite } from '../helpers/lspClient';
import { checkProperty, withoutRuns, type Property } from '../helpers/property';
import { seededRandom } from '../helpers/random';
import { DEPLOYMENT_YAML, SERVICE_GO, SERVICE_YAML } from './fixtures';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const EDITS = 8;
const CHECK_EVERY = 4;

/** One edit, placed relative to the text's length so that it stays valid when shrinking drops earlier edits. */
interface Edit {
  at: number;
  remove: number;
  insert: string;
}

interface Case {
  base: string;
  edits: Edit[];
}

function filesUnder(dir: string, ext: RegExp): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => ext.test(f) && !f.includes('templates')).sort().map((f) => path.join(dir, f));
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];

/** What people type and paste, line breaks of every kind, and text outside the Basic Multilingual Plane. */
function drawEdit(random: () => number, tokens: readonly string[], pastes: readonly string[]): Edit {
  const at = random();
  const remove = random() < 0.35 ? Math.floor(random() * 60) : 0;
  const r = random();
  let insert: string;
  if (r < 0.3) insert = pick(random, tokens);
  else if (r < 0.5) insert = pick(random, ['\r', '\r\n', '\n', '\r\r\n']);
  else if (r < 0.6) insert = pick(random, ['\u{1F600}', '// \u{1D518}\u{1D52B}\u{1D526} \u{20BB7}\n', '"\u{1F680}"']);
  else if (r < 0.85) {
    // A paste of a few lines from another file.
    const source = pick(random, pastes);
    const from = Math.floor(random() * source.length);
    insert = source.slice(from, from + 20 + Math.floor(random() * 200));
  } else insert = '';
  return { at, remove, insert };
}

/** An offset an editor can address: never inside a surrogate pair or a `\r\n`. */
function addressable(text: string, offset: number): number {
  const prev = text.charCodeAt(offset - 1);
  const next = text.charCodeAt(offset);
  if (prev >= 0xd800 && prev <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return offset - 1;
  if (prev === 0x0d && next === 0x0a) return offset - 1;
  return offset;
}

function placed(text: string, e: Edit): { start: number; end: number } {
  const start = addressable(text, Math.floor(e.at * (text.length + 1)));
  return { start, end: Math.max(start, addressable(text, Math.min(text.length, start + e.remove))) };
}

const diagnosticKeys = (ds: Diagnostic[]) => ds.map((d) => `${diagnosticKey(d)} ${d.message}`).sort();
const cliKeys = (fs: CliFinding[]) => fs.map((f) => `${cliKey(f)} ${f.message}`).sort();

function differs(label: string, expected: string[], actual: string[]): string | undefined {
  const missing = expected.filter((k) => !actual.includes(k));
  const extra = actual.filter((k) => !expected.includes(k));
  if (!missing.length && !extra.length) return undefined;
  return `${label}:\n  only in the fresh open: ${JSON.stringify(missing)}\n  only here: ${JSON.stringify(extra)}`;
}

type Server = ReturnType<typeof serverForSuite>;

function editProperty(server: Server, lang: 'go' | 'yaml', seed: number, cases: number, bases: string[], tokens: string[], pastes: string[]): Property<Case> {
  // The CLI's files live outside the server's workspace: manifests in one folder would see each other.
  const cliRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-incremental-cli-'));
  after(() => fs.rmSync(cliRoot, { recursive: true, force: true }));
  let run = 0;
  return {
    seed,
    cases,
    generate: (random) => ({ base: pick(random, bases), edits: Array.from({ length: EDITS }, () => drawEdit(random, tokens, pastes)) }),
    async check(c) {
      const id = run++;
      const doc = await server.client.open(path.join(server.root, `edited${id}`, `doc.${lang}`), c.base);
      await doc.diagnostics();
      const checkpoints: { text: string; incremental: string[] }[] = [];
      for (let i = 0; i < c.edits.length; i++) {
        const { start, end } = placed(doc.text, c.edits[i]);
        const index = new LineIndex(doc.text);
        await doc.edit({ start: index.positionAt(start), end: index.positionAt(end) }, c.edits[i].insert);
        if ((i + 1) % CHECK_EVERY === 0 || i === c.edits.length - 1) checkpoints.push({ text: doc.text, incremental: diagnosticKeys((await doc.diagnostics()).diagnostics) });
      }
      // Fresh opens once the edited document is closed, so that no manifest sees another.
      await server.client.close(doc);
      for (const [k, cp] of checkpoints.entries()) {
        const fresh = await server.client.open(path.join(server.root, `fresh${id}-${k}`, `doc.${lang}`), cp.text);
        const opened = diagnosticKeys((await fresh.diagnostics()).diagnostics);
        await server.client.close(fresh);
        const dir = path.join(cliRoot, `${id}-${k}`);
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, `doc.${lang}`), cp.text);
        const cli = cliKeys(cliFindings([`doc.${lang}`], dir));
        const failure = differs(`checkpoint ${k + 1}, incremental`, opened, cp.incremental) ?? differs(`checkpoint ${k + 1}, CLI`, opened, cli);
        if (failure) return failure;
      }
      return undefined;
    },
    shrink: (c) => [...withoutRuns(c.edits)].map((edits) => ({ ...c, edits })),
    show: (c) => `base text:\n${c.base}\nedits (at: fraction of the current length):\n${c.edits.map((e) => JSON.stringify(e)).join('\n')}`,
  };
}

describe('incremental edits publish what a fresh open and the CLI find', () => {
  const goFiles = filesUnder(path.join(FIXTURES, 'go'), /\.go$/).map((f) => fs.readFileSync(f, 'utf8'));
  const yamlFiles = filesUnder(path.join(FIXTURES, 'k8s'), /\.ya?ml$/).map((f) => fs.readFileSync(f, 'utf8'));
  const server = serverForSuite({ settings: { scope: 'openFiles' } });

  const go = editProperty(server, 'go', 190_000, 5, [SERVICE_GO, ...goFiles.filter((_, i) => i % 25 === 0)], ['x', '}', '{', '\t', 'go func() {}()\n', 'context.', 'defer ', '"', '//', 'time.After(time.Second)', 'for {\n'], goFiles);
  test(`Go: ${go.cases} seeded sequences of ${EDITS} edits, checked every ${CHECK_EVERY}`, async (t) => {
    t.diagnostic(`${await checkProperty(go)} cases`);
  });

  const yaml = editProperty(server, 'yaml', 195_000, 4, [DEPLOYMENT_YAML, SERVICE_YAML, ...yamlFiles.filter((_, i) => i % 20 === 0)], ['  ', '- ', ': ', '---\n', '#', 'image: nginx:latest\n', '    resources: {}\n', '"'], yamlFiles);
  test(`manifests: ${yaml.cases} seeded sequences of ${EDITS} edits, checked every ${CHECK_EVERY}`, async (t) => {
    t.diagnostic(`${await checkProperty(yaml)} cases`);
  });
});

test('the edit generator makes the inputs issue 19 names', () => {
  // The properties above are only as good as what the generator draws.
  const random = seededRandom(1);
  const inserts = Array.from({ length: 400 }, () => drawEdit(random, ['x'], ['pasted text from another file']).insert).join('');
  for (const want of ['\r\n', '\r\r', '\u{1F600}', 'pasted']) assert.ok(inserts.includes(want), `never inserts ${JSON.stringify(want)}`);
});
