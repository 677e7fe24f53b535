/** The `leaklens lint` contract, exercised through the built CLI (dist/cli.js) as users and CI run it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-cli-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function lint(args: string[], cwd = tmp) {
  const r = spawnSync(process.execPath, [CLI, 'lint', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(rel: string, content: string | Buffer) {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const STRUCT = (name: string) => `package p

import "context"

type ${name} struct {
	ctx context.Context
}
`;

// go/context-in-struct (off by default) is the probe: on for every run from tmp or below.
write('.leaklens.yaml', 'rules:\n  go/context-in-struct: hint\n');
write('proj/a.go', STRUCT('A'));
write('proj/sub/b.go', STRUCT('B'));
write('proj/vendor/v.go', STRUCT('V'));
write('proj/testdata/t.go', STRUCT('T'));
write('proj/node_modules/m/n.go', STRUCT('N'));
write('proj/ignored/i.go', STRUCT('I'));
write('proj/.gitignore', 'ignored/\n');
write('proj/blob.go', Buffer.from([0x70, 0x61, 0, 1, 2, 3, 0xff, 0xfe]));
spawnSync('git', ['init', '-q'], { cwd: path.join(tmp, 'proj') });

interface JsonOut {
  version: number;
  findings: { file: string; line: number; column: number; endLine: number; endColumn: number; rule: string; severity: string; message: string; fixable: boolean }[];
  stats: { files: number; durationMs: number };
}

test('json: the documented shape, 1-based positions, skipped directories and git-ignored files', () => {
  const r = lint(['--format', 'json', 'proj'], tmp);
  const out = JSON.parse(r.stdout) as JsonOut;
  assert.equal(out.version, 1);
  assert.deepEqual(out.findings.map((f) => f.file).sort(), ['proj/a.go', 'proj/sub/b.go']);
  const a = out.findings.find((f) => f.file === 'proj/a.go')!;
  assert.deepEqual(
    { line: a.line, column: a.column, endLine: a.endLine, endColumn: a.endColumn, rule: a.rule, severity: a.severity, fixable: a.fixable },
    { line: 6, column: 2, endLine: 6, endColumn: 21, rule: 'go/context-in-struct', severity: 'hint', fixable: false },
  );
  assert.equal(typeof out.stats.durationMs, 'number');
  assert.equal(out.stats.files, 3, 'a.go, b.go and the binary blob.go are read');
  assert.match(r.stderr, /blob\.go: skipped: binary file/);
  assert.deepEqual((JSON.parse(r.stdout) as { skipped: unknown[] }).skipped, [{ file: 'proj/blob.go', kind: 'skipped', reason: 'skipped: binary file' }]);
});

test('sarif: files not linted are tool execution notifications of the invocation', () => {
  const log = JSON.parse(lint(['--format', 'sarif', 'proj'], tmp).stdout);
  const [notification] = log.runs[0].invocations[0].toolExecutionNotifications;
  assert.equal(notification.message.text, 'skipped: binary file');
  assert.equal(notification.locations[0].physicalLocation.artifactLocation.uri, 'proj/blob.go');
  assert.equal(log.runs[0].invocations[0].executionSuccessful, true);
});

test('text: file:line:col: severity rule: message, like go vet', () => {
  const r = lint(['proj/a.go']);
  assert.equal(r.stdout, 'proj/a.go:6:2: hint go/context-in-struct: context.Context stored in a struct field: pass it as a parameter of the methods that use it instead\n');
});

test('hints are printed but only --fail-on decides the exit code', () => {
  assert.equal(lint(['proj/a.go']).code, 0, 'default --fail-on warning');
  assert.equal(lint(['--fail-on', 'info', 'proj/a.go']).code, 0);
  write('cfg-error/.leaklens.yaml', 'rules:\n  go/context-in-struct: error\n');
  write('cfg-error/a.go', STRUCT('A'));
  const r = lint(['--fail-on', 'error', 'a.go'], path.join(tmp, 'cfg-error'));
  assert.equal(r.code, 1);
  assert.match(r.stdout, /error go\/context-in-struct/);
  assert.equal(lint(['--fail-on', 'never', 'a.go'], path.join(tmp, 'cfg-error')).code, 0);
});

test('config: rules off, exclude globs, and invalid keys named with file and line', () => {
  write('cfg/.leaklens.yaml', 'rules:\n  go/context-in-struct: off\n  go/no-such-rule: warning\nexclude: ["gen/**"]\n');
  write('cfg/a.go', STRUCT('A'));
  const r = lint(['--format', 'json', '.'], path.join(tmp, 'cfg'));
  assert.deepEqual((JSON.parse(r.stdout) as JsonOut).findings, []);
  assert.match(r.stderr, /\.leaklens\.yaml:3: invalid config at "rules\.go\/no-such-rule": unknown rule/);

  write('cfg2/.leaklens.yaml', 'rules:\n  go/context-in-struct: hint\nexclude: ["gen/**"]\n');
  write('cfg2/gen/a.go', STRUCT('A'));
  write('cfg2/b.go', STRUCT('B'));
  const r2 = lint(['--format', 'json', '.'], path.join(tmp, 'cfg2'));
  assert.deepEqual((JSON.parse(r2.stdout) as JsonOut).findings.map((f) => f.file), ['b.go']);
});

test('--config names the file explicitly', () => {
  write('explicit/conf.yaml', 'rules:\n  go/context-in-struct: warning\n');
  write('explicit/a.go', STRUCT('A'));
  const r = lint(['--config', 'conf.yaml', 'a.go'], path.join(tmp, 'explicit'));
  assert.equal(r.code, 1);
  assert.match(r.stdout, /warning go\/context-in-struct/);
});

test('suppression comments silence findings', () => {
  write('supp/a.go', 'package p\n\nimport "context"\n\ntype A struct {\n\t//leaklens:ignore go/context-in-struct kept for the legacy API\n\tctx context.Context\n\tb   context.Context //nolint:containedctx\n\tc   context.Context //nolint\n\td   context.Context //nolint:bodyclose\n}\n');
  const out = JSON.parse(lint(['--format', 'json', 'supp/a.go']).stdout) as JsonOut;
  assert.deepEqual(out.findings.map((f) => f.line), [10]);
});

test('sarif: 2.1.0 with rule metadata and help URIs', () => {
  const log = JSON.parse(lint(['--format', 'sarif', 'proj/a.go']).stdout);
  assert.equal(log.version, '2.1.0');
  const run = log.runs[0];
  const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'go/context-in-struct');
  assert.match(rule.helpUri, /docs\/rules\.md#gocontext-in-struct$/);
  assert.ok(rule.shortDescription.text && rule.fullDescription.text);
  assert.equal(run.results.length, 1);
  assert.equal(run.results[0].ruleId, 'go/context-in-struct');
  assert.equal(run.tool.driver.rules[run.results[0].ruleIndex].id, 'go/context-in-struct');
  assert.deepEqual(run.results[0].locations[0].physicalLocation.region, { startLine: 6, startColumn: 2, endLine: 6, endColumn: 21 });
  assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uri, 'proj/a.go');
});

test('github: workflow annotation commands with escaped properties', () => {
  write('gh/we,ird:name.go', STRUCT('W'));
  const r = lint(['--format', 'github', 'gh']);
  assert.equal(r.stdout.trim(), `::notice file=gh/we%2Cird%3Aname.go,line=6,col=2,endLine=6,endColumn=21,title=go/context-in-struct::context.Context stored in a struct field: pass it as a parameter of the methods that use it instead`);
});

test('usage errors exit 2; a missing path is reported and the run goes on', () => {
  assert.equal(lint(['--format', 'xml', 'proj']).code, 2);
  assert.equal(lint([]).code, 2);
  assert.equal(spawnSync(process.execPath, [CLI, 'frobnicate'], { encoding: 'utf8' }).status, 2);
  const r = lint(['--format', 'json', 'does-not-exist', 'proj/a.go']);
  assert.match(r.stderr, /does-not-exist: no such file or directory/);
  assert.equal((JSON.parse(r.stdout) as JsonOut).findings.length, 1);
});

test('an unreadable file is reported on stderr and the others are still linted', { skip: process.getuid?.() === 0 && 'root reads everything' }, () => {
  const file = write('unreadable/a.go', STRUCT('A'));
  write('unreadable/b.go', STRUCT('B'));
  fs.chmodSync(file, 0);
  const r = lint(['--format', 'json', 'unreadable']);
  assert.match(r.stderr, /a\.go: cannot read/);
  assert.equal((JSON.parse(r.stdout) as JsonOut).findings.length, 1);
});

test('files over --max-file-size are skipped with a message', () => {
  write('big/a.go', STRUCT('A') + '// padding\n'.repeat(200));
  const r = lint(['--format', 'json', '--max-file-size', '1000', 'big']);
  assert.match(r.stderr, /a\.go: skipped: \d+ bytes is over the 1000-byte limit/);
  assert.deepEqual((JSON.parse(r.stdout) as JsonOut).findings, []);
});

test('worker threads find exactly what one thread finds', () => {
  for (let i = 0; i < 150; i++) write(`many/f${i}.go`, STRUCT(`S${i}`) + (i % 3 === 0 ? 'type X struct{ c context.Context }\n' : ''));
  const one = JSON.parse(lint(['--format', 'json', '--jobs', '1', 'many']).stdout) as JsonOut;
  const two = JSON.parse(lint(['--format', 'json', '--jobs', '2', 'many']).stdout) as JsonOut;
  assert.equal(one.findings.length, 200);
  assert.deepEqual(two.findings, one.findings);
});
