// Decoding through the KV cache (hf/decoder.ts decode: products by the transpose flag, RoPE as one
// product, the native few-row kernel on cpu) against the same model's full forward without a cache,
// on a tiny random Qwen2 checkpoint with grouped KV heads (6 query heads over 2 KV heads, q/k/v
// biases, tied head) written by the torch reference: every step's logits within 1e-4 relative of the
// full forward's, on the wasm backend (both op flavours) and the cpu backend, for a batch the native kernel takes (5 rows) and
// one it leaves to BLAS (18 rows); the log-probs it implies also within 1e-4 of torch's; and with LoRA
// adapters on every projection over the frozen model (non-zero B, so the adapters count).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { selectBackend, tf } from '../../../src/trainer/backend';
import { withLora } from '../../../src/trainer/hf/lora';
import { ModelFolder } from '../../../src/trainer/hf/modelFolder';
import { PROJECTIONS } from '../../../src/core/model/memoryEstimate';
import { disposeCache, type CausalLM } from '../../../src/trainer/model/causalLm';
import { modelOps, type OpsFlavour } from '../../../src/trainer/model/ops';
import { loadBlasAddon } from '../../../src/trainer/native/blasAddon';
import { referenceScores, tinyConfig, writeCheckpoint } from '../hf/torchReference';

const PROMPT = 4;
const LENGTH = 14;
let dir: string;

before(() => {
  dir = writeCheckpoint({
    architecture: 'Qwen2ForCausalLM', dtype: 'F32', std: 0.08, seed: 21,
    config: tinyConfig({ hidden_size: 96, num_attention_heads: 6, num_key_value_heads: 2, tie_word_embeddings: true, rope_theta: 1000000 }),
  });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function ids(n: number, seed: number, vocab = 512): number[] {
  let x = seed * 7919 + 13;
  return Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) % 2147483648) % vocab);
}

/**
 * The folder's decoder on the current backend: its weights as trainable variables (as a fully
 * fine-tuned policy holds them), or frozen under LoRA adapters with random A and B.
 */
function loadModel(lora = false, flavour?: OpsFlavour): { model: CausalLM; dispose: () => void } {
  const t = tf();
  const folder = ModelFolder.open(dir);
  try {
    const base = folder.network(64);
    const network = lora ? withLora(base, { rank: 4, alpha: 8, dropout: 0, targets: [...PROJECTIONS] }, 0) : base;
    const weights = [...folder.weights(64)];
    const params = network.specs.map((spec, i) => {
      const w = i < weights.length ? weights[i] : values(spec.shape[0] * spec.shape[1], i).map((x) => x * 0.2);
      return spec.trainable ? t.variable(t.tensor(w, spec.shape), true) : t.tensor(w, spec.shape);
    });
    return { model: network.build(params, flavour && modelOps(flavour)), dispose: () => params.forEach((p) => p.dispose()) };
  } finally {
    folder.close();
  }
}

function values(n: number, seed: number): Float32Array {
  let x = seed * 7919 + 13;
  return Float32Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2);
}

function maxRel(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) { num = Math.max(num, Math.abs(x[i] - y[i])); den = Math.max(den, Math.abs(y[i])); }
  return num / (den || 1);
}

/** Logits [B, LENGTH - PROMPT + 1, V]: position PROMPT-1 from the prefill, the later ones from decode steps. */
function cachedLogits(model: CausalLM, rows: number[][]): Float32Array[][] {
  const t = tf();
  const B = rows.length;
  const out: Float32Array[][] = rows.map(() => []);
  const take = (logits: TF.Tensor2D) => {
    const v = logits.dataSync() as Float32Array;
    const V = logits.shape[1];
    rows.forEach((_, b) => out[b].push(v.slice(b * V, (b + 1) * V)));
    logits.dispose();
  };
  const prompt = t.tensor2d(rows.map((r) => r.slice(0, PROMPT)), [B, PROMPT], 'int32');
  const { hidden, cache } = model.hidden(prompt, { keepCache: true, lastOnly: true });
  prompt.dispose();
  take(model.logits(hidden));
  hidden.dispose();
  let kv = cache!;
  for (let pos = PROMPT; pos < LENGTH; pos++) {
    const step = t.tensor1d(rows.map((r) => r[pos]), 'int32');
    const next = model.decode(step, pos, kv);
    step.dispose();
    disposeCache(kv);
    kv = next.cache;
    assert.deepEqual(kv[0].k.shape, [B, 2, pos + 1, 16], 'the cache holds the 2 KV heads only, one more position a step');
    take(next.logits);
  }
  disposeCache(kv);
  return out;
}

