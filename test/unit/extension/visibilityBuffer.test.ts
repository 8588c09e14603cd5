import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VisibilityBuffer } from '../../../src/extension/dashboard/visibilityBuffer';

function setup(limit = 5) {
  const delivered: number[] = [];
  let visible = true;
  const buf = new VisibilityBuffer<number>((m) => delivered.push(m), () => visible, limit);
  return { buf, delivered, hide: () => { visible = false; }, show: () => { visible = true; } };
}

test('while hidden, updates wait and are replayed in order on show', () => {
  const { buf, delivered, hide, show } = setup();
  buf.ready = true;
  buf.post(1);
  hide();
  buf.post(2);
  buf.post(3);
  assert.deepEqual(delivered, [1], 'nothing is sent to a hidden webview');
  assert.equal(buf.waiting, 2);
  show();
  assert.equal(buf.onShow(), 'replayed');
  assert.deepEqual(delivered, [1, 2, 3]);
  buf.post(4);
  assert.deepEqual(delivered, [1, 2, 3, 4]);
  assert.equal(buf.waiting, 0);
});

test('past the limit the backlog is dropped and the owner is asked for one snapshot', () => {
  const { buf, delivered, hide, show } = setup(3);
  buf.ready = true;
  hide();
  for (let i = 0; i < 10; i++) buf.post(i);
  show();
  assert.equal(buf.onShow(), 'snapshot');
  assert.deepEqual(delivered, [], 'no partial replay');
  buf.reset();
  buf.post(42);
  assert.deepEqual(delivered, [42]);
  assert.equal(buf.onShow(), 'replayed');
});

test('a page that is not ready yet gets nothing replayed (it asks for a snapshot when ready)', () => {
  const { buf, delivered } = setup();
  buf.post(1);
  buf.post(2);
  assert.equal(buf.onShow(), 'replayed');
  assert.deepEqual(delivered, []);
  assert.equal(buf.waiting, 0);
  buf.ready = true;
  buf.post(3);
  assert.deepEqual(delivered, [3]);
});
