/**
 * The language server's incremental Go analysis (server/src/lsp/engine/goDocument.ts) against the
 * real parser and rules: after any edit its findings equal a fresh analysis of the whole text, and
 * only the declarations an edit touched are checked again.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../../server/src/engine/text';
import type { Finding } from '../../server/src/engine/types';
import type { GoRule } from '../../server/src/go/rule';
import { goRules } from '../../server/src/go/rules';
import { goRulesFor } from '../../server/src/lint/analyze';
import { applyContentChanges } from '../../server/src/lsp/engine/contentEdit';
import { GoDocument, type GoAnalysisEnv } from '../../server/src/lsp/engine/goDocument';
import { TreeBudget } from '../../server/src/lsp/engine/treeBudget';
import { everyRuleOn, initEngine, lintGo } from '../helpers/goEngine';
import { SERVICE_GO } from '../protocol/fixtures';
import { seededRandom } from '../helpers/random';

const FILE = '/virtual/service.go';

function key(f: Finding): string {
  return `${f.rule} ${JSON.stringify(f.range)} ${f.severity} ${JSON.stringify(f.fixes)}`;
}

function envWith(rules: readonly GoRule[]): GoAnalysisEnv {
  return {
    config: everyRuleOn(),
    semantics: { timersCollected: false },
    rules,
    fileScoped: new Set(rules.filter((r) => r.fileScoped).map((r) => r.id)),
    onError: (rule, err) => {
      throw new Error(`${rule}: ${err}`);
    },
    pause: async () => true,
  };
}

async function analyze(doc: GoDocument, env: GoAnalysisEnv): Promise<Finding[]> {
  assert.ok(await doc.checkChanged(env));
  assert.equal(await doc.checkFileScoped(env), 'done');
  return doc.findings(env);
}

function edit(doc: GoDocument, text: TextDocument, start: number, end: number, newText: string): void {
  const index = new LineIndex(text.getText());
  doc.applyEdits(applyContentChanges(text, [{ range: { start: index.positionAt(start), end: index.positionAt(end) }, text: newText }], text.version + 1));
}

describe('incremental Go document', () => {
  before(() => initEngine());

  test('findings after random edits equal a fresh analysis, with and without a kept tree', async () => {
    for (const keepTree of [true, false]) {
      for (let seed = 1; seed <= 8; seed++) {
        const text = TextDocument.create('file:///virtual/service.go', 'go', 1, SERVICE_GO);
        const doc = new GoDocument(text.uri, FILE, text, new TreeBudget(4, 1e7));
        const env = envWith(goRulesFor(FILE, everyRuleOn()));
        await analyze(doc, env);
        const random = seededRandom(seed);
        const snippets = ['\n', 'x', '}', '{', 'go func() {}()\n', 'context.', '"', '//', '\n\nfunc f() {\n\thttp.Get("u")\n}\n'];
        for (let i = 0; i < 40; i++) {
          const start = Math.floor(random() * text.getText().length);
          const end = random() < 0.3 ? Math.min(text.getText().length, start + Math.floor(random() * 30)) : start;
          // Without its tree (evicted by the tree budget) the document reparses from scratch, keeping its findings cache.
          if (!keepTree) doc.releaseTree();
          edit(doc, text, start, end, snippets[Math.floor(random() * snippets.length)]);
          const incremental = (await analyze(doc, env)).map(key).sort();
          const fresh = lintGo(FILE, text.getText(), everyRuleOn()).map(key).sort();
          assert.deepEqual(incremental, fresh, `seed ${seed}, edit ${i}, tree kept: ${keepTree}`);
        }
        doc.dispose();
      }
    }
  });

  test('an edit inside one function re-checks only that function; file-scoped rules re-check all', async () => {
    const checked: string[] = [];
    const spy = (id: string, fileScoped: boolean): GoRule => ({
      ...goRules[0],
      id,
      fileScoped,
      triggers: undefined,
      alsoRequires: undefined,
      check: ({ decl }) => void checked.push(`${id}:${decl.childForFieldName('name')?.text ?? decl.type}`),
    });
    const env = envWith([spy('local', false), spy('wide', true)]);
    const text = TextDocument.create('file:///virtual/service.go', 'go', 1, SERVICE_GO);
    const doc = new GoDocument(text.uri, FILE, text, new TreeBudget(4, 1e7));
    await analyze(doc, env);
    const declCount = checked.filter((c) => c.startsWith('local:')).length;
    assert.ok(declCount >= 6);

    checked.length = 0;
    const inLoop = text.getText().indexOf('_ = e');
    edit(doc, text, inLoop, inLoop, 'x');
    await analyze(doc, env);
    assert.deepEqual(checked.filter((c) => c.startsWith('local:')), ['local:Loop']);
    assert.equal(checked.filter((c) => c.startsWith('wide:')).length, declCount);

    checked.length = 0;
    const importAt = text.getText().indexOf('"time"');
    edit(doc, text, importAt, importAt, '"os"\n\t');
    await analyze(doc, env);
    assert.equal(checked.filter((c) => c.startsWith('local:')).length, declCount, 'an import change re-checks everything');
    doc.dispose();
  });
});
