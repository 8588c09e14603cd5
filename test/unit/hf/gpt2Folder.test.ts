// The built-in GPT as a GPT2LMHeadModel folder, and GPT-2 folders as transformers lays them out,
// against an independent torch implementation of transformers' GPT-2 equations
// (test/reference/gpt2_reference.py): the written model loads through the same path as a downloaded
// one and gives the original policy's log-probs; per-token log-probs match the reference within 1e-4,
// greedy continuations are identical.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { PromptRecord } from '../../../src/core/dataset/records';
import { selectBackend } from '../../../src/trainer/backend';
import { ChatPromptCodec } from '../../../src/trainer/hf/chatPromptCodec';
import { ConfigFields } from '../../../src/trainer/hf/configFields';
import { gpt2 } from '../../../src/trainer/hf/families/gpt2';
import { HfTokenizer } from '../../../src/trainer/hf/hfTokenizer';
import { ModelFolder } from '../../../src/trainer/hf/modelFolder';
import { loadPretrainedModel } from '../../../src/trainer/hf/pretrainedModel';
import { loadPretrainedPolicy } from '../../../src/trainer/hf/pretrainedPolicy';
import { writeModelFolder } from '../../../src/trainer/hf/writeModelFolder';
import type { PolicyConfig } from '../../../src/trainer/model/policy';
import { CharTokenizer } from '../../../src/trainer/model/tokenizer';
import { TransformerPolicy } from '../../../src/trainer/model/transformerPolicy';
import { CharPromptCodec } from '../../../src/trainer/rl/codec';
import { gpt2ReferenceScores, someIds, worstDifference, writeGpt2Checkpoint } from './gpt2Reference';

const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

before(async () => {
  await selectBackend('wasm');
});

const CORPUS = ['What is 12 + 30?\n<think>\n12 + 30 = 42\n</think>\n\\boxed{42}', '```python\nprint(input())\n```', 'héllo 🤖 wörld'];
const tokenizer = CharTokenizer.fromCorpus(CORPUS, { extraChars: ' abcdefghijklmnopqrstuvwxyz0123456789' });

/** A built-in policy whose every weight (biases and LayerNorm gains too) is random, so each one matters. */
function builtinPolicy(config: PolicyConfig): TransformerPolicy {
  const policy = new TransformerPolicy(config);
  let x = config.seed * 2654435761 + 1;
  const noise = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.2;
  policy.setWeights(policy.getWeights().map((w) => w.map((v) => v + noise())));
  return policy;
}

const config: PolicyConfig = { vocabSize: tokenizer.vocabSize, contextLength: 64, layers: 2, heads: 4, width: 32, mlpRatio: 4, seed: 7 };
const V = tokenizer.vocabSize;
const sequences = [someIds(5, 1, V, 4), someIds(37, 2, V, 4), someIds(64, 3, V, 4)];
const prompts = [someIds(3, 4, V, 4), someIds(9, 5, V, 4), someIds(6, 6, V, 4)];
const asBatch = (seqs: number[][]) => seqs.map((tokens) => ({ tokens, promptLength: 1, weight: 0 }));
const greedyOptions = { maxNewTokens: 12, temperature: 0, topP: 1, stopTokens: [], seed: 0 };

