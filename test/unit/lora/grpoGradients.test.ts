// A GRPO step's gradients against an independent torch autograd computation
// (test/reference/grpo_reference.py: transformers' equations, LoRA as W + alpha/r·B·A), on a tiny random
// checkpoint of each family, for full fine-tuning (every tensor) and LoRA (every lora_A / lora_B),
// and the micro-batch split not changing the update. Needs a python3 with torch: missing, it fails.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PROJECTIONS } from '../../../src/core/model/projections';
import { selectBackend } from '../../../src/trainer/backend';
import { loadPretrainedPolicy } from '../../../src/trainer/hf/pretrainedPolicy';
import { SeededRng, type TrainSequence } from '../../../src/trainer/model';
import type { TransformerPolicy } from '../../../src/trainer/model/transformerPolicy';
import { tinyConfig, torchPython, type CheckpointSpec } from '../hf/torchReference';

const SCRIPT = path.resolve(__dirname, '../../reference/grpo_reference.py');
const LORA = { rank: 4, alpha: 8, targets: [...PROJECTIONS] };

const FAMILIES: { name: string; spec: CheckpointSpec }[] = [
  { name: 'llama (untied, GQA 2)', spec: { architecture: 'LlamaForCausalLM', dtype: 'F32', config: tinyConfig() } },
  { name: 'qwen2 (q/k/v biases, tied)', spec: { architecture: 'Qwen2ForCausalLM', dtype: 'BF16', config: tinyConfig({ tie_word_embeddings: true, rope_theta: 1000000 }) } },
  { name: 'qwen3 (q/k norm, head_dim 24)', spec: { architecture: 'Qwen3ForCausalLM', dtype: 'F32', config: tinyConfig({ head_dim: 24, rope_theta: 1000000 }) } },
  { name: 'mistral (GQA 4)', spec: { architecture: 'MistralForCausalLM', dtype: 'F32', config: tinyConfig({ num_attention_heads: 8, num_key_value_heads: 2, sliding_window: null }) } },
];

const dirs: string[] = [];
before(async () => {
  await selectBackend('wasm');
  // One python start for the four checkpoints (torch's import is most of a run).
  FAMILIES.forEach(() => dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'grpo-ckpt-'))));
  runReference('write', { specs: FAMILIES.map(({ spec }, i) => ({ ...spec, std: 0.08, seed: 31 + i, dir: dirs[i] })) });
});
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function ids(n: number, seed: number, vocab = 512): number[] {
  let x = seed * 7919 + 13;
  return Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) % 2147483648) % vocab);
}

/** A GRPO group: two prompts × responses with advantages of both signs, one with per-token weights. */
function grpoBatch(): TrainSequence[] {
  const p1 = ids(5, 1);
  const p2 = ids(8, 2);
  return [
    { tokens: [...p1, ...ids(9, 3)], promptLength: 5, weight: 1.2 },
    { tokens: [...p1, ...ids(4, 4)], promptLength: 5, weight: -0.8 },
    { tokens: [...p1, ...ids(13, 5)], promptLength: 5, weight: -0.4 },
    { tokens: [...p2, ...ids(6, 6)], promptLength: 8, weight: 0.9, tokenWeights: [0.9, 0.5, -0.3, 0.9, 0, 1.1] },
    { tokens: [...p2, ...ids(11, 7)], promptLength: 8, weight: -0.9 },
  ];
}

interface RefResult { loss: number; tokenCount: number; grads: Record<string, number[]> }

