// Checkpoints and exports of Hugging Face decoder policies: save → load → next step equals the
// uninterrupted run bit for bit (full fine-tuning: every weight + Adam; LoRA: adapters + their Adam,
// the frozen base re-read from its folder), the model folder and PEFT adapter exporters.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeHfModelFolder } from '../../../src/core/model/hfModelFolder';
import { mergeLora } from '../../../src/core/model/loraMerge';
import { loraModuleName, writeAdapterFolder } from '../../../src/core/model/peftAdapter';
import { PROJECTIONS } from '../../../src/core/model/projections';
import { selectBackend } from '../../../src/trainer/backend';
import { decoderNetwork } from '../../../src/trainer/hf/decoderNetwork';
import { hfWeights } from '../../../src/trainer/hf/hfWeights';
import { adapterSettings, adapterTensors } from '../../../src/trainer/hf/lora';
import { readDecoderConfig } from '../../../src/trainer/hf/modelFolder';
import { loadPretrainedPolicy } from '../../../src/trainer/hf/pretrainedPolicy';
import { SafetensorsFile } from '../../../src/trainer/hf/safetensors';
import { loadPolicy, readCheckpoint, TransformerPolicy, type TrainSequence } from '../../../src/trainer/model';
import { tinyConfig } from '../hf/torchReference';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'decoder-ckpt-'));
const LORA = { rank: 4, alpha: 16, targets: ['q_proj', 'v_proj', 'o_proj', 'down_proj'] as (typeof PROJECTIONS)[number][] };
let baseDir = '';

