// PEFT adapters applied by us — `logprobs --adapter` (merged at load) and `export hf --merge` — against an
// independent merge: test/reference/peft_reference.py merges W + lora_alpha/r · B@A in float64 torch,
// and test/reference/hf_reference.py scores the merged folder with transformers' equations.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import type { CliCommand, CliIO } from '../../../src/cli/command';
import { command as exportCommand } from '../../../src/cli/commands/export';
import { command as logprobs } from '../../../src/cli/commands/logprobs';
import { writeAdapterFolder, type AdapterSettings, type LoraTensors } from '../../../src/core/model/peftAdapter';
import { projectionFeatures, type ModelShape } from '../../../src/core/model/memoryEstimate';
import type { Projection } from '../../../src/core/model/projections';
import { CharTokenizer } from '../../../src/trainer/model/tokenizer';
import { referenceScores, tinyConfig, torchPython, writeCheckpoint } from '../hf/torchReference';

const PEFT_REFERENCE = path.resolve(__dirname, '../../reference/peft_reference.py');
// Llama family: 4 heads × 8, 2 KV heads (grouped-query attention), MLP 64, 2 layers, untied head.
const CONFIG = tinyConfig({ vocab_size: 96, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64 });
const SHAPE: ModelShape = { vocabSize: 96, hiddenSize: 32, intermediateSize: 64, layers: 2, heads: 4, kvHeads: 2, headDim: 8, tieWordEmbeddings: false, qkvBias: false, qkNorm: false };
const SEQUENCES = [[1, 5, 9, 33, 40, 12, 7, 2], [1, 60, 61, 62, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]];

let work: string;
let baseF32: string;
let baseBf16: string;
let adapter: string;

