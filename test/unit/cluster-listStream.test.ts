/**
 * The streaming list splitter hands on exactly the items JSON.parse would find, and the list's
 * metadata, however the body is cut into chunks (cuts inside strings, escapes, surrogate pairs).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ListItemSplitter } from '../../client/src/cluster/listStream';
import { seededRandom } from '../helpers/random';

function split(chunks: string[]) {
  const items: unknown[] = [];
  const splitter = new ListItemSplitter((json) => items.push(JSON.parse(json)));
  for (const c of chunks) splitter.write(c);
  return { items, list: splitter.end() };
}

/** A pod list whose strings hold everything that could fool a scanner. */
const BODY = JSON.stringify({
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '4711', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDcxMX0' },
  items: [
    { metadata: { name: 'a', annotations: { tricky: '}{][ "items": [ \\"' } }, status: { phase: 'Running' } },
    { metadata: { name: 'b\u{1F600}é', labels: { 'x/y': '\\' } }, spec: { containers: [{ name: 'c', args: ['[', ']'] }] } },
    { metadata: { name: 'c', managedFields: [{ fieldsV1: { 'f:metadata': { 'f:labels': { '.': {} } } } }] } },
  ],
});

describe('list items streamed one at a time', () => {
  test('the whole body at once', () => {
    const { items, list } = split([BODY]);
    assert.deepEqual(items, JSON.parse(BODY).items);
    assert.deepEqual(list, { ...JSON.parse(BODY), items: [] });
  });

  test('cut in two at every position', () => {
    for (let at = 0; at <= BODY.length; at++) {
      const { items, list } = split([BODY.slice(0, at), BODY.slice(at)]);
      assert.deepEqual(items, JSON.parse(BODY).items, `cut at ${at}`);
      assert.equal(list.metadata?.continue, JSON.parse(BODY).metadata.continue, `cut at ${at}`);
    }
  });

  test('200 seeded random chunkings, pretty-printed with items before metadata', () => {
    const body = JSON.stringify({ items: JSON.parse(BODY).items, kind: 'PodList', metadata: { resourceVersion: '9' } }, null, 2);
    const random = seededRandom(8);
    for (let run = 0; run < 200; run++) {
      const chunks: string[] = [];
      for (let at = 0; at < body.length; ) {
        const size = 1 + Math.floor(random() * 40);
        chunks.push(body.slice(at, at + size));
        at += size;
      }
      const { items, list } = split(chunks);
      assert.deepEqual(items, JSON.parse(body).items, `seed 8, run ${run}: chunks ${JSON.stringify(chunks.map((c) => c.length))}`);
      assert.equal(list.metadata?.resourceVersion, '9');
    }
  });

  test('an empty list and a list without items', () => {
    assert.deepEqual(split(['{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[]}']).items, []);
    assert.equal(split(['{"metadata":{"resourceVersion":"2"}}']).list.metadata?.resourceVersion, '2');
  });

  test('a body cut short is an error, not a shorter list', () => {
    assert.throws(() => split([BODY.slice(0, BODY.length - 1)]), /ended mid-object/);
    assert.throws(() => split([BODY.slice(0, 120)]), /ended mid-object/);
  });
});
