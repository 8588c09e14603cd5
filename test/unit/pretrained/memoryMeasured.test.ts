// Core's memory estimate against the peak RSS a child process (memoryProbe.ts) measures while it loads a
// random checkpoint, takes two gradient + Adam steps and samples a batch with the KV cache, on three
// configurations that differ in what dominates: full fine-tuning (Adam state, gradients and the
// update), LoRA with a large micro-batch (the autograd tape and the backward's gradients), and a
// sampling-heavy LoRA run (the KV cache of 64 long rollouts). Each adds hundreds of MB.
// Runtime baseline: the child's peak RSS after the backend ran its first op and before the model loads
// (node, V8, the wasm module, the test's own modules, ~0.15 GiB) is passed to the estimate as its runtime
// term, so the comparison is about what the model and the run add; each configuration adds several
// times the baseline (asserted).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { describeEstimate, estimateRunMemory, formatGiB, type Tuning } from '../../../src/core/model/memoryEstimate';
import { PROJECTIONS } from '../../../src/core/model/projections';
import { readDecoderConfig } from '../../../src/trainer/hf/modelFolder';
import { chunkRows } from '../../../src/trainer/model/tokenLogprobs';
import { tinyConfig, writeCheckpoint } from '../hf/torchReference';

const PROBE = path.join(__dirname, 'memoryProbe.ts');
let work: string;

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'memory-measured-'));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface Configuration {
  name: string;
  model: Record<string, unknown>;
  tuning: Tuning;
  gradientTokenBudget: number;
  train: { sequences: number; length: number; promptLength: number };
  sample: { prompts: number; promptLength: number; maxNewTokens: number };
}

const CONFIGURATIONS: Configuration[] = [
  {
    name: 'full fine-tuning, 19M parameters, vocabulary 32K, micro-batch 512 tokens',
    model: { vocab_size: 32000, hidden_size: 256, intermediate_size: 688, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2 },
    tuning: { kind: 'full' }, gradientTokenBudget: 512,
    train: { sequences: 4, length: 256, promptLength: 64 }, sample: { prompts: 8, promptLength: 32, maxNewTokens: 32 },
  },
  {
    name: 'LoRA rank 8 on all projections, same model, micro-batch 1024 tokens',
    model: { vocab_size: 32000, hidden_size: 256, intermediate_size: 688, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2 },
    tuning: { kind: 'lora', rank: 8, targets: PROJECTIONS }, gradientTokenBudget: 1024,
    train: { sequences: 4, length: 256, promptLength: 64 }, sample: { prompts: 8, promptLength: 32, maxNewTokens: 32 },
  },
  {
    name: 'sampling-heavy: LoRA rank 8, 64 rollouts of 64 + 128 tokens, 8 KV heads of 64',
    model: { vocab_size: 4000, hidden_size: 512, intermediate_size: 1376, num_hidden_layers: 4, num_attention_heads: 8, num_key_value_heads: 8 },
    tuning: { kind: 'lora', rank: 8, targets: PROJECTIONS }, gradientTokenBudget: 512,
    train: { sequences: 1, length: 64, promptLength: 16 }, sample: { prompts: 64, promptLength: 64, maxNewTokens: 128 },
  },
];

for (const c of CONFIGURATIONS) {
  test(`estimate within 25% of measured peak RSS: ${c.name}`, { timeout: 5 * 60_000 }, (t) => {
    const dir = path.join(work, c.name.replace(/[^a-z0-9]+/gi, '-'));
    writeCheckpoint({ architecture: 'LlamaForCausalLM', dtype: 'BF16', seed: 1, config: tinyConfig({ ...c.model, max_position_embeddings: 1024 }) }, dir);
    const config = readDecoderConfig(path.join(dir, 'config.json'));
    const lora = c.tuning.kind === 'lora' ? { rank: c.tuning.rank, alpha: 2 * c.tuning.rank, targets: [...c.tuning.targets] } : undefined;
    const spec = { dir, lora, contextLength: 1024, gradientTokenBudget: c.gradientTokenBudget, sampleBatchSize: 64, train: c.train, sample: c.sample };
    const r = spawnSync(process.execPath, ['--import', 'tsx', PROBE, JSON.stringify(spec)], { encoding: 'utf8', env: { ...process.env, PROBE_BACKEND: 'wasm' } });
    assert.equal(r.status, 0, r.stderr);
    const measured = JSON.parse(r.stdout.trim().split('\n').pop()!);
    // The run as the probe ran it: micro-batches of whole sequences within the token budget.
    const perMicroBatch = Math.max(1, Math.floor(c.gradientTokenBudget / c.train.length));
    const estimate = estimateRunMemory(config, c.tuning, {
      microBatchTokens: Math.min(c.train.sequences, perMicroBatch) * c.train.length,
      sequenceLength: c.train.length,
      logprobChunkTokens: Math.min(chunkRows(config.vocabSize), Math.min(c.train.sequences, perMicroBatch) * c.train.length),
      rolloutBatch: c.sample.prompts,
      rolloutSequenceLength: c.sample.promptLength + c.sample.maxNewTokens,
      microBatchesPerStep: Math.ceil(c.train.sequences / perMicroBatch),
    }, undefined, measured.baseline);
    const ratio = estimate.peakBytes / measured.peak;
    t.diagnostic(`measured peak ${formatGiB(measured.peak)} (baseline ${formatGiB(measured.baseline)}, after load ${formatGiB(measured.afterLoad)}, after gradients ${formatGiB(measured.afterGradients)}, after Adam ${formatGiB(measured.afterStep)}, after sampling ${formatGiB(measured.afterSample)}); ${describeEstimate(estimate)}; estimate/measured ${ratio.toFixed(2)}`);
    assert.ok(measured.peak - measured.baseline > 2 * measured.baseline, `the run adds several times the runtime baseline (${formatGiB(measured.peak - measured.baseline)} over ${formatGiB(measured.baseline)})`);
    assert.ok(ratio > 0.75 && ratio < 1.25, `estimate ${formatGiB(estimate.peakBytes)} vs measured ${formatGiB(measured.peak)}: ratio ${ratio.toFixed(2)}`);
  });
}
