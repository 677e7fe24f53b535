/**
 * Property (issue 19): mutated Go and YAML (cut short, runs deleted or doubled, noise, NUL bytes,
 * lone surrogates, deep nesting) never crash the CLI or the stdio server, and every input is
 * either linted or reported as skipped: the CLI counts every file and names the ones it skipped,
 * exits normally and reports no rule failure; the server publishes diagnostics for every document
 * and logs no failure, with no rule switched off.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { ServerStatus } from '../../server/src/lsp/protocol';
import { runCli } from '../helpers/cli';
import { serverForSuite } from '../helpers/lspClient';
import { checkProperty, withoutRuns, type Property } from '../helpers/property';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const MUTANTS_PER_CASE = 25;

type Lang = 'go' | 'yaml';

interface Mutation {
  kind: 'cut' | 'delete' | 'double' | 'insert' | 'nest';
  /** Where, as a fraction of the current length (stays valid when shrinking drops mutations). */
  at: number;
  size: number;
  text?: string;
}

interface Mutant {
  lang: Lang;
  /** The fixture it starts from, relative to test/fixtures. */
  base: string;
  mutations: Mutation[];
}

interface Case {
  mutants: Mutant[];
}

const NOISE: Record<Lang, string[]> = {
  go: ['{', '}', '(', ')', '"', '`', '/*', ':=', 'func', 'go ', 'defer ', '<-', '\u0000', '\uD800', '\uFEFF', '\r', '\u{1F600}'],
  yaml: [': ', '- ', '---\n', '&a ', '*a', '!!binary ', '? ', '|\n', '{', '[', '"', "'", '\t', '\u0000', '\uD800', '\uFEFF', '\r', '\u{1F600}'],
};
const OPENERS: Record<Lang, string[]> = { go: ['(', '{', '[]', 'func() {'], yaml: ['[', '{"a":', '- '] };

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];

function fixtures(dir: string, ext: RegExp): string[] {
  return (fs.readdirSync(path.join(FIXTURES, dir), { recursive: true }) as string[])
    .filter((f) => ext.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

function drawMutation(random: () => number, lang: Lang): Mutation {
  const kinds: Mutation['kind'][] = ['cut', 'delete', 'delete', 'double', 'insert', 'insert', 'insert', 'nest'];
  const kind = pick(random, kinds);
  const at = random();
  if (kind === 'insert') return { kind, at, size: 0, text: pick(random, NOISE[lang]) };
  if (kind === 'nest') return { kind, at, size: 20 + Math.floor(random() * 600), text: pick(random, OPENERS[lang]) };
  return { kind, at, size: 1 + Math.floor(random() * 120) };
}

function mutate(text: string, m: Mutation): string {
  const at = Math.floor(m.at * (text.length + 1));
  switch (m.kind) {
    case 'cut':
      return text.slice(0, at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.size);
    case 'double':
      return text.slice(0, at + m.size) + text.slice(at);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'nest':
      return text.slice(0, at) + m.text!.repeat(m.size) + text.slice(at);
  }
}

const textOf = (m: Mutant) => m.mutations.reduce(mutate, fs.readFileSync(path.join(FIXTURES, m.base), 'utf8'));

describe('mutated Go and YAML', () => {
  const server = serverForSuite({ settings: { scope: 'openFiles' } });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-mutants-'));
  after(() => fs.rmSync(work, { recursive: true, force: true }));
  const bases: Record<Lang, string[]> = { go: fixtures('go', /\.go$/), yaml: fixtures('k8s', /\.ya?ml$/) };
  let run = 0;
  let skippedByCli = 0;

  /** The CLI on all mutants at once: a normal exit, every file counted, only inputs named as skipped, no rule failure. */
  function cliFailure(files: string[], cwd: string): string | undefined {
    const r = runCli(['--format', 'json', '--fail-on', 'never', ...files], cwd);
    if (r.code !== 0) return `the CLI exited ${r.code ?? r.signal}:\n${r.stderr.slice(0, 2000)}`;
    const out = JSON.parse(r.stdout) as { skipped: { file: string }[]; stats: { files: number } };
    if (out.stats.files !== files.length) return `the CLI read ${out.stats.files} of ${files.length} files`;
    const strangers = out.skipped.filter((s) => !files.includes(s.file));
    if (strangers.length) return `the CLI skipped files it was not given: ${JSON.stringify(strangers)}`;
    skippedByCli += out.skipped.length;
    const failures = r.stderr.split('\n').filter((l) => /failed|threw|internal|stack/i.test(l));
    return failures.length ? `the CLI reports failures:\n${failures.join('\n')}` : undefined;
  }

  /** The server on all mutants at once: diagnostics for every document, no failure logged, no rule switched off. */
  async function serverFailure(texts: { name: string; text: string }[], id: number): Promise<string | undefined> {
    const logsBefore = server.client.logs.length;
    const docs = [];
    for (const t of texts) docs.push(await server.client.open(path.join(server.root, `m${id}`, t.name), t.text));
    try {
      for (const [i, d] of docs.entries()) {
        const published = await d.diagnostics(30000).catch(() => undefined);
        if (!published) return `the server published nothing for ${texts[i].name}`;
      }
    } finally {
      for (const d of docs) await server.client.close(d);
    }
    const status = await server.client.connection.sendRequest<ServerStatus>('leaklens/serverStatus');
    if (status.disabledRules.length) return `rules switched off: ${status.disabledRules.join(', ')}`;
    const failures = server.client.logs.slice(logsBefore).filter((l) => /failed|threw|call stack/.test(l.message));
    return failures.length ? `the server logged:\n${failures.map((l) => l.message).join('\n')}` : undefined;
  }

  const property: Property<Case> = {
    seed: 198_000,
    cases: 6,
    generate: (random) => ({
      mutants: Array.from({ length: MUTANTS_PER_CASE }, () => {
        const lang: Lang = random() < 0.55 ? 'go' : 'yaml';
        return { lang, base: pick(random, bases[lang]), mutations: Array.from({ length: 1 + Math.floor(random() * 4) }, () => drawMutation(random, lang)) };
      }),
    }),
    async check(c) {
      const id = run++;
      const dir = path.join(work, String(id));
      const texts = c.mutants.map((m, i) => ({ name: `${i}/mutant.${m.lang}`, text: textOf(m) }));
      for (const t of texts) {
        fs.mkdirSync(path.join(dir, path.dirname(t.name)), { recursive: true });
        fs.writeFileSync(path.join(dir, t.name), t.text);
      }
      return cliFailure(texts.map((t) => t.name), dir) ?? (await serverFailure(texts, id));
    },
    // Fewer mutants first (down to the one that fails), then fewer mutations of each.
    shrink: (c) => [
      ...[...withoutRuns(c.mutants)].filter((ms) => ms.length > 0).map((mutants) => ({ mutants })),
      ...c.mutants.flatMap((m, i) => [...withoutRuns(m.mutations)].map((mutations) => ({ mutants: c.mutants.map((x, j) => (j === i ? { ...x, mutations } : x)) }))),
    ],
    show: (c) => c.mutants.map((m) => `${m.base} with ${JSON.stringify(m.mutations)}`).join('\n'),
  };

  test(`${property.cases} seeded cases of ${MUTANTS_PER_CASE} mutants through the CLI and the server`, async (t) => {
    t.diagnostic(`${(await checkProperty(property)) * MUTANTS_PER_CASE} mutants, ${skippedByCli} of them reported as skipped by the CLI`);
  });
});
