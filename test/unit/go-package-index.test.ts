/**
 * The package-wide index of functions that return a resource (server/src/go/packageIndex.ts): what
 * a file's text declares, calls of same-package wrappers as acquisitions (in the file itself and
 * across the files of a directory, as the CLI and the language server read them from disk), and
 * the tests of the package that implements the acquiring call.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultConfig, type LeakLensConfig } from '../../server/src/engine/config';
import { LineIndex } from '../../server/src/engine/text';
import type { Finding } from '../../server/src/engine/types';
import { declaredAcquirers } from '../../server/src/go/declaredResults';
import { GoModLocator } from '../../server/src/go/gomod';
import { PackageLocator } from '../../server/src/go/packageIndex';
import { goRules } from '../../server/src/go/rules';
import { analyzeGoText, initEngine } from '../../server/src/lint/analyze';
import { lintFiles } from '../../server/src/cli/lintFiles';
import { applyContentChanges } from '../../server/src/lsp/engine/contentEdit';
import { GoDocument, type GoAnalysisEnv } from '../../server/src/lsp/engine/goDocument';
import { TreeBudget } from '../../server/src/lsp/engine/treeBudget';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-pkgindex-'));

function writeFiles(dir: string, files: Record<string, string>): string {
  const at = path.join(root, dir);
  fs.mkdirSync(at, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(at, name), text);
  return at;
}

/** Test files are checked too: the package index decides what they acquire. */
const config: LeakLensConfig = { ...defaultConfig(), tests: true };

function lint(file: string, packages?: PackageLocator): Finding[] {
  return analyzeGoText(file, fs.readFileSync(file, 'utf8'), config, new GoModLocator(), (rule, err) => assert.fail(`${rule}: ${err}`), {
    packages,
  });
}

const rulesOf = (findings: readonly Finding[]) => findings.map((f) => `${f.range.start.line + 1}:${f.rule}`);

before(initEngine);
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('declared results', () => {
  test('signature forms: one line, parameters over lines, named and grouped results, generics, aliases', () => {
    const text = `package api

import (
	nethttp "net/http"
	"context"
	oteltrace "go.opentelemetry.io/otel/trace"
)

func get(c *nethttp.Client, u string) (*nethttp.Response, error) { return c.Get(u) }

func (s *svc[T]) start(
	ctx context.Context,
	name string,
	opts ...oteltrace.SpanStartOption,
) (context.Context, oteltrace.Span) {
	return s.tracer.Start(ctx, name, opts...)
}

func budget(parent context.Context) (ctx context.Context, cancel context.CancelFunc) {
	ctx, cancel = context.WithTimeout(parent, 1)
	return
}

func both(a, b string) (first, second *nethttp.Response, err error) {
	first, err = get(nil, a)
	return
}

func raw(r *result) *nethttp.Response { return r.resp }
`;
    const d = declaredAcquirers('/x/api.go', text);
    const brief = d.acquirers.map(
      (a) => `${a.name}:${a.method}:${a.resource}:${a.slot}/${a.results}:${a.params}${a.variadic ? '+' : ''}:${a.sources.map((s) => `${s.name}@${s.index}/${s.count}`)}`,
    );
    assert.deepEqual(brief, [
      'get:false:response:0/2:2:Get@0/2',
      'start:true:span:1/2:3+:Start@1/2',
      'budget:false:cancel:1/2:1:WithTimeout@1/2',
      'both:false:response:0/3:2:get@0/2',
      'both:false:response:1/3:2:',
      'raw:false:response:0/1:1:',
    ]);
  });

  test('inside the package that defines the type, the bare name counts', () => {
    const d = declaredAcquirers('/x/sql.go', 'package sql\n\nfunc (db *DB) Query(q string, args ...any) (*Rows, error) {\n\treturn db.query(q, args)\n}\n');
    assert.deepEqual(d.acquirers.map((a) => [a.name, a.home]), [['Query', true]]);
    assert.deepEqual(declaredAcquirers('/x/other.go', 'package store\n\nfunc (db *DB) Query(q string) (*Rows, error) { return nil, nil }\n').acquirers, []);
  });
});

