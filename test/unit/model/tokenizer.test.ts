import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CharTokenizer, DEFAULT_ATOMS } from '../../../src/trainer/model/tokenizer';

const corpus = ['What is 2+3? <think>2+3=5</think> \\boxed{5}', 'print(int(input())*2)'];

test('encode/decode round-trips text, with the answer-format atoms as one token each', () => {
  const tok = CharTokenizer.fromCorpus(corpus);
  const text = '<think>3+2=5</think> \\boxed{5}';
  const ids = tok.encode(text);
  assert.equal(tok.decode(ids), text);
  // 3 atoms + the characters "3+2=5", " ", "5" and "}"
  assert.equal(ids.length, 3 + 5 + 1 + 1 + 1);
  assert.equal(ids[0], tok.encode('<think>')[0]);
  assert.equal(tok.tokenText(ids[0]), '<think>');
});

test('the longest atom wins ("```python\\n" over "```")', () => {
  const tok = CharTokenizer.fromCorpus(['abc\n'], { atoms: DEFAULT_ATOMS });
  assert.equal(tok.encode('```python\n').length, 1);
  assert.equal(tok.encode('```').length, 1);
  assert.equal(tok.decode(tok.encode('```python\nabc\n```')), '```python\nabc\n```');
});

test('special ids: pad/bos/eos decode to nothing, literal "<eos>" text is characters', () => {
  const tok = CharTokenizer.fromCorpus(['<eos> ab']);
  assert.deepEqual([tok.padId, tok.bosId, tok.eosId, tok.unkId], [0, 1, 2, 3]);
  assert.equal(tok.decode([tok.bosId, ...tok.encode('ab'), tok.eosId, tok.padId]), 'ab');
  assert.equal(tok.encode('<eos>').length, 5);
});

test('unknown characters become <unk> or throw naming the character and offset', () => {
  const tok = CharTokenizer.fromCorpus(['abc']);
  assert.deepEqual(tok.encode('aźb'), [tok.encode('a')[0], tok.unkId, tok.encode('b')[0]]);
  assert.equal(tok.decode(tok.encode('aźb')), 'a\uFFFDb');
  assert.throws(() => tok.encode('ab😀c', 'throw'), /"😀" \(U\+1F600\) at offset 2/);
  assert.throws(() => tok.decode([999]), /id 999 at position 0 is outside the vocabulary/);
});

test('vocabulary is deterministic and survives JSON', () => {
  const a = CharTokenizer.fromCorpus(corpus, { extraChars: 'xyz' });
  const b = CharTokenizer.fromCorpus([...corpus].reverse(), { extraChars: 'zyx' });
  assert.deepEqual(a.toJSON(), b.toJSON());
  const c = CharTokenizer.fromJSON(JSON.parse(JSON.stringify(a)));
  assert.equal(c.vocabSize, a.vocabSize);
  assert.deepEqual(c.encode(corpus[0]), a.encode(corpus[0]));
  assert.ok(a.encode('xyz').every((id) => id !== a.unkId));
});

test('invalid tokenizer JSON is rejected with the field named', () => {
  assert.throws(() => CharTokenizer.fromJSON({ kind: 'char', version: 1, atoms: [], chars: 'abc' }, 'ckpt/extra.json'), /ckpt\/extra.json: invalid tokenizer JSON at 'chars'/);
  assert.throws(() => CharTokenizer.fromJSON({ kind: 'char', version: 1, atoms: [], chars: ['a', 'a'] }), /appears twice/);
});
