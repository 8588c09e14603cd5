// The built-in character tokenizer saved as a Hugging Face tokenizer.json: read back by
// @huggingface/tokenizers (an independent implementation), it gives the same ids and the same text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CharTokenizer } from '../../../src/trainer/model/tokenizer';
import { HfTokenizer } from '../../../src/trainer/hf/hfTokenizer';
import type { TextTokenizer } from '../../../src/trainer/model/textTokenizer';

test('CharTokenizer as tokenizer.json: Hugging Face tokenizers encodes and decodes it identically', () => {
  const corpus = ['What is 12 + 30?\n<think>\n12 + 30 = 42\n</think>\n\\boxed{42}', '```python\nprint("héllo 🤖")\n```', 'tabs\tand  spaces'];
  const ours = CharTokenizer.fromCorpus(corpus, { extraChars: ' abcdefghijklmnopqrstuvwxyz' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'char-tok-'));
  try {
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(ours.toHuggingFaceJson()));
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<bos>', eos_token: '<eos>', unk_token: '<unk>', pad_token: '<pad>' }));
    const hf = HfTokenizer.fromFolder(dir);
    const both: TextTokenizer[] = [ours, hf];
    assert.deepEqual(both.map((t) => t.vocabSize), [ours.vocabSize, ours.vocabSize]);
    assert.deepEqual(both.map((t) => [t.bosId, t.eosId]), [[1, 2], [1, 2]]);
    for (const text of [...corpus, '```python\nx = 1\n```', '<think></think>\\boxed{42}', 'unknown: Ω']) {
      const ids = ours.encode(text);
      assert.deepEqual(hf.encode(text), ids, JSON.stringify(text));
      if (!text.includes('Ω')) assert.equal(hf.decode(ids), text);
    }
    // Atoms are one token on both sides.
    assert.deepEqual(hf.encode('<think>'), [ours.tokenId('<think>')]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