test('the GPT-2 family lists the built-in network\'s variables in order, with their stored shapes', () => {
  const c = gpt2.parseConfig(new ConfigFields({ architectures: ['GPT2LMHeadModel'], vocab_size: 50, n_positions: 16, n_embd: 8, n_layer: 2, n_head: 2, n_inner: 16, tie_word_embeddings: false }, 'config.json'));
  const network = gpt2.network(c, 16);
  const tensors = gpt2.tensors(c);
  assert.equal(tensors.length, network.specs.length);
  const stored = tensors.map((t) => (t.transposed ? [t.fileShape[1], t.fileShape[0]] : t.fileShape));
  assert.deepEqual(stored, network.specs.map((s) => s.shape));
  assert.deepEqual(tensors.slice(0, 6).map((t) => t.name), ['transformer.wte.weight', 'transformer.wpe.weight', 'transformer.h.0.ln_1.weight', 'transformer.h.0.ln_1.bias', 'transformer.h.0.attn.c_attn.weight', 'transformer.h.0.attn.c_attn.bias']);
  assert.deepEqual(network.specs.slice(0, 6).map((s) => s.name), ['wte', 'wpe', 'h0.ln1.g', 'h0.ln1.b', 'h0.attn.qkv.w', 'h0.attn.qkv.b']);
  assert.equal(tensors.at(-1)!.name, 'lm_head.weight');
  assert.equal(network.specs.at(-1)!.name, 'head.w');
});

test('built-in GPT → model folder (F32) → loaded like a downloaded model: the original log-probs, the torch reference\'s within 1e-4, identical greedy', async () => {
  const policy = builtinPolicy(config);
  const dir = path.join(tmp('gpt2-out-'), 'model');
  try {
    const written = writeModelFolder(dir, { kind: 'builtin', policyConfig: config, weights: { variables: policy.getWeights() }, tokenizer });
    assert.equal(written.architecture, 'GPT2LMHeadModel');
    assert.equal(written.dtype, 'F32');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    assert.deepEqual(
      { n_embd: cfg.n_embd, n_layer: cfg.n_layer, n_head: cfg.n_head, n_positions: cfg.n_positions, n_inner: cfg.n_inner, vocab_size: cfg.vocab_size, act: cfg.activation_function, eps: cfg.layer_norm_epsilon, tie: cfg.tie_word_embeddings, dtype: cfg.torch_dtype },
      { n_embd: 32, n_layer: 2, n_head: 4, n_positions: 64, n_inner: 128, vocab_size: V, act: 'gelu_new', eps: 1e-5, tie: false, dtype: 'float32' },
    );

    const original = await policy.logProbs(asBatch(sequences));
    const originalGreedy = await policy.sample(prompts, greedyOptions);
    const { policy: loaded } = await loadPretrainedPolicy(dir);
    try {
      assert.deepEqual(loaded.config, { ...config, seed: 0 });
      const ours = await loaded.logProbs(asBatch(sequences));
      let sameness = 0;
      ours.forEach((row, i) => row.forEach((lp, j) => { sameness = Math.max(sameness, Math.abs(lp - original[i][j])); }));
      // F32 on disk, the same network: bit-identical weights and log-probs.
      const before = policy.getWeights();
      assert.ok(loaded.getWeights().every((w, i) => w.length === before[i].length && w.every((v, j) => v === before[i][j])), 'the loaded weights are the original ones');
      assert.equal(sameness, 0, `loaded vs original: largest difference ${sameness}`);
      const ref = gpt2ReferenceScores(dir, { sequences, prompts, max_new_tokens: greedyOptions.maxNewTokens });
      const worst = worstDifference(ours, ref.logprobs);
      assert.ok(worst < 1e-4, `largest log-prob difference to the reference ${worst}`);
      const greedy = await loaded.sample(prompts, greedyOptions);
      assert.deepEqual(greedy.responses, ref.greedy);
      assert.deepEqual(originalGreedy.responses, ref.greedy);
    } finally {
      loaded.dispose();
    }
  } finally {
    policy.dispose();
  }
});