before(async () => {
  await selectBackend('wasm');
  baseDir = randomModelFolder('base', 'Qwen2ForCausalLM', { tie_word_embeddings: true, vocab_size: 96, max_position_embeddings: 64 });
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A random model folder written by our exporter (hfWeights → core's writeHfModelFolder), F32. */
function randomModelFolder(name: string, architecture: string, over: Record<string, unknown>): string {
  const raw = { architectures: [architecture], ...tinyConfig(over) };
  const configFile = path.join(tmp, `${name}.config.json`);
  fs.writeFileSync(configFile, JSON.stringify(raw));
  const network = decoderNetwork(readDecoderConfig(configFile));
  const policy = new TransformerPolicy(network.policyConfig, network.initialWeights(17).map((w) => w.map((x, i) => x * 3 + (w.length < 200 ? 0.01 * (i % 7) : 0))), { network: network.spec });
  const dir = path.join(tmp, name);
  try {
    const { specs, source } = hfWeights(policy);
    writeHfModelFolder(dir, { config: raw }, specs, source, 'F32');
  } finally {
    policy.dispose();
  }
  return dir;
}

function batchFor(step: number): TrainSequence[] {
  return [0, 1, 2].map((i) => ({ tokens: Array.from({ length: 9 + i * 4 }, (_, j) => (step * 11 + i * 5 + j * 7 + 1) % 96), promptLength: 3, weight: i === 1 ? -1 : 0.7 }));
}

async function trainStep(p: TransformerPolicy, step: number): Promise<void> {
  const g = await p.computeGradients(batchFor(step));
  await p.applyGradients(g.grads, g.tokenCount, { learningRate: 1e-2, clipNorm: 1 });
}

test('the HF-name weight stream round-trips: a folder written from a policy loads back bit for bit', async () => {
  const { policy } = await loadPretrainedPolicy(baseDir);
  const again = path.join(tmp, 'again');
  try {
    const { specs, source } = hfWeights(policy);
    assert.equal(specs[0].name, 'model.embed_tokens.weight');
    writeHfModelFolder(again, { config: JSON.parse(fs.readFileSync(path.join(baseDir, 'config.json'), 'utf8')) }, specs, source, 'F32');
    const reloaded = (await loadPretrainedPolicy(again)).policy;
    assert.deepEqual(reloaded.getWeights(), policy.getWeights());
    reloaded.dispose();
  } finally {
    policy.dispose();
  }
});

for (const mode of ['full fine-tuning', 'LoRA'] as const) {
  test(`${mode}: train 2 steps, save, load, train 1 step == 3 steps straight (bit for bit)`, async () => {
    const opts = mode === 'LoRA' ? { lora: LORA, loraSeed: 4 } : {};
    const straight = (await loadPretrainedPolicy(baseDir, opts)).policy;
    for (let s = 0; s < 3; s++) await trainStep(straight, s);
    const first = (await loadPretrainedPolicy(baseDir, opts)).policy;
    for (let s = 0; s < 2; s++) await trainStep(first, s);
    const dir = path.join(tmp, `resume-${mode === 'LoRA' ? 'lora' : 'full'}`);
    await first.save(dir, { step: 2 });
    const trainable = first.trainableParameterCount();
    first.dispose();

    const saved = readCheckpoint(dir);
    assert.equal(saved.network?.base, path.resolve(baseDir), 'the absolute base folder is recorded');
    assert.equal(fs.statSync(path.join(dir, 'weights.bin')).size, trainable * 4, 'only the trainable weights are saved');
    if (mode === 'LoRA') assert.ok(trainable < straight.parameterCount() / 5);
    else assert.equal(trainable, straight.parameterCount());

    const resumed = await loadPolicy(dir);
    try {
      assert.equal(resumed.optimizerStep, 2);
      assert.deepEqual(resumed.variableNames(), straight.variableNames());
      await trainStep(resumed, 2);
      assert.deepEqual(resumed.getWeights(), straight.getWeights());
      assert.deepEqual(resumed.getOptimizerState(), straight.getOptimizerState());
      const probe = batchFor(9);
      assert.deepEqual(await resumed.logProbs(probe), await straight.logProbs(probe), 'frozen base and all included');
    } finally {
      resumed.dispose();
      straight.dispose();
    }
  });
}

test('a LoRA checkpoint whose base folder is gone or changed is refused, naming the folder', async () => {
  const base = path.join(tmp, 'movable');
  fs.cpSync(baseDir, base, { recursive: true });
  const { policy } = await loadPretrainedPolicy(base, { lora: LORA });
  const dir = path.join(tmp, 'lora-moved');
  await policy.save(dir);
  policy.dispose();
  const config = JSON.parse(fs.readFileSync(path.join(base, 'config.json'), 'utf8'));
  fs.writeFileSync(path.join(base, 'config.json'), JSON.stringify({ ...config, rms_norm_eps: 1e-5 }));
  await assert.rejects(loadPolicy(dir), /movable\/config\.json: config\.json no longer describes the model these LoRA adapters were trained on/);
  // Moved: --model points the checkpoint at the base's new place.
  const moved = path.join(tmp, 'moved-here');
  fs.renameSync(base, moved);
  fs.writeFileSync(path.join(moved, 'config.json'), JSON.stringify(config));
  await assert.rejects(loadPolicy(dir), /movable: not a folder/);
  const found = await loadPolicy(dir, { baseModel: moved });
  assert.equal((found.network.spec as { base?: string }).base, moved);
  found.dispose();
  // The spec is checked against the variables before anything is read.
  const metaFile = path.join(dir, 'policy.json');
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
  fs.writeFileSync(metaFile, JSON.stringify({ ...meta, network: { ...meta.network, lora: { ...meta.network.lora, rank: 8 } } }));
  await assert.rejects(loadPolicy(dir), /policy\.json: field 'variables\.0': variable 0 is model\.layers\.0\.self_attn\.q_proj\.lora_A\.weight\[4,64\], the network spec implies .*\[8,64\]/);
});

test('LoRA exports: adapterTensors in PEFT layout and names; the merged folder scores like the adapted policy', async () => {
  const { policy } = await loadPretrainedPolicy(baseDir, { lora: LORA, loraSeed: 1 });
  try {
    for (let s = 0; s < 3; s++) await trainStep(policy, s);
    const tensors = adapterTensors(policy);
    assert.equal(tensors.length, 2 * LORA.targets.length);
    const q0 = tensors.find((t) => t.layer === 0 && t.target === 'q_proj')!;
    assert.deepEqual([q0.inFeatures, q0.outFeatures, q0.A.length, q0.B.length], [64, 64, 4 * 64, 64 * 4]);
    assert.ok(tensors.every((t) => t.B.some((x) => x !== 0)), 'B moved off zero');
    const adapterDir = path.join(tmp, 'adapter');
    const settings = adapterSettings(policy);
    assert.equal(settings.baseModel, path.resolve(baseDir));
    writeAdapterFolder(adapterDir, settings, tensors);
    const file = SafetensorsFile.open(path.join(adapterDir, 'adapter_model.safetensors'));
    try {
      assert.deepEqual(file.read(`${loraModuleName(0, 'q_proj')}.lora_A.weight`), q0.A);
      assert.deepEqual(file.read('base_model.model.model.layers.1.mlp.down_proj.lora_B.weight'), tensors.find((t) => t.layer === 1 && t.target === 'down_proj')!.B);
    } finally {
      file.close();
    }

    // Merged: W + alpha/r·B·A for adapted projections, the frozen base elsewhere.
    const { specs, source } = hfWeights(policy);
    const merged = path.join(tmp, 'merged');
    writeHfModelFolder(merged, { config: JSON.parse(fs.readFileSync(path.join(baseDir, 'config.json'), 'utf8')) }, specs, source, 'F32');
    const qName = 'model.layers.0.self_attn.q_proj.weight';
    assert.deepEqual(source(qName), mergeLora(policy.parameter(qName), q0.A, q0.B, LORA.alpha, LORA.rank));
    assert.deepEqual(source('model.layers.0.mlp.up_proj.weight'), policy.parameter('model.layers.0.mlp.up_proj.weight'));
    assert.deepEqual(hfWeights(policy, { merge: false }).source(qName), policy.parameter(qName));
    const full = (await loadPretrainedPolicy(merged)).policy;
    try {
      const probe = batchFor(5);
      const ours = await policy.logProbs(probe);
      const theirs = await full.logProbs(probe);
      let worst = 0;
      ours.forEach((row, i) => row.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - theirs[i][j])); }));
      assert.ok(worst < 1e-5, `LoRA forward vs merged weights: log-probs differ by ${worst}`);
      // KV-cache decoding runs the adapters too: greedy tokens agree with the merged model's.
      const greedy = { maxNewTokens: 10, temperature: 0, topP: 1, stopTokens: [], seed: 0 };
      const prompts = [[1, 5, 9], [1, 7, 3, 2, 8]];
      assert.deepEqual((await policy.sample(prompts, greedy)).responses, (await full.sample(prompts, greedy)).responses);
    } finally {
      full.dispose();
    }
  } finally {
    policy.dispose();
  }
});
