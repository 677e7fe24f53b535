/**
 * The CLI conventions users bring from golangci-lint, eslint and gosec, through the built CLI
 * (dist/cli.js) on real files and git repositories: Go package patterns, --fix and --diff, fixes in
 * JSON and SARIF, --new-from-rev and --new-from-patch, --enable/--disable/--list-rules, gosec's
 * suppression comments, exit codes, and a reader that closes the pipe early.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { fixFiles } from '../../server/src/cli/fix';
import { defaultConfig } from '../../server/src/engine/config';
import { fixText } from '../../server/src/engine/fixAll';
import { applyEdits } from '../../server/src/engine/text';
import type { TextEdit } from '../../server/src/engine/types';
import { inspectGo, initEngine, lintGo } from '../helpers/goEngine';
import { DEPLOYMENT_YAML } from '../protocol/fixtures';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-cli-ci-')));
before(initEngine);
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lint = (args: string[], cwd: string) => run(['lint', ...args], cwd);

/** A fresh directory under the test's temp dir holding `files`. */
function project(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function gofmt(text: string): string {
  const r = spawnSync('gofmt', [], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

interface JsonEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}
interface JsonFinding {
  file: string;
  line: number;
  rule: string;
  fixable: boolean;
  fixes: { title: string; preferred: boolean; changesBehavior?: string; edits: JsonEdit[] }[];
}
const json = (stdout: string) => JSON.parse(stdout) as { findings: JsonFinding[]; stats: { files: number } };

/** 1-based edits (JSON's, SARIF's) back to engine edits. */
function zeroBased(e: { line: number; column: number; endLine: number; endColumn: number; newText: string }): TextEdit {
  return { range: { start: { line: e.line - 1, character: e.column - 1 }, end: { line: e.endLine - 1, character: e.endColumn - 1 } }, newText: e.newText };
}

/** Two lost cancels and a client without a timeout: three fixes in one file. */
const LEAKY_GO = `package svc

import (
	"context"
	"net/http"
	"time"
)

var client = &http.Client{}

func fetch(ctx context.Context) error {
	c, _ := context.WithTimeout(ctx, time.Second)
	req, err := http.NewRequestWithContext(c, http.MethodGet, "http://example.invalid", nil)
	if err != nil {
		return err
	}
	_ = req
	return nil
}

func poll(ctx context.Context) {
	c, _ := context.WithCancel(ctx)
	wait(c)
}

func wait(context.Context) {}
`;

const CLEAN_GO = `package svc

func add(a, b int) int { return a + b }
`;

/** A Deployment with a comment to keep (its container has many fixable findings). */
const DEPLOYMENT = DEPLOYMENT_YAML.replace('        - name: web', '        # the web tier\n        - name: web');

describe('Go package patterns', () => {
  const dir = project('patterns', { 'a.go': LEAKY_GO, 'cmd/tool/main.go': LEAKY_GO.replace('package svc', 'package main'), 'deploy/web.yaml': DEPLOYMENT });

  test('./... lints the whole tree, dir/... one subtree, like go vet', () => {
    const all = lint(['--format', 'json', './...'], dir);
    assert.equal(all.code, 1, all.stderr);
    assert.deepEqual([...new Set(json(all.stdout).findings.map((f) => f.file))].sort(), ['a.go', 'cmd/tool/main.go', 'deploy/web.yaml']);
    const sub = json(lint(['--format', 'json', './cmd/...'], dir).stdout);
    assert.deepEqual([...new Set(sub.findings.map((f) => f.file))], ['cmd/tool/main.go']);
    const bare = json(lint(['--format', 'json', 'cmd/...'], dir).stdout);
    assert.deepEqual(bare.findings, sub.findings);
  });

  test('a pattern whose directory does not exist is reported by the name given', () => {
    const r = lint(['nope/...'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^nope\/\.\.\.: no such file or directory$/m);
  });
});

describe('--fix and --diff', () => {
  test('--fix applies every safe fix of a file together, reports each, and the result re-lints without them', () => {
    const dir = project('fix', { 'svc.go': LEAKY_GO, 'clean.go': CLEAN_GO, 'deploy/web.yaml': DEPLOYMENT });
    const before = json(lint(['--format', 'json', '.'], dir).stdout).findings;
    const fixable = before.filter((f) => f.fixes.some((x) => x.preferred && !x.changesBehavior));
    assert.ok(fixable.filter((f) => f.file === 'svc.go').length >= 2, JSON.stringify(before.map((f) => f.rule)));

    const r = lint(['--fix', '.'], dir);
    for (const f of fixable) assert.match(r.stderr, new RegExp(`^${f.file.replace('.', '\\.')}:${f.line}:\\d+: fixed ${f.rule}: `, 'm'));
    assert.match(r.stderr, /^leaklens: applied \d+ fixes in 2 files$/m);

    const fixed = fs.readFileSync(path.join(dir, 'svc.go'), 'utf8');
    assert.equal(gofmt(fixed), fixed, 'gofmt-clean');
    assert.equal(inspectGo(fixed).hasError, false);
    assert.match(fixed, /defer cancel\(\)/);
    assert.equal(fs.readFileSync(path.join(dir, 'clean.go'), 'utf8'), CLEAN_GO, 'a file without findings is not touched');
    const yaml = fs.readFileSync(path.join(dir, 'deploy/web.yaml'), 'utf8');
    assert.ok(yaml.includes('# the web tier'), 'comments survive');
    assert.ok(parseAllDocuments(yaml).every((d) => d.errors.length === 0));

    // What is printed is what remains, and it is exactly what a fresh run finds.
    const again = lint(['--format', 'json', '.'], dir);
    const remaining = json(again.stdout).findings;
    assert.ok(!remaining.some((f) => f.fixes.some((x) => !x.changesBehavior)), 'nothing safely fixable is left');
    const printed = lint(['--fix', '--format', 'json', '.'], dir);
    assert.deepEqual(json(printed.stdout).findings, remaining);
    assert.equal(printed.stderr, '', 'a second --fix has nothing to do');
    assert.equal(r.code, remaining.some((f) => f.rule !== 'go/context-in-struct') ? 1 : 0);
  });

  test('--diff prints what --fix would do as a patch git can apply, and writes nothing', () => {
    const dir = project('diff', { 'svc.go': LEAKY_GO, 'deploy/web.yaml': DEPLOYMENT });
    const r = lint(['--diff', '.'], dir);
    assert.equal(r.code, 1, 'a diff means something to fix');
    assert.match(r.stdout, /^--- a\/svc\.go\n\+\+\+ b\/svc\.go\n@@ /m);
    assert.match(r.stdout, /^--- a\/deploy\/web\.yaml\n\+\+\+ b\/deploy\/web\.yaml$/m);
    assert.equal(fs.readFileSync(path.join(dir, 'svc.go'), 'utf8'), LEAKY_GO, '--diff writes nothing');

    const viaPatch = project('diff-applied', { 'svc.go': LEAKY_GO, 'deploy/web.yaml': DEPLOYMENT });
    fs.writeFileSync(path.join(tmp, 'fixes.patch'), r.stdout);
    const applied = spawnSync('git', ['apply', '--verbose', path.join(tmp, 'fixes.patch')], { cwd: viaPatch, encoding: 'utf8' });
    assert.equal(applied.status, 0, applied.stderr);
    lint(['--fix', '.'], dir);
    for (const file of ['svc.go', 'deploy/web.yaml']) {
      assert.equal(fs.readFileSync(path.join(viaPatch, file), 'utf8'), fs.readFileSync(path.join(dir, file), 'utf8'), file);
    }
    const none = lint(['--diff', '.'], dir);
    assert.deepEqual([none.code, none.stdout], [0, ''], 'nothing left to fix: no diff, exit 0');
    assert.equal(lint(['--diff', '--format', 'json', '.'], dir).code, 2, '--diff takes no format');
  });

  test("JSON and SARIF carry each finding's fix edits; applying them gives --fix's result", () => {
    const dir = project('fix-json', { 'one.go': LEAKY_GO.replace('func poll', 'func _poll').replace(/func _poll[\s\S]*$/, '').replace('var client = &http.Client{}\n', '') });
    const text = fs.readFileSync(path.join(dir, 'one.go'), 'utf8');
    const [finding] = json(lint(['--format', 'json', 'one.go'], dir).stdout).findings;
    assert.equal(finding.rule, 'go/lost-cancel');
    const preferred = finding.fixes.find((x) => x.preferred)!;
    assert.ok(preferred.title && preferred.edits.length > 0);
    const viaJson = applyEdits(text, preferred.edits.map(zeroBased));

    const log = JSON.parse(lint(['--format', 'sarif', 'one.go'], dir).stdout);
    const [result] = log.runs[0].results;
    assert.equal(result.fixes[0].description.text, preferred.title);
    const change = result.fixes[0].artifactChanges[0];
    assert.equal(change.artifactLocation.uri, 'one.go');
    const viaSarif = applyEdits(
      text,
      change.replacements.map((rep: { deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number }; insertedContent: { text: string } }) =>
        zeroBased({ line: rep.deletedRegion.startLine, column: rep.deletedRegion.startColumn, endLine: rep.deletedRegion.endLine, endColumn: rep.deletedRegion.endColumn, newText: rep.insertedContent.text }),
      ),
    );
    lint(['--fix', 'one.go'], dir);
    const fixed = fs.readFileSync(path.join(dir, 'one.go'), 'utf8');
    assert.equal(viaJson, fixed);
    assert.equal(viaSarif, fixed);
  });
});

describe('fixes compose: all or nothing per file, never a behaviour change', () => {
  test('a file whose fixes would break it is left as it was; changesBehavior fixes are never applied', () => {
    const dir = project('fix-refused', { 'svc.go': LEAKY_GO, 'other.go': LEAKY_GO });
    const file = path.join(dir, 'svc.go');
    const real = lintGo(file, LEAKY_GO).map((f) => ({ ...f, file }));
    assert.ok(real.some((f) => f.fixes.length > 0));
    // One more finding whose fix deletes the closing brace of func poll: together they do not parse.
    const last = LEAKY_GO.trimEnd().split('\n').length - 1;
    const breaking = { ...real[0], rule: 'go/lost-cancel', range: { start: { line: last, character: 0 }, end: { line: last, character: 1 } }, fixes: [{ title: 'break it', preferred: true, edits: [{ range: { start: { line: last, character: 0 }, end: { line: last, character: 1 } }, newText: '' }] }] };
    const options = { config: defaultConfig(), maxFileSize: 2_000_000, manifests: [] };
    const [refused] = fixFiles([...real, breaking], options);
    assert.equal(refused.after, refused.before, 'nothing applied');
    assert.deepEqual(refused.applied, []);
    assert.match(refused.refused ?? '', /does not parse/);

    // A fix that may change behaviour is skipped, in every pass; the file's other fixes still apply.
    const other = path.join(dir, 'other.go');
    const marked = (text: string) =>
      lintGo(other, text).map((f) => (f.rule === 'go/http-client-no-timeout' ? { ...f, fixes: f.fixes.map((x) => ({ ...x, changesBehavior: 'slow calls now fail' })) } : f));
    const result = fixText(LEAKY_GO, marked);
    const applied = result.passes.flatMap((p) => p.applied.map((a) => a.finding.rule));
    assert.deepEqual(applied.sort(), ['go/lost-cancel', 'go/lost-cancel']);
    assert.match(result.text, /var client = &http\.Client\{\}/);
  });
});

describe('--new-from-rev and --new-from-patch', () => {
  const NEW_LEAK = '\nfunc later(ctx context.Context) {\n\tc, _ := context.WithTimeout(ctx, time.Minute)\n\twait(c)\n}\n';
  function repository(name: string): string {
    const dir = project(name, { 'svc.go': LEAKY_GO, 'old.go': LEAKY_GO.replace('package svc', 'package svc // old'), 'deploy/web.yaml': DEPLOYMENT });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    fs.appendFileSync(path.join(dir, 'svc.go'), NEW_LEAK);
    fs.writeFileSync(path.join(dir, 'fresh.go'), CLEAN_GO.replace('func add', 'func leak(ctx context.Context) {\n\tc, _ := context.WithCancel(ctx)\n\twait(c)\n}\n\nfunc add').replace('package svc\n', 'package svc\n\nimport "context"\n'));
    return dir;
  }

  test('--new-from-rev reports only findings on lines changed since REV (uncommitted and untracked included)', () => {
    const dir = repository('newrev');
    const full = json(lint(['--format', 'json', '.'], dir).stdout);
    const r = lint(['--format', 'json', '--new-from-rev', 'HEAD', '.'], dir);
    const found = json(r.stdout);
    const laterLine = LEAKY_GO.split('\n').length + 2;
    assert.deepEqual(found.findings.map((f) => `${f.file}:${f.line}:${f.rule}`).sort(), [`fresh.go:6:go/lost-cancel`, `svc.go:${laterLine}:go/lost-cancel`]);
    assert.ok(full.findings.length > found.findings.length + 4);
    assert.equal(r.code, 1);
    // Unchanged Go files are not even read (the manifests are, for cross-file rules).
    assert.equal(found.stats.files, 3, 'svc.go, fresh.go and the manifest');

    // Committed changes count too: HEAD~1 after a commit reports the same.
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'more');
    assert.deepEqual(json(lint(['--format', 'json', '--new-from-rev', 'HEAD~1', '.'], dir).stdout).findings, found.findings);
    const clean = lint(['--new-from-rev', 'HEAD', '.'], dir);
    assert.deepEqual([clean.code, clean.stdout], [0, ''], 'nothing changed since HEAD');

    const bad = lint(['--new-from-rev', 'no-such-rev', '.'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no-such-rev/);
    const notRepo = lint(['--new-from-rev', 'HEAD', '.'], project('not-a-repo', { 'a.go': CLEAN_GO }));
    assert.equal(notRepo.code, 2);
    assert.match(notRepo.stderr, /needs a git repository/);
  });

  test('--new-from-patch reads a unified diff (git or diff -u, any context) the same way', () => {
    const dir = repository('newpatch');
    git(dir, 'add', 'fresh.go');
    const patch = path.join(tmp, 'change.patch');
    fs.writeFileSync(patch, git(dir, 'diff', 'HEAD'));
    const viaRev = json(lint(['--format', 'json', '--new-from-rev', 'HEAD', '.'], dir).stdout).findings;
    const viaPatch = json(lint(['--format', 'json', '--new-from-patch', patch, '.'], dir).stdout).findings;
    assert.deepEqual(viaPatch, viaRev);
    assert.equal(viaPatch.length, 2);
    // From a subdirectory, patch paths stay relative to the repository root.
    fs.mkdirSync(path.join(dir, 'sub'));
    assert.equal(json(lint(['--format', 'json', '--new-from-patch', patch, '..'], path.join(dir, 'sub')).stdout).findings.length, 2);
    assert.equal(lint(['--new-from-patch', path.join(tmp, 'missing.patch'), '.'], dir).code, 2);
  });

  test('--fix with --new-from-rev fixes only what changed', () => {
    const dir = repository('newfix');
    const r = lint(['--fix', '--new-from-rev', 'HEAD', '.'], dir);
    assert.match(r.stderr, /fresh\.go:6:\d+: fixed go\/lost-cancel/);
    assert.match(r.stderr, /svc\.go:\d+:\d+: fixed go\/lost-cancel/);
    assert.match(r.stderr, /applied 2 fixes in 2 files/);
    const svc = fs.readFileSync(path.join(dir, 'svc.go'), 'utf8');
    assert.ok(svc.startsWith(LEAKY_GO), 'the old findings of svc.go are left alone');
    assert.match(svc.slice(LEAKY_GO.length), /defer cancel\(\)/);
    assert.equal(r.stdout, '', 'nothing changed is left unfixed');
  });
});

describe('rules on the command line', () => {
  const dir = project('rules', { '.leaklens.yaml': 'rules:\n  go/lost-cancel: off\n', 'svc.go': LEAKY_GO });
  const rules = (args: string[]) => new Set(json(lint(['--format', 'json', ...args, 'svc.go'], dir).stdout).findings.map((f) => f.rule));

  test('--enable runs a rule the configuration switched off; --disable switches one off; the last flag wins', () => {
    assert.ok(!rules([]).has('go/lost-cancel'));
    assert.ok(rules(['--enable', 'go/lost-cancel']).has('go/lost-cancel'));
    assert.ok(!rules(['--disable', 'go/http-client-no-timeout']).has('go/http-client-no-timeout'));
    const both = rules(['--disable', 'go/http-client-no-timeout,go/lost-cancel', '--enable=go/lost-cancel']);
    assert.ok(both.has('go/lost-cancel') && !both.has('go/http-client-no-timeout'));
    const r = lint(['--enable', 'go/no-such-rule', 'svc.go'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--enable expects rule ids \(see --list-rules\), unknown: go\/no-such-rule/);
  });

  test('--list-rules prints every rule with its effective severity, as text or JSON', () => {
    const text = run(['lint', '--list-rules'], dir);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^go\/lost-cancel\s+off\s+fix\s+\S/m);
    assert.match(text.stdout, /^k8s\/no-memory-limit\s+\w+\s+fix\s+\S/m);
    const list = JSON.parse(run(['lint', '--list-rules', '--format', 'json', '--enable', 'go/lost-cancel'], dir).stdout);
    const lost = list.rules.find((r: { id: string }) => r.id === 'go/lost-cancel');
    assert.deepEqual({ enabled: lost.enabled, severity: lost.severity, fixable: lost.fixable }, { enabled: true, severity: 'warning', fixable: true });
    assert.ok(list.rules.length >= 40);
  });
});

describe("gosec's suppression comments", () => {
  test('#nosec G112, //gosec:disable G112 and //nolint:gosec silence the rules that cover those checks', () => {
    const server = (comment: string) => `\treturn &http.Server{Addr: os.Getenv("ADDR"), Handler: h}${comment}\n`;
    const variants = [
      ['', true],
      [' // #nosec G112 -- internal listener', false],
      [' //#nosec G112,G114', false],
      [' // #nosec', false],
      [' //gosec:disable G112 -- behind the proxy', false],
      [' //gosec:disable', false],
      [' //nolint:gosec', false],
      [' // #nosec G401', true],
      [' // see #nosec G112 below', true],
    ] as const;
    const body = variants.map(([comment], i) => `func s${i}(h http.Handler) *http.Server {\n${server(comment)}}\n`).join('\n');
    const standalone = 'func above(h http.Handler) *http.Server {\n\t//gosec:disable G112\n\treturn &http.Server{Addr: os.Getenv("ADDR"), Handler: h}\n}\n';
    const dir = project('gosec', { 'srv.go': `package api\n\nimport (\n\t"net/http"\n\t"os"\n)\n\n${body}\n${standalone}` });
    const flagged = json(lint(['--format', 'json', '--enable', 'go/http-server-no-timeout', 'srv.go'], dir).stdout).findings.filter((f) => f.rule === 'go/http-server-no-timeout');
    const text = fs.readFileSync(path.join(dir, 'srv.go'), 'utf8').split('\n');
    const flaggedFuncs = flagged.map((f) => /func (\w+)/.exec(text.slice(0, f.line).reverse().find((l) => l.startsWith('func'))!)![1]);
    assert.deepEqual(flaggedFuncs, variants.flatMap(([, kept], i) => (kept ? [`s${i}`] : [])));
  });
});

describe('exit codes and pipes', () => {
  const dir = project('exits', { 'leaky.go': LEAKY_GO, 'clean.go': CLEAN_GO });

  test('0 clean, 1 findings at --fail-on, 2 usage errors or nothing readable', () => {
    assert.equal(lint(['clean.go'], dir).code, 0);
    assert.equal(lint(['leaky.go'], dir).code, 1);
    assert.equal(lint(['--fail-on', 'error', 'leaky.go'], dir).code, 0);
    assert.equal(lint(['--fail-on', 'never', 'leaky.go'], dir).code, 0);
    assert.equal(lint(['--frobnicate', '.'], dir).code, 2);
    assert.equal(lint(['missing.go'], dir).code, 2);
    assert.equal(lint(['--new-from-rev', 'HEAD', '--new-from-patch', 'x', '.'], dir).code, 2);
  });

  test('a reader that closes the pipe early (| head -1) ends the run quietly, with its exit code', () => {
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(dir, `many${i}.go`), LEAKY_GO);
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" lint --jobs 1 . | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 1);
    assert.equal(r.stderr, 'status 1\n', 'no EPIPE trace, and the exit code of a run with findings');
  });
});