test('the written tokenizer files give the character tokenizer\'s ids, specials and stop ids', async () => {
  const policy = builtinPolicy({ ...config, layers: 1 });
  const dir = path.join(tmp('gpt2-tok-'), 'model');
  try {
    writeModelFolder(dir, { kind: 'builtin', policyConfig: policy.config, weights: { variables: policy.getWeights() }, tokenizer });
  } finally {
    policy.dispose();
  }
  const hf = HfTokenizer.fromFolder(dir);
  assert.equal(hf.vocabSize, tokenizer.vocabSize);
  assert.deepEqual([hf.bosId, hf.eosId], [tokenizer.bosId, tokenizer.eosId]);
  for (const text of [...CORPUS, '<think></think>\\boxed{7}']) {
    assert.deepEqual(hf.encode(text), tokenizer.encode(text), JSON.stringify(text));
    assert.equal(hf.decode(tokenizer.encode(text)), text);
  }
  const model = await loadPretrainedModel(dir);
  try {
    assert.deepEqual(model.stopIds, [tokenizer.eosId]);
    assert.equal(model.chat, null);
    assert.deepEqual(model.generation.eosTokenIds, [tokenizer.eosId]);
  } finally {
    model.policy.dispose();
  }
});

test('BF16 folder of the built-in GPT: our loader and the reference agree on its (rounded) weights', async () => {
  const policy = builtinPolicy({ ...config, seed: 11 });
  const dir = path.join(tmp('gpt2-bf16-'), 'model');
  try {
    writeModelFolder(dir, { kind: 'builtin', policyConfig: policy.config, weights: { variables: policy.getWeights() }, tokenizer, dtype: 'BF16' });
  } finally {
    policy.dispose();
  }
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).torch_dtype, 'bfloat16');
  const { policy: loaded } = await loadPretrainedPolicy(dir);
  try {
    const ref = gpt2ReferenceScores(dir, { sequences, prompts, max_new_tokens: 12 });
    const worst = worstDifference(await loaded.logProbs(asBatch(sequences)), ref.logprobs);
    assert.ok(worst < 1e-4, `largest log-prob difference ${worst}`);
    assert.deepEqual((await loaded.sample(prompts, greedyOptions)).responses, ref.greedy);
  } finally {
    loaded.dispose();
  }
});

const ORIGINAL_LAYOUTS: { name: string; spec: Parameters<typeof writeGpt2Checkpoint>[0] }[] = [
  {
    name: 'GPT2Model names (no "transformer."), attn.bias/masked_bias buffers, tied head, n_inner null, F32',
    spec: { base_only: true, buffers: true, config: { vocab_size: 96, n_positions: 80, n_embd: 32, n_layer: 2, n_head: 4, n_inner: null, activation_function: 'gelu_new', layer_norm_epsilon: 1e-5, bos_token_id: 1, eos_token_id: 2 } },
  },
  {
    name: 'tied head with its lm_head.weight copy, gelu_pytorch_tanh, reorder_and_upcast_attn, F16',
    spec: { lm_head: true, dtype: 'F16', config: { vocab_size: 96, n_positions: 80, n_embd: 32, n_layer: 2, n_head: 2, n_inner: 64, activation_function: 'gelu_pytorch_tanh', reorder_and_upcast_attn: true, tie_word_embeddings: true, eos_token_id: 2 } },
  },
  {
    name: 'untied head, BF16',
    spec: { dtype: 'BF16', config: { vocab_size: 96, n_positions: 80, n_embd: 32, n_layer: 3, n_head: 8, tie_word_embeddings: false, eos_token_id: 2 } },
  },
];

for (const { name, spec } of ORIGINAL_LAYOUTS) {
  test(`GPT-2 as transformers lays it out — ${name}: within 1e-4 of the reference, identical greedy`, async () => {
    const dir = writeGpt2Checkpoint({ ...spec, std: 0.1, seed: name.length });
    dirs.push(dir);
    const seqs = [someIds(5, 1, 96), someIds(41, 2, 96), someIds(80, 3, 96)];
    const ref = gpt2ReferenceScores(dir, { sequences: seqs, prompts, max_new_tokens: 12 });
    const { policy } = await loadPretrainedPolicy(dir);
    try {
      const worst = worstDifference(await policy.logProbs(asBatch(seqs)), ref.logprobs);
      assert.ok(worst < 1e-4, `largest log-prob difference ${worst}`);
      assert.deepEqual((await policy.sample(prompts, greedyOptions)).responses, ref.greedy);
    } finally {
      policy.dispose();
    }
  });
}

