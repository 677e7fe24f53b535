/**
 * Every snippet, expanded with its defaults, must be clean code: Go snippets placed in a small file
 * that uses them the way a person would must parse, be gofmt-clean, pass `go vet` and produce no
 * finding; YAML snippets must produce no finding, and the container fragments (probes,
 * securityContext, resources) must remove the findings they exist for.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeManifests } from '../../server/src/lint/analyze';
import { defaultConfig } from '../../server/src/engine/config';
import type { Finding } from '../../server/src/engine/types';
import { initEngine, inspectGo, lintGo } from '../helpers/goEngine';
import { expandSnippet, indentSnippet, loadSnippets } from '../helpers/snippets';

/** Where each Go snippet is used: a file with a `$SNIPPET` line, indented where the snippet goes. */
const GO_USES: Record<string, string> = {
  goroutinectx: `package snippet

import "context"

func handle(int) {}

func start(ctx context.Context, jobs <-chan int) {
	$SNIPPET
}
`,
  tickerloop: `package snippet

import (
	"context"
	"time"
)

func poll(ctx context.Context) error {
	$SNIPPET
}
`,
  withtimeout: `package snippet

import (
	"context"
	"time"
)

func call(ctx context.Context) {
	$SNIPPET
}
`,
  httpclient: `package snippet

import (
	"net"
	"net/http"
	"time"
)

func newClient() *http.Client {
	$SNIPPET
	return client
}
`,
  httpserver: `package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	mux := http.NewServeMux()
	$SNIPPET
}
`,
  errgrouppool: `package snippet

import (
	"context"

	"golang.org/x/sync/errgroup"
)

func process(context.Context, string) error { return nil }

func processAll(ctx context.Context, items []string) error {
	$SNIPPET
	return nil
}
`,
  selecttimer: `package snippet

import (
	"context"
	"errors"
	"time"
)

var errTimeout = errors.New("timed out")

func handle(string) {}

func receive(ctx context.Context, messages <-chan string) error {
	$SNIPPET
}
`,
  otelspan: `package snippet

import (
	"context"

	"go.opentelemetry.io/otel"
)

var tracer = otel.Tracer("example")

func work(ctx context.Context) {
	$SNIPPET
}
`,
  httprequest: `package snippet

import (
	"context"
	"net/http"
)

func fetch(ctx context.Context, client *http.Client, url string) error {
	$SNIPPET
	return nil
}
`,
  sqlquery: `package snippet

import (
	"context"
	"database/sql"
)

func list(ctx context.Context, db *sql.DB, owner string) error {
	$SNIPPET
	return nil
}
`,
};

/** Puts `snippet` in place of the `marker`, indenting every further non-empty line like it (as the editor does). */
function placeSnippet(file: string, snippet: string, marker = '$SNIPPET'): string {
  const [before, after] = file.split(marker);
  return before + indentSnippet(snippet, before.slice(before.lastIndexOf('\n') + 1)) + after;
}

/** A Deployment whose one container gets `$FRAGMENTS` at the level of its keys. */
const CONTAINER_HOST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      automountServiceAccountToken: false
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - name: http
              containerPort: 8080
          $FRAGMENTS
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: web
`;

/** The findings each container fragment exists to prevent. */
const FRAGMENT_FIXES: Record<string, string[]> = {
  'k8s-probes': ['k8s/no-liveness-probe', 'k8s/no-readiness-probe'],
  'k8s-securitycontext': ['k8s/run-as-root', 'k8s/writable-root-fs', 'k8s/privilege-escalation', 'k8s/capabilities-not-dropped'],
  'k8s-resources': ['k8s/no-resource-requests', 'k8s/no-memory-limit'],
};

function prefixOf(def: { prefix: string | string[] }): string {
  return Array.isArray(def.prefix) ? def.prefix[0] : def.prefix;
}

function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.range.start.line + 1}: ${f.rule}: ${f.message}`).join('\n');
}

function lintYaml(name: string, text: string): Finding[] {
  const errors: string[] = [];
  const file = `/snippets/${name}.yaml`;
  const result = analyzeManifests([{ path: file, text }], defaultConfig(), (rule, err) => errors.push(`${rule}: ${err}`));
  assert.deepEqual(errors, [], 'rules threw');
  return result.get(file) ?? [];
}

const goSnippets = loadSnippets('go');
const yamlSnippets = loadSnippets('yaml');
const goDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaklens-snippets-'));

before(initEngine);
after(() => fs.rmSync(goDir, { recursive: true, force: true }));