describe('same-package wrappers across files', () => {
  const dir = writeFiles('wrappers', {
    'client.go': `package wrappers

import "net/http"

type api struct{ hc *http.Client }

func (a *api) fetch(path string) (*http.Response, error) {
	return a.hc.Get(path)
}
`,
    'use.go': `package wrappers

func (a *api) healthy() bool {
	resp, err := a.fetch("/healthz")
	if err != nil {
		return false
	}
	return resp.StatusCode == 200
}
`,
  });
  const use = path.join(dir, 'use.go');

  test('with the directory read, a call of another file\'s wrapper is an acquisition', () => {
    assert.deepEqual(rulesOf(lint(use, new PackageLocator())), ['4:go/response-body-not-closed']);
  });

  test('without the package, only the file\'s own declarations count', () => {
    assert.deepEqual(rulesOf(lint(use)), []);
  });

  test('the CLI reads the directory', async () => {
    const out = await lintFiles([use], { config: defaultConfig(), maxFileSize: 1e6, fixes: false, jobs: 1 });
    assert.deepEqual(out.findings.map((f) => `${f.range.start.line + 1}:${f.rule}`), ['4:go/response-body-not-closed']);
  });

  test('the locator sees a changed sibling after refresh', () => {
    const packages = new PackageLocator();
    assert.equal(lint(use, packages).length, 1);
    const client = path.join(dir, 'client.go');
    const before = fs.readFileSync(client, 'utf8');
    fs.writeFileSync(client, before.replace('return a.hc.Get(path)', 'return nil, nil'));
    try {
      assert.equal(packages.refresh(client), true);
      assert.deepEqual(lint(use, packages), []);
    } finally {
      fs.writeFileSync(client, before);
    }
  });

  test('test files see test helpers; other files do not', () => {
    const d = writeFiles('helpers', {
      'helper_test.go': 'package helpers\n\nimport (\n\t"net/http"\n\t"testing"\n)\n\nfunc mustGet(t *testing.T, u string) *http.Response {\n\tresp, err := http.Get(u)\n\tif err != nil {\n\t\tt.Fatal(err)\n\t}\n\treturn resp\n}\n',
      'a_test.go': 'package helpers\n\nimport "testing"\n\nfunc TestA(t *testing.T) {\n\tmustGet(t, "http://x")\n}\n',
      'b.go': 'package helpers\n\nfunc b() {\n\tmustGet(nil, "http://x")\n}\n',
    });
    assert.deepEqual(rulesOf(lint(path.join(d, 'a_test.go'), new PackageLocator())), ['6:go/response-body-not-closed']);
    assert.deepEqual(rulesOf(lint(path.join(d, 'b.go'), new PackageLocator())), []);
  });
});

describe('the implementation\'s own tests', () => {
  test('tests of the package that defines the acquiring call are not flagged; its other code and other packages are', () => {
    const d = writeFiles('sql', {
      'sql.go': 'package sql\n\ntype DB struct{}\ntype Rows struct{}\n\nfunc (db *DB) Query(q string) (*Rows, error) { return db.query(q) }\n\nfunc (db *DB) query(q string) (*Rows, error) { return &Rows{}, nil }\n\nfunc (db *DB) ping() error {\n\t_, err := db.Query("SELECT 1")\n\treturn err\n}\n',
      'sql_test.go': 'package sql\n\nimport "testing"\n\nfunc TestQuery(t *testing.T) {\n\tdb := &DB{}\n\t_, err := db.Query("SELECT 1")\n\tif err != nil {\n\t\tt.Fatal(err)\n\t}\n}\n',
    });
    assert.deepEqual(rulesOf(lint(path.join(d, 'sql_test.go'), new PackageLocator())), []);
    assert.deepEqual(rulesOf(lint(path.join(d, 'sql.go'), new PackageLocator())), ['11:go/rows-not-closed']);
  });

  test('an external test package calling through a dot import', () => {
    const d = writeFiles('context', {
      'context.go': 'package context\n\ntype Context interface{ Done() <-chan struct{} }\ntype CancelFunc func()\n\nfunc WithCancel(parent Context) (ctx Context, cancel CancelFunc) { return parent, func() {} }\n',
      'x_test.go': 'package context_test\n\nimport (\n\t. "context"\n\t"testing"\n)\n\nfunc TestWithCancel(t *testing.T) {\n\tc, _ := WithCancel(Background())\n\t_ = c\n}\n',
    });
    assert.deepEqual(rulesOf(lint(path.join(d, 'x_test.go'), new PackageLocator())), []);
    const elsewhere = writeFiles('user', { 'user_test.go': fs.readFileSync(path.join(d, 'x_test.go'), 'utf8').replace('context_test', 'user') });
    assert.deepEqual(rulesOf(lint(path.join(elsewhere, 'user_test.go'), new PackageLocator())), ['9:go/lost-cancel']);
  });
});

describe('the language server', () => {
  test('adding a wrapper to the file re-checks the declarations that call it', async () => {
    const source = 'package svc\n\nimport "net/http"\n\nfunc healthy(c *http.Client) bool {\n\tresp, err := fetch(c)\n\tif err != nil {\n\t\treturn false\n\t}\n\treturn resp.StatusCode == 200\n}\n';
    const text = TextDocument.create('file:///virtual/svc.go', 'go', 1, source);
    const doc = new GoDocument(text.uri, '/virtual/svc.go', text, new TreeBudget(4, 1e7));
    const env: GoAnalysisEnv = {
      config: defaultConfig(),
      semantics: { timersCollected: false },
      rules: goRules,
      fileScoped: new Set(goRules.filter((r) => r.fileScoped).map((r) => r.id)),
      onError: (rule, err) => assert.fail(`${rule}: ${err}`),
      pause: async () => true,
    };
    const analyze = async () => {
      assert.ok(await doc.checkChanged(env));
      await doc.checkFileScoped(env);
      return rulesOf(doc.findings(env));
    };
    assert.deepEqual(await analyze(), []);
    const end = new LineIndex(text.getText()).positionAt(text.getText().length);
    const wrapper = '\nfunc fetch(c *http.Client) (*http.Response, error) {\n\treturn c.Get("http://svc/healthz")\n}\n';
    doc.applyEdits(applyContentChanges(text, [{ range: { start: end, end }, text: wrapper }], 2));
    assert.deepEqual(await analyze(), ['6:go/response-body-not-closed']);
    doc.dispose();
  });
});