/** The same positions' logits from one forward over the whole sequences (no cache). */
function fullLogits(model: CausalLM, rows: number[][]): Float32Array[][] {
  const t = tf();
  const B = rows.length;
  const input = t.tensor2d(rows, [B, LENGTH], 'int32');
  const { hidden } = model.hidden(input);
  input.dispose();
  const logits = model.logits(hidden);
  hidden.dispose();
  const v = logits.dataSync() as Float32Array;
  const V = logits.shape[1];
  logits.dispose();
  return rows.map((_, b) => Array.from({ length: LENGTH - PROMPT + 1 }, (_, i) => v.slice((b * LENGTH + PROMPT - 1 + i) * V, (b * LENGTH + PROMPT + i) * V)));
}

function logSoftmaxAt(row: Float32Array, target: number): number {
  let max = -Infinity;
  for (const x of row) max = Math.max(max, x);
  let sum = 0;
  for (const x of row) sum += Math.exp(x - max);
  return row[target] - max - Math.log(sum);
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`${backend}: KV-cache decoding gives the full forward's logits within 1e-4 relative (GQA 6/2, 5 and 18 rows) and torch's log-probs`, async () => {
    const choice = await selectBackend(backend);
    if (backend === 'cpu') {
      const blas = loadBlasAddon();
      assert.notEqual(typeof blas, 'string', `native BLAS unavailable: ${String(blas)} (run \`node scripts/build.mjs\`)`);
      assert.ok(choice.fastPath, choice.note);
    }
    const { model, dispose } = loadModel();
    try {
      for (const B of [5, 18]) {
        const rows = Array.from({ length: B }, (_, b) => ids(LENGTH, 100 * B + b));
        const cached = cachedLogits(model, rows);
        const full = fullLogits(model, rows);
        let worst = 0;
        cached.forEach((steps, b) => steps.forEach((l, i) => { worst = Math.max(worst, maxRel(l, full[b][i])); }));
        assert.ok(worst < 1e-4, `${B} rows: decode vs full forward ${worst}`);
        if (B === 5) {
          const ref = referenceScores(dir, { sequences: rows });
          let gap = 0;
          cached.forEach((steps, b) => steps.forEach((l, i) => {
            if (PROMPT + i >= LENGTH) return;
            const torch = ref.logprobs[b][PROMPT + i] as number;
            gap = Math.max(gap, Math.abs(logSoftmaxAt(l, rows[b][PROMPT + i]) - torch) / Math.max(1, Math.abs(torch)));
          }));
          assert.ok(gap < 1e-4, `decode log-probs vs torch: ${gap}`);
        }
      }
      // wasm also runs the model in its XNNPACK form (W first, explicit transposes), used without the native path.
      if (backend === 'wasm') {
        assert.equal(model.ops.flavour, choice.fastPath ? 'wasm-blas' : 'wasm-fast');
        const fast = loadModel(false, 'wasm-fast');
        try {
          const rows = Array.from({ length: 4 }, (_, b) => ids(LENGTH, 700 + b));
          const cached = cachedLogits(fast.model, rows);
          const full = fullLogits(fast.model, rows);
          let worst = 0;
          cached.forEach((steps, b) => steps.forEach((l, i) => { worst = Math.max(worst, maxRel(l, full[b][i])); }));
          assert.ok(worst < 1e-4, `wasm-fast: decode vs full forward ${worst}`);
        } finally {
          fast.dispose();
        }
      }
      // LoRA on all seven projections of the frozen model: decode applies the adapters as the forward does.
      const lora = loadModel(true);
      try {
        const rows = Array.from({ length: 3 }, (_, b) => ids(LENGTH, 900 + b));
        const cached = cachedLogits(lora.model, rows);
        const full = fullLogits(lora.model, rows);
        const plain = fullLogits(model, rows);
        let worst = 0, moved = 0;
        cached.forEach((steps, b) => steps.forEach((l, i) => {
          worst = Math.max(worst, maxRel(l, full[b][i]));
          moved = Math.max(moved, maxRel(full[b][i], plain[b][i]));
        }));
        assert.ok(moved > 1e-2, `the adapters change the logits (${moved})`);
        assert.ok(worst < 1e-4, `LoRA: decode vs full forward ${worst}`);
      } finally {
        lora.dispose();
      }
    } finally {
      dispose();
    }
  });
}