function reference(args: string[]): any {
  const r = spawnSync(torchPython(), [PEFT_REFERENCE, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  let parsed: any;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    assert.fail(`peft_reference.py ${args[0]} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  }
  if (parsed.error) assert.fail(`peft_reference.py ${args[0]}: ${parsed.error}`);
  return parsed;
}

/** Deterministic normal-ish values (sum of uniforms), so the adapter is the same on every run. */
function randomValues(n: number, std: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (next() + next() + next() - 1.5) * 2 * std;
  return out;
}

function writeTokenizer(dir: string): void {
  const tok = CharTokenizer.fromCorpus(['0123456789+-*/=()?.,:; abcdefghijklmnopqrstuvwxyz\n<think></think>\\boxed{}']);
  assert.ok(tok.vocabSize <= 96, `char vocabulary ${tok.vocabSize} fits vocab_size 96`);
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tok.toHuggingFaceJson()));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<bos>', eos_token: '<eos>', unk_token: '<unk>', pad_token: '<pad>' }));
}

/** An adapter with random A and nonzero B (a trained one, not PEFT's B = 0 start) on some projections of some layers. */
function writeTestAdapter(dir: string, base: string, r = 4, alpha = 8): AdapterSettings {
  const settings: AdapterSettings = { r, alpha, dropout: 0, targets: ['q_proj', 'v_proj', 'o_proj', 'down_proj'], baseModel: base };
  const features = projectionFeatures(SHAPE);
  const modules: [number, Projection][] = [[0, 'q_proj'], [0, 'v_proj'], [1, 'q_proj'], [1, 'o_proj'], [1, 'down_proj']];
  const tensors: LoraTensors[] = modules.map(([layer, target], i) => {
    const [inF, outF] = features[target];
    return { layer, target, inFeatures: inF, outFeatures: outF, A: randomValues(r * inF, 0.3, 11 + i), B: randomValues(outF * r, 0.2, 101 + i) };
  });
  writeAdapterFolder(dir, settings, tensors);
  return settings;
}

async function run(cmd: CliCommand, args: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const io: CliIO = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), isTTY: false, cwd: work };
  const code = await cmd.run(args, io);
  return { code, out: Buffer.concat(chunks).toString('utf8') };
}

async function ourLogprobs(model: string, adapterDir?: string): Promise<number[][]> {
  const input = path.join(work, `seqs-${Math.random().toString(36).slice(2)}.jsonl`);
  fs.writeFileSync(input, SEQUENCES.map((ids) => JSON.stringify({ ids })).join('\n') + '\n');
  const { code, out } = await run(logprobs, ['--model', model, ...(adapterDir ? ['--adapter', adapterDir] : []), '--input', input, '--backend', 'wasm']);
  assert.equal(code, 0);
  return out.trim().split('\n').map((l) => JSON.parse(l).logprobs.slice(1));
}

function maxDiff(a: number[][], b: (number | null)[][]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((x, j) => (m = Math.max(m, Math.abs(x - (b[i][j + 1] as number))))));
  return m;
}

/** A run folder as the trainer lays it out: checkpoints/<step>/{trainer-state.json, adapter/ | hf/}. */
function runWith(name: string, steps: number[], fill: (checkpoint: string, step: number) => void): string {
  const runDir = path.join(work, name);
  for (const step of steps) {
    const c = path.join(runDir, 'checkpoints', String(step).padStart(6, '0'));
    fs.mkdirSync(c, { recursive: true });
    fill(c, step);
    fs.writeFileSync(path.join(c, 'trainer-state.json'), JSON.stringify({ version: 1, step }));
  }
  // A write that never finished (no trainer-state.json) is not a checkpoint.
  fs.mkdirSync(path.join(runDir, 'checkpoints', '000099', 'adapter'), { recursive: true });
  return runDir;
}

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'adapter-test-'));
  baseF32 = writeCheckpoint({ architecture: 'LlamaForCausalLM', dtype: 'F32', seed: 3, std: 0.2, config: CONFIG }, path.join(work, 'base-f32'));
  baseBf16 = writeCheckpoint({ architecture: 'LlamaForCausalLM', dtype: 'BF16', seed: 4, std: 0.2, config: CONFIG, generation: { temperature: 0.7 } }, path.join(work, 'base-bf16'));
  writeTokenizer(baseF32);
  writeTokenizer(baseBf16);
  adapter = path.join(work, 'adapter');
  writeTestAdapter(adapter, baseF32);
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

test('logprobs --adapter equals the log-probs of an independent W + alpha/r·B·A merge (torch), and the adapter matters', async () => {
  const merged = path.join(work, 'ref-merged-f32');
  const ref = reference(['merge-folder', baseF32, adapter, merged, 'F32']);
  assert.deepEqual(ref.merged, ['layers.0.self_attn.q_proj', 'layers.0.self_attn.v_proj', 'layers.1.mlp.down_proj', 'layers.1.self_attn.o_proj', 'layers.1.self_attn.q_proj'].map((m) => `base_model.model.model.${m}`));
  const expected = referenceScores(merged, { sequences: SEQUENCES }).logprobs;
  const ours = await ourLogprobs(baseF32, adapter);
  const diff = maxDiff(ours, expected);
  assert.ok(diff < 1e-4, `max |Δ log p| = ${diff}`);
  // Without the adapter the numbers are far from the merged model's: the test would notice an ignored adapter.
  const plain = await ourLogprobs(baseF32);
  assert.ok(maxDiff(plain, expected) > 0.05, `the adapter changes log-probs (base vs merged: ${maxDiff(plain, expected)})`);
});

test('export hf --merge of a LoRA run: the base dtype, config and tokenizer, tensors equal the torch merge', async () => {
  const adapterBf16 = path.join(work, 'adapter-bf16');
  writeTestAdapter(adapterBf16, baseBf16, 8, 16);
  const runDir = runWith('lora-run', [2, 4], (c, step) => {
    if (step === 4) fs.cpSync(adapterBf16, path.join(c, 'adapter'), { recursive: true });
    else writeTestAdapter(path.join(c, 'adapter'), baseBf16, 2, 2);
  });
  const out = path.join(work, 'exported-merged');
  const { code, out: printed } = await run(exportCommand, ['hf', '--run', runDir, '--merge', '--out', out]);
  assert.equal(code, 0);
  assert.equal(printed, `wrote ${out}: a merged model folder (LoRA merged into ${baseBf16}, BF16) from step 4\n`);

  const refDir = path.join(work, 'ref-merged-bf16');
  reference(['merge-folder', baseBf16, path.join(runDir, 'checkpoints', '000004', 'adapter'), refDir, 'BF16']);
  const ours = reference(['inspect', out]).tensors;
  const theirs = reference(['inspect', refDir]).tensors;
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
  let exact = 0;
  let total = 0;
  for (const [name, t] of Object.entries<any>(theirs)) {
    assert.equal(ours[name].dtype, 'BF16', name);
    assert.deepEqual(ours[name].shape, t.shape, name);
    t.bits.forEach((b: number, i: number) => {
      // Both round the float32 merge to BF16 to nearest-even; the float32 sums may differ in the last bit (summation order), so at most one BF16 step apart.
      const d = Math.abs(((ours[name].bits[i] << 16) >> 16) - ((b << 16) >> 16));
      assert.ok(d <= 1, `${name}[${i}]: bf16 bits ${ours[name].bits[i]} vs ${b}`);
      exact += d === 0 ? 1 : 0;
      total++;
    });
  }
  assert.ok(exact / total > 0.999, `${exact} of ${total} values bit-identical`);
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(config.torch_dtype, 'bfloat16');
  assert.deepEqual(config.architectures, ['LlamaForCausalLM']);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'generation_config.json'), 'utf8')).temperature, 0.7);
  assert.equal(fs.readFileSync(path.join(out, 'tokenizer.json'), 'utf8'), fs.readFileSync(path.join(baseBf16, 'tokenizer.json'), 'utf8'));
  // The exported folder loads in our loader and scores as transformers' equations score it.
  const diff = maxDiff(await ourLogprobs(out), referenceScores(out, { sequences: SEQUENCES }).logprobs);
  assert.ok(diff < 1e-4, `exported folder: max |Δ log p| = ${diff}`);
});

test('export hf: latest or --step N, unmerged adapter copy, full fine-tune copy, --json, and clear refusals', async () => {
  const runDir = runWith('lora-run-2', [3, 6], (c) => writeTestAdapter(path.join(c, 'adapter'), baseF32));
  // --step that does not exist lists the steps there are (the unfinished 99 is not one).
  await assert.rejects(run(exportCommand, ['hf', '--run', runDir, '--step', '5', '--out', path.join(work, 'x')]), /checkpoints: no checkpoint for step 5; available steps: 3, 6$/);
  // Without --merge the adapter is copied as it is, and the line says so.
  const copied = path.join(work, 'adapter-copy');
  const res = await run(exportCommand, ['hf', '--run', runDir, '--step', '3', '--out', copied, '--json']);
  const json = JSON.parse(res.out);
  assert.deepEqual({ kind: json.kind, step: json.step, base: json.base, files: json.files }, { kind: 'adapter', step: 3, base: baseF32, files: ['adapter_config.json', 'adapter_model.safetensors'] });
  assert.deepEqual(fs.readFileSync(path.join(copied, 'adapter_model.safetensors')), fs.readFileSync(path.join(runDir, 'checkpoints', '000003', 'adapter', 'adapter_model.safetensors')));
  // An existing non-empty folder is refused, and replaced with --force.
  await assert.rejects(run(exportCommand, ['hf', '--run', runDir, '--out', copied]), /adapter-copy: exists and is not empty: choose another --out, or pass --force to replace it/);
  const forced = await run(exportCommand, ['hf', '--run', runDir, '--out', copied, '--force']);
  assert.match(forced.out, /the LoRA adapter, not merged \(base .*base-f32; pass --merge for a full model folder\) from step 6/);

  // The base named in adapter_config.json is gone: the error names the file and field; --base overrides.
  const movedRun = runWith('lora-run-moved', [1], (c) => writeTestAdapter(path.join(c, 'adapter'), path.join(work, 'deleted-base')));
  await assert.rejects(run(exportCommand, ['hf', '--run', movedRun, '--merge', '--out', path.join(work, 'm1')]),
    /adapter_config\.json: field 'base_model_name_or_path': names ".*deleted-base", which is not a folder here \(moved or deleted\?\): pass --base DIR/);
  const viaBase = await run(exportCommand, ['hf', '--run', movedRun, '--merge', '--base', baseF32, '--out', path.join(work, 'm1')]);
  assert.match(viaBase.out, /merged model folder \(LoRA merged into .*base-f32, F32\) from step 1/);
  assert.ok(!fs.readdirSync(work).some((f) => f.startsWith('m1.tmp-')), 'no temp folder left behind');

  // A full fine-tune checkpoint (hf/) is the model folder itself, copied byte for byte.
  const fullRun = runWith('full-run', [7], (c) => fs.cpSync(baseBf16, path.join(c, 'hf'), { recursive: true }));
  const full = JSON.parse((await run(exportCommand, ['hf', '--run', fullRun, '--out', path.join(work, 'full'), '--json'])).out);
  assert.equal(full.kind, 'model');
  assert.equal(full.dtype, 'BF16');
  for (const f of fs.readdirSync(baseBf16)) assert.deepEqual(fs.readFileSync(path.join(work, 'full', f)), fs.readFileSync(path.join(baseBf16, f)), f);

  // A built-in model run has neither folder.
  const builtin = runWith('builtin-run', [1], (c) => fs.writeFileSync(path.join(c, 'weights.bin'), ''));
  await assert.rejects(run(exportCommand, ['hf', '--run', builtin, '--out', path.join(work, 'b')]), /000001: holds neither hf\/ \(full fine-tuning\) nor adapter\/ \(LoRA\)/);
  await assert.rejects(run(exportCommand, ['hf', '--run', path.join(work, 'nope'), '--out', path.join(work, 'b')]), /nope: not a folder \(expected a run folder with checkpoints\/\)/);
  await assert.rejects(run(exportCommand, ['hf', '--run', runDir]), /--out DIR is required/);
  await assert.rejects(run(exportCommand, ['hf', '--run', runDir, '--out', path.join(work, 'b'), '--base', baseF32]), /--base is only used with --merge/);
});

test('--adapter is checked against the model before any weight is read: errors name the adapter file and the tensor or field', async () => {
  const input = path.join(work, 'one.jsonl');
  fs.writeFileSync(input, JSON.stringify({ ids: [1, 2, 3] }) + '\n');
  const tryAdapter = (dir: string) => run(logprobs, ['--model', baseF32, '--adapter', dir, '--input', input, '--backend', 'wasm']);

  // Trained for a wider model: A is [r, 48] where this model's q_proj takes 32 inputs.
  const wide = path.join(work, 'bad-wide');
  writeAdapterFolder(wide, { r: 2, alpha: 4, dropout: 0, targets: ['q_proj'], baseModel: baseF32 }, [{ layer: 0, target: 'q_proj', inFeatures: 48, outFeatures: 32, A: new Float32Array(96), B: new Float32Array(64) }]);
  await assert.rejects(tryAdapter(wide), /bad-wide\/adapter_model\.safetensors: tensor 'base_model\.model\.model\.layers\.0\.self_attn\.q_proj\.lora_A\.weight' has shape \[2,48\]; r = 2 and the model's q_proj \[32, 32\] need \[2,32\]/);

  // A layer the model does not have.
  const deep = path.join(work, 'bad-layer');
  writeAdapterFolder(deep, { r: 2, alpha: 4, dropout: 0, targets: ['v_proj'], baseModel: baseF32 }, [{ layer: 5, target: 'v_proj', inFeatures: 32, outFeatures: 16, A: new Float32Array(64), B: new Float32Array(32) }]);
  await assert.rejects(tryAdapter(deep), /tensor 'base_model\.model\.model\.layers\.5\.self_attn\.v_proj\.lora_A\.weight' is for layer 5; the model has 2 layers/);

  // A tensor for a module target_modules does not list; an A without its B.
  const stray = path.join(work, 'bad-target');
  writeAdapterFolder(stray, { r: 2, alpha: 4, dropout: 0, targets: ['q_proj', 'k_proj'], baseModel: baseF32 }, [{ layer: 0, target: 'k_proj', inFeatures: 32, outFeatures: 16, A: new Float32Array(64), B: new Float32Array(32) }]);
  const cfgFile = path.join(stray, 'adapter_config.json');
  fs.writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfgFile, 'utf8')), target_modules: ['q_proj'] }));
  await assert.rejects(tryAdapter(stray), /tensor 'base_model\.model\.model\.layers\.0\.self_attn\.k_proj\.lora_A\.weight' adapts 'k_proj', which adapter_config\.json's target_modules \[q_proj\] does not list/);

  // Variants whose merge is not W + alpha/r·B·A are refused by field.
  const dora = path.join(work, 'bad-dora');
  fs.cpSync(adapter, dora, { recursive: true });
  fs.writeFileSync(path.join(dora, 'adapter_config.json'), JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(adapter, 'adapter_config.json'), 'utf8')), use_dora: true }));
  await assert.rejects(tryAdapter(dora), /bad-dora\/adapter_config\.json: field 'use_dora': DoRA adapters are not supported/);
  fs.writeFileSync(path.join(dora, 'adapter_config.json'), JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(adapter, 'adapter_config.json'), 'utf8')), r: 0 }));
  await assert.rejects(tryAdapter(dora), /field 'r': must be a positive integer, got 0/);
  await assert.rejects(tryAdapter(path.join(work, 'no-adapter')), /no-adapter: not a folder \(expected a PEFT adapter folder/);
});