test('a GPT-2 folder loaded with a shorter context keeps the first position rows; saved again it is whole, untied and equal', async () => {
  const src = writeGpt2Checkpoint({ std: 0.1, seed: 3, buffers: true, config: { vocab_size: 96, n_positions: 80, n_embd: 32, n_layer: 2, n_head: 4, eos_token_id: 2 } });
  dirs.push(src);
  const seqs = [someIds(7, 1, 96), someIds(30, 2, 96)];
  const { policy } = await loadPretrainedPolicy(src, { contextLength: 30 });
  const out = path.join(tmp('gpt2-resave-'), 'model');
  try {
    assert.equal(policy.config.contextLength, 30);
    const ref = gpt2ReferenceScores(src, { sequences: seqs });
    assert.ok(worstDifference(await policy.logProbs(asBatch(seqs)), ref.logprobs) < 1e-4);
    const written = writeModelFolder(out, { kind: 'pretrained', sourceDir: src, weights: { variables: policy.getWeights() } });
    assert.equal(written.dtype, 'F32');
  } finally {
    policy.dispose();
  }
  const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(cfg.tie_word_embeddings, false);
  assert.equal(cfg.n_positions, 80);
  const folder = ModelFolder.open(out);
  try {
    assert.deepEqual(folder.config.tieWordEmbeddings, false);
    const srcFolder = ModelFolder.open(src);
    try {
      // Every position row, those the policy never held included, and the head equal to the embedding.
      assert.deepEqual(folder.readTensor('transformer.wpe.weight'), srcFolder.readTensor('transformer.wpe.weight'));
      assert.deepEqual(folder.readTensor('lm_head.weight'), srcFolder.readTensor('transformer.wte.weight'));
    } finally {
      srcFolder.close();
    }
  } finally {
    folder.close();
  }
  const longer = [someIds(80, 5, 96)];
  assert.deepEqual(gpt2ReferenceScores(out, { sequences: longer }).logprobs, gpt2ReferenceScores(src, { sequences: longer }).logprobs);
});

test('RL stages reading the written folder see the very ids the SFT warm-up trained on (prompt codec over the folder = the built-in codec)', async () => {
  const policy = builtinPolicy({ ...config, layers: 1 });
  const dir = path.join(tmp('gpt2-codec-'), 'model');
  try {
    writeModelFolder(dir, { kind: 'builtin', policyConfig: policy.config, weights: { variables: policy.getWeights() }, tokenizer });
  } finally {
    policy.dispose();
  }
  const model = await loadPretrainedModel(dir);
  try {
    const records: PromptRecord[] = [
      { id: 'm1', source: 'test', domain: 'math', problem: 'What is 12 + 30?', answer: '42' },
      { id: 'c1', source: 'test', domain: 'code', problem: 'print input', format: 'stdin', tests: [{ input: '1', output: '1' }] },
    ];
    const demonstration = '<think>\n12 + 30 = 42\n</think>\n\\boxed{42}';
    // The built-in tasks' compact prompts (the demo's). The full form differs today: ChatPromptCodec trims
    // the user turn's final newline even without a chat template.
    for (const compact of [true]) {
      const builtin = new CharPromptCodec(tokenizer, compact);
      const folderCodec = new ChatPromptCodec(model.tokenizer, model.chat, model.stopIds, {}, compact);
      for (const r of records) assert.deepEqual(folderCodec.promptIds(r), builtin.promptIds(r), `${r.id} compact=${compact}`);
      assert.deepEqual(folderCodec.responseIds(demonstration), builtin.responseIds(demonstration));
      assert.deepEqual(folderCodec.stopTokens, builtin.stopTokens);
      assert.equal(folderCodec.responseText(builtin.responseIds(demonstration)), demonstration);
    }
  } finally {
    model.policy.dispose();
  }
});
