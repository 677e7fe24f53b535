/**
 * The line scan that lets small documents of unread kinds be parsed for their header only: it may
 * answer "not proven" for valid YAML, never "no error" for a document the `yaml` parser rejects.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Composer, Parser } from 'yaml';
import { analyzeManifests } from '../../server/src/k8s/analyzer';
import { parsesWithoutError } from '../../server/src/k8s/plainYaml';
import { defaultConfig } from '../../server/src/engine/config';

function parseErrors(doc: string): string[] {
  const docs = Array.from(new Composer({ version: '1.1' }).compose(Array.from(new Parser().parse(doc)), true, doc.length));
  return docs.flatMap((d) => d.errors.map((e) => e.message));
}

const PROVEN = {
  rbac: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader # who reads\nrules:\n- apiGroups: [""]\n  resources: ["pods", \'services\', nodes]\n  verbs:\n  - get\n  - list\n',
  binding: '---\nkind: ClusterRoleBinding\napiVersion: rbac.authorization.k8s.io/v1\nmetadata:\n  name: b\nsubjects:\n  - kind: ServiceAccount\n    name: x\n    namespace: kube-system\nroleRef:\n  kind: ClusterRole\n  name: reader\n  apiGroup: rbac.authorization.k8s.io\n',
  configMap: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  url: http://example.com:8080/a#b\n  script: |\n    #!/bin/sh\n    echo "$HOME: done" || true\n\n      indented more\n  empty:\n  quoted: "a: b"\n',
};

const NOT_PROVEN: Record<string, string> = {
  'duplicate key': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n',
  'tab indentation': 'apiVersion: v1\nkind: ConfigMap\ndata:\n\tmode: fast\n',
  'stray bracket': 'kind: Secret\nstringData:\n  hosts: [a, b]]\n',
  'folded indicator first': 'kind: Pod\nmetadata:\n  name: >web\n',
  'comment glued to the marker': '---#\nkind: Pod\n',
  'nested sequence item': 'kind: X\nitems:\n- - a\n',
  'sequence on a key line': 'kind: X\nkey: - a\n',
  'compact nested mapping': 'kind: X\nkey: a: b\n',
  'bad indentation': 'kind: X\na:\n    b: 1\n  c: 2\n',
  'block scalar content ends between columns': 'kind: X\na:\n  b: |\n      x\n    y\n',
  'boolean keys that collide': 'kind: X\non: 1\ntrue: 2\n',
  'escapes in double quotes': 'kind: X\na: "\\x"\n',
  anchor: 'kind: X\na: &x 1\nb: *x\n',
  'flow mapping': 'kind: X\na: {b: 1}\n',
  'braces, as a Go template has': 'kind: X\ndata:\n  a: |\n    {{ .Values.a }}\n',
  'directive comment': 'kind: X\na: 1 # leaklens:ignore k8s/deprecated-api\n',
};

describe('parsesWithoutError', () => {
  for (const [name, doc] of Object.entries(PROVEN)) {
    test(`proves ${name}`, () => {
      assert.deepEqual(parseErrors(doc), []);
      assert.equal(parsesWithoutError(doc), true);
    });
  }
  for (const [name, doc] of Object.entries(NOT_PROVEN)) {
    test(`leaves ${name} to the parser`, () => assert.equal(parsesWithoutError(doc), false));
  }

  test('a small unread document with a syntax error is still reported', () => {
    const text = `${PROVEN.rbac}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  name: second\n`;
    const found = analyzeManifests([{ path: 'm.yaml', text }], defaultConfig(), () => {}).get('m.yaml')!;
    assert.deepEqual(
      found.map((f) => [f.rule, f.range.start.line]),
      [['k8s/yaml-syntax', 15]],
    );
  });
});