describe('Go snippets', () => {
  test('there are at least 8, each with a distinct prefix and a description', () => {
    const defs = Object.values(goSnippets);
    assert.ok(defs.length >= 8, `${defs.length} Go snippets`);
    assert.equal(new Set(defs.map(prefixOf)).size, defs.length);
    for (const d of defs) assert.ok(d.description, `${prefixOf(d)} has no description`);
  });

  test('every snippet has a file that uses it, and every such file a snippet', () => {
    assert.deepEqual(Object.values(goSnippets).map(prefixOf).sort(), Object.keys(GO_USES).sort());
  });

  const written: string[] = [];
  for (const [name, def] of Object.entries(goSnippets)) {
    const prefix = prefixOf(def);
    test(`${prefix} (${name}) parses and has no finding`, () => {
      const use = GO_USES[prefix];
      assert.ok(use, `no file using ${prefix}`);
      const text = placeSnippet(use, expandSnippet(def.body));
      const { hasError } = inspectGo(text);
      assert.equal(hasError, false, `syntax error in\n${text}`);
      const findings = lintGo(`/snippets/${prefix}.go`, text);
      assert.deepEqual(findings, [], `${describeFindings(findings)}\n---\n${text}`);
      fs.mkdirSync(path.join(goDir, prefix));
      fs.writeFileSync(path.join(goDir, prefix, `${prefix}.go`), text);
      written.push(prefix);
    });
  }

  test('expansions are gofmt-clean and pass go vet', () => {
    assert.equal(written.length, Object.keys(goSnippets).length, 'some snippets failed above');
    const gofmt = spawnSync('gofmt', ['-d', goDir], { encoding: 'utf8' });
    assert.equal(gofmt.status, 0, gofmt.stderr);
    assert.equal(gofmt.stdout, '', 'gofmt would change the expansions');
    // A small module that requires errgroup and OpenTelemetry (downloaded once through the Go proxy).
    for (const f of ['go.mod', 'go.sum']) fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'snippets', f), path.join(goDir, f));
    const vet = spawnSync('go', ['vet', './...'], { cwd: goDir, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=readonly' } });
    assert.equal(vet.status, 0, `go vet:\n${vet.stderr}`);
  });
});

describe('YAML snippets', () => {
  test('there are at least 5, each with a distinct prefix and a description', () => {
    const defs = Object.values(yamlSnippets);
    assert.ok(defs.length >= 5, `${defs.length} YAML snippets`);
    assert.equal(new Set(defs.map(prefixOf)).size, defs.length);
    for (const d of defs) assert.ok(d.description, `${prefixOf(d)} has no description`);
  });

  const fragments = Object.entries(yamlSnippets).filter(([, d]) => prefixOf(d) in FRAGMENT_FIXES);
  const objects = Object.entries(yamlSnippets).filter(([, d]) => !(prefixOf(d) in FRAGMENT_FIXES));

  test('every container fragment is known to the test', () => {
    for (const [, d] of fragments) assert.ok(FRAGMENT_FIXES[prefixOf(d)]);
    assert.equal(fragments.length, Object.keys(FRAGMENT_FIXES).length);
  });

  for (const [name, def] of objects) {
    const prefix = prefixOf(def);
    test(`${prefix} (${name}) is a Kubernetes object with no finding`, () => {
      const text = expandSnippet(def.body) + '\n';
      assert.match(text, /^apiVersion: \S+\nkind: \S+\n/);
      const findings = lintYaml(prefix, text);
      assert.deepEqual(findings, [], `${describeFindings(findings)}\n---\n${text}`);
    });
  }

  /** The host container with the given fragments' expansions. */
  const hostWith = (defs: [string, { body: string | string[] }][]) =>
    placeSnippet(CONTAINER_HOST, defs.map(([, d]) => expandSnippet(d.body)).join('\n'), '$FRAGMENTS');

  test('a container built from all the fragments has no finding', () => {
    const text = hostWith(fragments);
    const findings = lintYaml('all-fragments', text);
    assert.deepEqual(findings, [], `${describeFindings(findings)}\n---\n${text}`);
  });

  for (const [name, def] of fragments) {
    const prefix = prefixOf(def);
    test(`${prefix} (${name}) removes ${FRAGMENT_FIXES[prefix].join(', ')}`, () => {
      const without = hostWith(fragments.filter(([n]) => n !== name));
      const rules = new Set(lintYaml(`without-${prefix}`, without).map((f) => f.rule));
      assert.deepEqual(
        FRAGMENT_FIXES[prefix].filter((r) => !rules.has(r)),
        [],
        `without ${prefix} these should be flagged:\n${without}`,
      );
    });
  }
});