function runReference(command: 'write' | 'grad', input: unknown): string {
  const file = path.join(os.tmpdir(), `grpo-${command}-${process.pid}-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(input));
  try {
    return execFileSync(torchPython(), [SCRIPT, command, file], { encoding: 'utf8', maxBuffer: 512 << 20 });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function reference(jobs: { dir: string; batch: TrainSequence[]; lora: unknown }[]): RefResult[] {
  return JSON.parse(runReference('grad', { jobs }));
}

/** Gives every B a nonzero value, so A's gradients are not trivially zero (B starts at 0, as in PEFT). */
function perturbAdapters(policy: TransformerPolicy, seed: number): void {
  const rng = SeededRng.fromSeed(seed);
  policy.setWeights(policy.getWeights().map((w, i) => (policy.variableNames()[i].includes('lora_B') ? w.map(() => (rng.uniform() - 0.5) * 0.2) : w)));
}

function loraJob(policy: TransformerPolicy): unknown {
  const adapters: Record<string, { A: number[]; B: number[] }> = {};
  const names = policy.variableNames();
  const w = policy.getWeights();
  names.forEach((n, i) => {
    const m = /^(.*)\.lora_([AB])\.weight$/.exec(n)!;
    adapters[m[1]] ??= { A: [], B: [] };
    adapters[m[1]][m[2] as 'A' | 'B'] = Array.from(w[i]);
  });
  return { rank: LORA.rank, alpha: LORA.alpha, adapters };
}

/** Largest |ours/tokens − ref| over the largest |ref|, per tensor; every listed tensor must be compared. */
function compare(where: string, names: string[], grads: Float32Array[], tokenCount: number, ref: RefResult): void {
  assert.equal(tokenCount, ref.tokenCount, `${where}: token count`);
  assert.deepEqual([...names].sort(), Object.keys(ref.grads).sort(), `${where}: the same tensors`);
  names.forEach((name, i) => {
    const theirs = ref.grads[name];
    assert.equal(grads[i].length, theirs.length, `${where}: ${name} size`);
    let num = 0;
    let den = 0;
    theirs.forEach((v, j) => {
      num = Math.max(num, Math.abs(grads[i][j] / tokenCount - v));
      den = Math.max(den, Math.abs(v));
    });
    assert.ok(den > 0, `${where}: ${name}: the reference gradient is all zero (the test would prove nothing)`);
    assert.ok(num / den < 1e-3, `${where}: ${name}: relative difference ${num / den}`);
  });
}

test('GRPO gradients equal torch autograd on every family: full fine-tuning (all tensors) and LoRA (all A and B)', async () => {
  const batch = grpoBatch();
  const ours: { where: string; names: string[]; grads: Float32Array[]; tokenCount: number; lossSum: number }[] = [];
  const jobs: { dir: string; batch: TrainSequence[]; lora: unknown }[] = [];
  for (const [i, { name }] of FAMILIES.entries()) {
    const full = (await loadPretrainedPolicy(dirs[i], { gradientTokenBudget: 40 })).policy;
    try {
      assert.equal(full.trainableParameterCount(), full.parameterCount());
      const g = await full.computeGradients(batch);
      ours.push({ where: `${name}, full`, names: full.variableNames(), ...g });
      jobs.push({ dir: dirs[i], batch, lora: null });
    } finally {
      full.dispose();
    }
    const lora = (await loadPretrainedPolicy(dirs[i], { lora: LORA, loraSeed: 5, gradientTokenBudget: 40 })).policy;
    try {
      assert.ok(lora.variableNames().every((n) => /\.lora_[AB]\.weight$/.test(n)), 'only the adapters train');
      assert.equal(lora.variableNames().length, 2 * 7 * 2, 'A and B of 7 projections × 2 layers');
      perturbAdapters(lora, i);
      const g = await lora.computeGradients(batch);
      ours.push({ where: `${name}, LoRA`, names: lora.variableNames(), ...g });
      jobs.push({ dir: dirs[i], batch, lora: loraJob(lora) });
    } finally {
      lora.dispose();
    }
  }
  const refs = reference(jobs);
  ours.forEach((o, k) => {
    compare(o.where, o.names, o.grads, o.tokenCount, refs[k]);
    assert.ok(Math.abs(o.lossSum / o.tokenCount - refs[k].loss) < 1e-4 * Math.max(1, Math.abs(refs[k].loss)), `${o.where}: loss ${o.lossSum / o.tokenCount} vs ${refs[k].loss}`);
  });
});

test('LoRA starts equal to the base model (B = 0), A drawn like PEFT: U(-1/√in, 1/√in), seeded', async () => {
  const base = (await loadPretrainedPolicy(dirs[0])).policy;
  const a = (await loadPretrainedPolicy(dirs[0], { lora: LORA, loraSeed: 5 })).policy;
  const b = (await loadPretrainedPolicy(dirs[0], { lora: LORA, loraSeed: 5 })).policy;
  const c = (await loadPretrainedPolicy(dirs[0], { lora: LORA, loraSeed: 6 })).policy;
  try {
    const seq = ids(20, 9);
    assert.deepEqual(a.logitsOf(seq), base.logitsOf(seq), 'an untrained adapter changes nothing');
    assert.deepEqual(a.getWeights(), b.getWeights());
    assert.notDeepEqual(a.getWeights()[0], c.getWeights()[0]);
    a.variableNames().forEach((n, i) => {
      const w = a.getWeights()[i];
      if (n.includes('lora_B')) assert.ok(w.every((x) => x === 0), `${n} starts at zero`);
      else {
        const inFeatures = w.length / LORA.rank;
        const bound = 1 / Math.sqrt(inFeatures);
        assert.ok(w.every((x) => Math.abs(x) <= bound), `${n} within ±1/√${inFeatures}`);
        // Uniform on [-b, b]: mean |x| = b/2; with 256+ draws it lands well inside ±20%.
        const meanAbs = w.reduce((s, x) => s + Math.abs(x), 0) / w.length;
        assert.ok(Math.abs(meanAbs / (bound / 2) - 1) < 0.2, `${n}: mean |A| ${meanAbs} vs ${bound / 2}`);
      }
    });
    assert.equal(a.parameterCount(), base.parameterCount() + a.trainableParameterCount());
    // 2 layers × r·(in + out) summed over the 7 projections at hidden 64, q 64, kv 32, mlp 128.
    const perLayer = [[64, 64], [64, 32], [64, 32], [64, 64], [64, 128], [64, 128], [128, 64]].reduce((n, [i, o]) => n + LORA.rank * (i + o), 0);
    assert.equal(a.trainableParameterCount(), 2 * perLayer);
  } finally {
    [base, a, b, c].forEach((p) => p.dispose());
  }
});

/** Equal-length sequences, so a budget of k·(length−1) tokens makes micro-batches of exactly k rows. */
function evenBatch(): TrainSequence[] {
  return [0, 1, 2, 3, 4].map((i) => ({ tokens: [...ids(4, 20 + i), ...ids(12, 30 + i)], promptLength: 4, weight: [1, -0.6, 0.3, -1.1, 0.7][i] }));
}

function maxRel(a: Float32Array[], b: Float32Array[]): number {
  let num = 0;
  let den = 0;
  a.forEach((x, i) => x.forEach((v, j) => { num = Math.max(num, Math.abs(v - b[i][j])); den = Math.max(den, Math.abs(b[i][j])); }));
  return num / (den || 1);
}

for (const mode of ['full fine-tuning', 'LoRA'] as const) {
  test(`${mode}: micro-batches of 1, 2 and all rows give the same gradients, loss and update`, async () => {
    const batch = evenBatch();
    const rowTokens = 15;
    const results: { grads: Float32Array[]; lossSum: number; tokenCount: number; after: Float32Array[]; frozen: Float32Array }[] = [];
    for (const rows of [1, 2, 5]) {
      const opts = { gradientTokenBudget: rows * rowTokens, ...(mode === 'LoRA' ? { lora: LORA, loraSeed: 2 } : {}) };
      const { policy } = await loadPretrainedPolicy(dirs[1], opts);
      try {
        if (mode === 'LoRA') perturbAdapters(policy, 7);
        const frozenBefore = policy.parameter('model.layers.1.mlp.down_proj.weight');
        const g = await policy.computeGradients(batch);
        await policy.applyGradients(g.grads, g.tokenCount, { learningRate: 1e-3, clipNorm: 1 });
        const frozen = policy.parameter('model.layers.1.mlp.down_proj.weight');
        if (mode === 'LoRA') assert.deepEqual(frozen, frozenBefore, 'the frozen base does not move');
        else assert.notDeepEqual(frozen, frozenBefore);
        results.push({ ...g, after: policy.getWeights(), frozen });
      } finally {
        policy.dispose();
      }
    }
    const [one, two, all] = results;
    for (const [name, r] of [['1 row', one], ['2 rows', two]] as const) {
      assert.equal(r.tokenCount, all.tokenCount);
      assert.ok(maxRel(r.grads, all.grads) < 1e-5, `${name}: gradients differ by ${maxRel(r.grads, all.grads)} relative`);
      assert.ok(Math.abs(r.lossSum - all.lossSum) < 1e-5 * Math.abs(all.lossSum), `${name}: loss ${r.lossSum} vs ${all.lossSum}`);
      // Adam's first step moves each weight by about ±lr whatever the gradient's size, so summation-order noise
      // on a near-zero gradient can flip a weight's step: nearly all must agree to 1e-7.
      let off = 0;
      let total = 0;
      r.after.forEach((w, i) => w.forEach((v, j) => { total++; if (Math.abs(v - all.after[i][j]) > 1e-7) off++; }));
      assert.ok(off <= total / 1000, `${name}: ${off} of ${total} updated weights differ by more than 1e-7`);
    }
  });
}

test('LoRA refuses dropout and a non-decoder network with the recipe field named', async () => {
  await assert.rejects(loadPretrainedPolicy(dirs[0], { lora: { ...LORA, dropout: 0.05 } }), /field 'model\.lora\.dropout': 0\.05: LoRA dropout is not supported/);
  await assert.rejects(loadPretrainedPolicy(dirs[0], { lora: { ...LORA, rank: 0 } }), /field 'model\.lora\.rank': must be a positive integer/);
  const { withLora } = await import('../../../src/trainer/hf/lora');
  const { gptNetwork } = await import('../../../src/trainer/model/network');
  const gpt = gptNetwork({ vocabSize: 8, contextLength: 8, layers: 1, heads: 1, width: 4, mlpRatio: 1, seed: 0 });
  assert.throws(() => withLora(gpt, LORA, 0), /field 'model\.lora': LoRA applies to Hugging Face decoder models/);
});
