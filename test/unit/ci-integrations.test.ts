/**
 * The ways to run LeakLens outside the repository, each by running what it declares: the CLI from
 * `npm pack` installed with `npm install -g` (the README's install path, and what pre-commit does
 * for a `language: node` hook), every hook of .pre-commit-hooks.yaml, and action.yml's steps.
 * Needs dist/ built (npm test builds it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { LOST_CANCEL_GO } from '../helpers/leakyGo';

const REPO = path.join(__dirname, '..', '..');
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-ci-')));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const CLEAN = 'package svc\n\nfunc add(a, b int) int { return a + b }\n';

function project(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'leaky.go'), LOST_CANCEL_GO);
  fs.writeFileSync(path.join(dir, 'clean.go'), CLEAN);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not linted\n');
  return dir;
}

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts, env: { ...process.env, ...opts.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm pack → npm install -g', () => {
  const prefix = path.join(tmp, 'global');
  const bin = path.join(prefix, 'bin');
  before(() => {
    // --ignore-scripts: dist/ is already built, and rebuilding it under other running tests would race them.
    const pack = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], { cwd: REPO });
    assert.equal(pack.code, 0, pack.stderr);
    const tarball = path.join(tmp, pack.stdout.trim().split('\n').pop()!);
    const install = sh('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball]);
    assert.equal(install.code, 0, install.stderr);
  });

  test('the tarball holds the bundles and grammars only, and the installed leaklens runs without the repository', () => {
    const listed = sh('tar', ['-tzf', fs.readdirSync(tmp).filter((f) => f.endsWith('.tgz')).map((f) => path.join(tmp, f))[0]]);
    const files = listed.stdout.trim().split('\n').sort();
    assert.deepEqual(files, [
      'package/LICENSE',
      'package/README.md',
      'package/dist/cli.js',
      'package/dist/server.js',
      'package/dist/tree-sitter-go.wasm',
      'package/dist/web-tree-sitter.wasm',
      'package/docs/rules.md',
      'package/package.json',
    ]);
    assert.ok(!fs.existsSync(path.join(prefix, 'lib', 'node_modules', 'leaklens', 'node_modules')), 'no dependencies to install: they are bundled');
    const dir = project('global');
    const r = sh(path.join(bin, 'leaklens'), ['lint', './...'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^leaky\.go:9:10: warning go\/lost-cancel: /m);
  });

  test('every hook of .pre-commit-hooks.yaml, run as pre-commit runs it: entry + the staged files of its types', () => {
    const hooks = parse(fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; types_or: string[] }[];
    assert.deepEqual(hooks.map((h) => h.id), ['leaklens', 'leaklens-fix']);
    // pre-commit's file types (the `identify` library) for the extensions LeakLens reads.
    const TYPES: Record<string, string[]> = { go: ['.go'], yaml: ['.yaml', '.yml'], json: ['.json'] };
    for (const hook of hooks) {
      assert.equal(hook.language, 'node', 'pre-commit installs the package with npm pack + npm install -g, as above');
      const dir = project(`hook-${hook.id}`);
      const staged = fs.readdirSync(dir).filter((f) => hook.types_or.some((t) => TYPES[t]?.includes(path.extname(f))));
      assert.deepEqual(staged.sort(), ['clean.go', 'leaky.go']);
      const [command, ...args] = hook.entry.split(' ');
      const env = { PATH: `${bin}${path.delimiter}${process.env.PATH}` };
      const r = sh(command, [...args, ...staged], { cwd: dir, env });
      if (hook.id === 'leaklens') {
        assert.equal(r.code, 1, 'a finding fails the commit');
        assert.match(r.stdout, /leaky\.go:9:10: warning go\/lost-cancel/);
        assert.equal(sh(command, [...args, 'clean.go'], { cwd: dir, env }).code, 0, 'a clean file passes');
      } else {
        assert.equal(r.code, 0, `the fix leaves nothing behind: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /leaky\.go:9:10: fixed go\/lost-cancel/);
        assert.match(fs.readFileSync(path.join(dir, 'leaky.go'), 'utf8'), /c, cancel := context\.WithTimeout\(ctx, time\.Second\)\n\tdefer cancel\(\)/);
      }
    }
  });
});

interface ActionStep {
  name: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}

describe('action.yml', () => {
  const action = parse(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: ActionStep[] };
  };

  /** Evaluates the `${{ … }}` expressions the steps use, for given inputs (the only ones a step may use in `run` are in `env`). */
  function expand(value: string, inputs: Record<string, string>): string {
    return value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
      if (expr === 'github.action_path') return REPO;
      const input = /^inputs\.([\w-]+)$/.exec(expr);
      if (input) return inputs[input[1]];
      throw new Error(`unexpected expression ${expr}`);
    });
  }

  /** Runs a `run:` step the way the runner does: bash -e, its env, GITHUB_OUTPUT; returns outputs too. */
  function runStep(step: ActionStep, inputs: Record<string, string>, cwd: string) {
    assert.equal(step.shell, 'bash');
    assert.ok(!/\$\{\{/.test(step.run!), `step "${step.name}" must take inputs through env, not by pasting them into the script`);
    const outputFile = path.join(tmp, `output-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(outputFile, '');
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, inputs)]));
    const r = sh('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: step['working-directory'] ? expand(step['working-directory'], inputs) : cwd,
      env: { ...env, GITHUB_OUTPUT: outputFile, GITHUB_WORKSPACE: cwd },
    });
    const outputs = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    return { ...r, outputs };
  }

  const defaults = () => Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default]));

  test('a composite action: build, lint to SARIF, upload it to code scanning even when findings fail the lint', () => {
    assert.equal(action.runs.using, 'composite');
    const [build, lint, upload] = action.runs.steps;
    assert.equal(lint.id, 'lint');
    assert.equal(upload.uses, 'github/codeql-action/upload-sarif@v3');
    assert.equal(upload.with?.sarif_file, '${{ steps.lint.outputs.sarif-file }}');
    assert.match(upload.if ?? '', /!cancelled\(\)/);
    assert.match(upload.if ?? '', /exit-code == '1'/);
    const dir = project('action');
    const built = runStep(build, defaults(), dir);
    assert.equal(built.code, 0, `the build step (a no-op once dist/ exists): ${built.stderr}`);
  });

  test('the lint step writes SARIF for the default inputs and fails on findings; its outputs name the log', () => {
    const lint = action.runs.steps.find((s) => s.id === 'lint')!;
    const dir = project('action-sarif');
    const r = runStep(lint, defaults(), dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(r.outputs, { 'sarif-file': 'leaklens.sarif', 'exit-code': '1' });
    const log = JSON.parse(fs.readFileSync(path.join(dir, 'leaklens.sarif'), 'utf8'));
    assert.deepEqual(log.runs[0].results.map((x: { ruleId: string }) => x.ruleId), ['go/lost-cancel']);
    assert.ok(log.runs[0].results[0].fixes?.length, 'the fix travels with the alert');

    const passing = runStep(lint, { ...defaults(), 'fail-on': 'error', args: '--disable go/context-in-struct' }, dir);
    assert.equal(passing.code, 0, passing.stderr);
  });

  test('upload-sarif false prints workflow annotations; new-from-rev limits them to changed lines', () => {
    const lint = action.runs.steps.find((s) => s.id === 'lint')!;
    const dir = project('action-annotations');
    const r = runStep(lint, { ...defaults(), 'upload-sarif': 'false', paths: 'leaky.go clean.go' }, dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^::warning file=leaky\.go,line=9,col=10,.*title=go\/lost-cancel::/m);
    assert.ok(!fs.existsSync(path.join(dir, 'leaklens.sarif')));

    for (const args of [['init', '-q'], ['add', '.'], ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'base']]) {
      assert.equal(sh('git', args, { cwd: dir }).code, 0);
    }
    const unchanged = runStep(lint, { ...defaults(), 'upload-sarif': 'false', 'new-from-rev': 'HEAD' }, dir);
    assert.deepEqual([unchanged.code, unchanged.stdout], [0, '']);
  });
});
