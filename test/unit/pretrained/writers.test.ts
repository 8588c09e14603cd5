import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planShards, writeModelWeights, writeSafetensors, type TensorSpec, type WriteDtype } from '../../../src/core/model/safetensorsWriter';
import { adapterConfigJson, writeAdapterFolder, type LoraTensors } from '../../../src/core/model/peftAdapter';
import { mergeLora } from '../../../src/core/model/loraMerge';
import { f32Bits, fromBits, runReference } from './referencePython';

function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `h7-${tag}-`));
}

/** Deterministic uniform numbers (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValues(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/** Every finite float32 exponent: random bit patterns, with infinities and NaN patterns skipped. */
function randomBitPatterns(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; ) {
    const u = Math.floor(r() * 4294967296) >>> 0;
    if ((u & 0x7f800000) === 0x7f800000) continue;
    bits[i++] = u;
  }
  return new Float32Array(bits.buffer);
}

/** Rounding cases: ties to even in both formats, half subnormals, overflow to infinity, signed zero. */
const EDGES = Float32Array.from([
  0, -0, 1, -1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -11 + 2 ** -20,
  2 ** -24, 2 ** -25, 3 * 2 ** -25, 1.5 * 2 ** -25, 2 ** -26, 2 ** -14, 2 ** -14 - 2 ** -25, 2 ** -14 - 2 ** -26, 1023 * 2 ** -24, 1023.5 * 2 ** -24,
  65504, 65519, 65520, 65536, -70000, 1e-8, 1e-30, 1.17549435e-38, 1e-45, 3.4028234e38, -3.4028234e38, 3.39e38,
  Infinity, -Infinity, NaN, Math.PI, -Math.E, 0.1, 1 / 3,
]);

test('safetensors in F32, F16 and BF16: names, shapes and bits equal what torch reads and converts', () => {
  const dir = tmpDir('st');
  const tensors: Record<string, { shape: number[]; values: Float32Array }> = {
    'model.embed_tokens.weight': { shape: [7, 6], values: randomValues(42, 1, 3) },
    edges: { shape: [EDGES.length], values: EDGES },
    'bits.random': { shape: [4, 25, 20], values: randomBitPatterns(2000, 2) },
    'model.norm.weight': { shape: [6], values: randomValues(6, 3) },
  };
  const specs: TensorSpec[] = Object.entries(tensors).map(([name, t]) => ({ name, shape: t.shape }));
  for (const dtype of ['F32', 'F16', 'BF16'] as WriteDtype[]) {
    const file = path.join(dir, `${dtype}.safetensors`);
    writeSafetensors(file, specs, (name) => tensors[name].values, dtype);
    const expect = Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, { dtype, bits: f32Bits(t.values) }]));
    fs.writeFileSync(path.join(dir, 'expect.json'), JSON.stringify(expect));
    const ref = runReference(['inspect', file, path.join(dir, 'expect.json')]);
    const info = ref.files[`${dtype}.safetensors`];
    assert.deepEqual(info.metadata, { format: 'pt' });
    assert.equal(info.header_padded_to_8, true);
    assert.deepEqual(info.names.sort(), Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const got = ref.tensors[name];
      assert.equal(got.dtype, dtype, name);
      assert.deepEqual(got.shape, t.shape, name);
      if (dtype === 'F32') assert.deepEqual(got.bits.map((b: number) => b >>> 0), f32Bits(t.values), `${name} F32 bits`);
      // NaN stays NaN; its payload is not specified (torch's vectorised bf16 path writes 0xffff, its scalar path 0x7fc0, as we do).
      const isNaN16 = (b: number) => (dtype === 'BF16' ? (b & 0x7f80) === 0x7f80 && (b & 0x7f) !== 0 : (b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0);
      const mismatches = got.bits.map((b: number, i: number) => [i, b & 0xffff, got.torch_bits[i] & 0xffff]).filter(([, a, b]: number[]) => a !== b && !(isNaN16(a) && isNaN16(b)));
      if (dtype !== 'F32') assert.deepEqual(mismatches.slice(0, 5), [], `${name} in ${dtype}: [index, ours, torch's] bit patterns differ (${mismatches.length} values)`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('sharding: the hub rule (fill until the next tensor passes the budget, oversized tensors alone), index as transformers writes it', () => {
  // F32, budget 1000 bytes: a, b (400 B each) fill shard 1; c would pass it; d (1600 B) goes alone as
  // soon as it is seen, so it is shard 2; c, e continue the open shard (3); f would pass it (4).
  const shapes: Record<string, number[]> = { 'model.a.weight': [10, 10], 'model.b.weight': [100], 'model.c.weight': [4, 25], 'model.d.weight': [400], 'model.e.weight': [2, 2, 5], 'model.f.weight': [150] };
  const specs = Object.entries(shapes).map(([name, shape]) => ({ name, shape }));
  const plan = planShards(specs, 'F32', 1000);
  assert.deepEqual(plan.shards.map((s) => [s.file, s.specs.map((x) => x.name.split('.')[1])]), [
    ['model-00001-of-00004.safetensors', ['a', 'b']],
    ['model-00002-of-00004.safetensors', ['d']],
    ['model-00003-of-00004.safetensors', ['c', 'e']],
    ['model-00004-of-00004.safetensors', ['f']],
  ]);
  assert.equal(plan.totalSize, 4 * (100 + 100 + 100 + 400 + 20 + 150));
  assert.deepEqual(planShards(specs, 'BF16', 10_000).shards.map((s) => s.file), ['model.safetensors']);

  const dir = tmpDir('shards');
  const values = Object.fromEntries(specs.map((s, i) => [s.name, randomValues(s.shape.reduce((a, b) => a * b, 1), 10 + i)]));
  writeModelWeights(dir, specs, (n) => values[n], 'BF16', 500);
  const ref = runReference(['inspect', dir]);
  assert.equal(ref.index_text, ref.index_as_python_writes_it, 'index.json is byte-identical to json.dumps(indent=2, sort_keys=True) + newline');
  assert.deepEqual(Object.keys(ref.index), ['metadata', 'weight_map']);
  assert.equal(ref.index.metadata.total_size, ref.data_bytes);
  assert.equal(ref.data_bytes, 2 * (100 + 100 + 100 + 400 + 20 + 150));
  for (const s of specs) {
    assert.equal(ref.index.weight_map[s.name], ref.tensors[s.name].file, `${s.name} is in the shard the index names`);
    assert.deepEqual(ref.tensors[s.name].shape, s.shape);
  }
  // BF16, budget 500 B: [a, b] (400), [d] alone (800 B), [c, e] (240), [f] (300): c + e + f would be 540.
  assert.deepEqual(Object.fromEntries(specs.map((s) => [s.name.split('.')[1], Number(ref.tensors[s.name].file.slice(6, 11))])), { a: 1, b: 1, d: 2, c: 3, e: 3, f: 4 });
  assert.deepEqual(Object.keys(ref.files).sort(), ['model-00001-of-00004.safetensors', 'model-00002-of-00004.safetensors', 'model-00003-of-00004.safetensors', 'model-00004-of-00004.safetensors']);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp-')), [], 'no temp files left');

  // Under the budget: one model.safetensors and no index.
  const single = tmpDir('single');
  writeModelWeights(single, specs, (n) => values[n], 'F16');
  assert.deepEqual(fs.readdirSync(single), ['model.safetensors']);
  assert.equal(Object.keys(runReference(['inspect', single]).tensors).length, specs.length);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(single, { recursive: true, force: true });
});

// Two layers of a tiny Llama-shaped model: hidden 8, 4 query heads × head_dim 2 (q 8), 2 KV heads (k/v 4), MLP 12.
const FEATURES: Record<string, [number, number]> = { q_proj: [8, 8], k_proj: [8, 4], v_proj: [8, 4], o_proj: [8, 8], gate_proj: [8, 12], up_proj: [8, 12], down_proj: [12, 8] };
const R = 4;
const ALPHA = 16;

function adapterTensors(targets: (keyof typeof FEATURES)[], seed: number): LoraTensors[] {
  const out: LoraTensors[] = [];
  for (let layer = 0; layer < 2; layer++) {
    for (const target of targets) {
      const [inFeatures, outFeatures] = FEATURES[target];
      out.push({ layer, target: target as LoraTensors['target'], inFeatures, outFeatures, A: randomValues(R * inFeatures, seed++, 0.5), B: randomValues(outFeatures * R, seed++, 0.5) });
    }
  }
  return out;
}

test('PEFT adapter folder: config and tensor names as PEFT saves them; merge equals torch W + alpha/r · B@A', () => {
  const dir = path.join(tmpDir('adapter'), 'adapter');
  const targets = ['q_proj', 'v_proj', 'down_proj'] as const;
  const tensors = adapterTensors([...targets], 100);
  const settings = { r: R, alpha: ALPHA, dropout: 0.05, targets, baseModel: '/models/tiny-llama' };
  writeAdapterFolder(dir, settings, tensors);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['adapter_config.json', 'adapter_model.safetensors']);

  const config = JSON.parse(fs.readFileSync(path.join(dir, 'adapter_config.json'), 'utf8'));
  assert.deepEqual(
    { peft_type: config.peft_type, task_type: config.task_type, r: config.r, lora_alpha: config.lora_alpha, lora_dropout: config.lora_dropout, target_modules: config.target_modules, bias: config.bias, base: config.base_model_name_or_path, fan_in_fan_out: config.fan_in_fan_out, use_rslora: config.use_rslora },
    { peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 4, lora_alpha: 16, lora_dropout: 0.05, target_modules: ['down_proj', 'q_proj', 'v_proj'], bias: 'none', base: '/models/tiny-llama', fan_in_fan_out: false, use_rslora: false },
  );

  const ref = runReference(['inspect', dir]);
  const expectedNames: string[] = [];
  for (let i = 0; i < 2; i++) {
    for (const [block, t] of [['self_attn', 'q_proj'], ['self_attn', 'v_proj'], ['mlp', 'down_proj']]) {
      for (const ab of ['lora_A', 'lora_B']) expectedNames.push(`base_model.model.model.layers.${i}.${block}.${t}.${ab}.weight`);
    }
  }
  assert.deepEqual(Object.keys(ref.tensors).sort(), expectedNames.sort());
  for (const t of tensors) {
    const block = t.target === 'down_proj' ? 'mlp' : 'self_attn';
    const base = `base_model.model.model.layers.${t.layer}.${block}.${t.target}`;
    assert.deepEqual(ref.tensors[`${base}.lora_A.weight`].shape, [R, t.inFeatures]);
    assert.deepEqual(ref.tensors[`${base}.lora_B.weight`].shape, [t.outFeatures, R]);
    assert.equal(ref.tensors[`${base}.lora_A.weight`].dtype, 'F32');
    assert.deepEqual(ref.tensors[`${base}.lora_B.weight`].bits.map((b: number) => b >>> 0), f32Bits(t.B));
  }

  // The merge: our mergeLora against torch's float64 W + alpha/r · B @ A rounded to float32.
  const baseWeights: Record<string, { shape: number[]; bits: number[] }> = {};
  const ours: Record<string, Float32Array> = {};
  tensors.forEach((t, i) => {
    const W = randomValues(t.outFeatures * t.inFeatures, 500 + i);
    const block = t.target === 'down_proj' ? 'mlp' : 'self_attn';
    const name = `base_model.model.model.layers.${t.layer}.${block}.${t.target}`;
    baseWeights[name] = { shape: [t.outFeatures, t.inFeatures], bits: f32Bits(W) };
    ours[name] = mergeLora(W, t.A, t.B, ALPHA, R);
  });
  const basefile = path.join(path.dirname(dir), 'base.json');
  fs.writeFileSync(basefile, JSON.stringify(baseWeights));
  const merged = runReference(['merge', dir, basefile]);
  for (const [name, mine] of Object.entries(ours)) {
    const theirs = fromBits(merged.merged[name]);
    let worst = 0;
    for (let i = 0; i < mine.length; i++) worst = Math.max(worst, Math.abs(mine[i] - theirs[i]) / Math.max(1e-6, Math.abs(theirs[i])));
    assert.ok(worst < 1e-6, `${name}: merged weights differ from torch's by ${worst} relative`);
    assert.ok(mine.some((v, i) => v !== fromBits(baseWeights[name].bits)[i]), 'the adapter changed W');
  }
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

test('adapter writes are atomic and refuse inconsistent tensors, leaving the saved folder as it was', () => {
  const dir = path.join(tmpDir('atomic'), 'adapter');
  const settings = { r: R, alpha: ALPHA, dropout: 0, targets: ['q_proj', 'k_proj'] as const, baseModel: 'm' };
  writeAdapterFolder(dir, settings, adapterTensors(['q_proj', 'k_proj'], 1));
  const before = fs.readFileSync(path.join(dir, 'adapter_model.safetensors'));
  const wrongTarget = adapterTensors(['q_proj', 'o_proj'], 2);
  assert.throws(() => writeAdapterFolder(dir, settings, wrongTarget), /layer 0 has a 'o_proj' adapter, but target_modules is \[q_proj, k_proj\]/);
  const short = adapterTensors(['q_proj'], 3);
  short[1].B = short[1].B.subarray(1);
  assert.throws(() => writeAdapterFolder(dir, settings, short), /base_model\.model\.model\.layers\.1\.self_attn\.q_proj\.lora_B has 31 values, \[8, 4\] needs 32/);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'adapter_model.safetensors')), before);
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['adapter'], 'no half-built folders left');
  assert.throws(() => writeSafetensors(path.join(dir, 'x.safetensors'), [{ name: 'w', shape: [2, 3] }], () => new Float32Array(5), 'F32'), /tensor 'w' has 5 values, shape \[2,3\] needs 6/);
  assert.ok(!fs.readdirSync(dir).some((f) => f.startsWith('x.safetensors')), 'a failed write leaves no file');
  assert.throws(() => mergeLora(new Float32Array(6), new Float32Array(8), new Float32Array(8), 8, 4), /W has 6 values, B·A is \[2, 2\]/);
  assert.match(adapterConfigJson({ ...settings, baseModel: 'x' }), /^\{\n  "alpha_pattern": \{\},\n  "auto_mapping": null,/);
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

test('a full model folder: config with torch_dtype, generation config, tokenizer files, shards that torch reads back', async () => {
  const { writeHfModelFolder } = await import('../../../src/core/model/hfModelFolder');
  const root = tmpDir('hf');
  const base = path.join(root, 'base');
  fs.mkdirSync(base);
  fs.writeFileSync(path.join(base, 'tokenizer.json'), '{"model": {"type": "BPE"}, "added_tokens": [{"id": 5, "content": "<|im_end|>"}]}');
  fs.writeFileSync(path.join(base, 'tokenizer_config.json'), '{"chat_template": "{{ messages }}"}');
  const config = { architectures: ['Qwen2ForCausalLM'], hidden_size: 8, num_hidden_layers: 1, vocab_size: 16, tie_word_embeddings: true, torch_dtype: 'float32' };
  const specs = [{ name: 'model.embed_tokens.weight', shape: [16, 8] }, { name: 'model.layers.0.self_attn.q_proj.weight', shape: [8, 8] }, { name: 'model.norm.weight', shape: [8] }];
  const values = Object.fromEntries(specs.map((s, i) => [s.name, randomValues(s.shape.reduce((a, b) => a * b, 1), 900 + i)]));
  const out = path.join(root, 'hf');
  // Budget 200 B in BF16: the 256 B embedding alone, then q_proj (128 B) + norm (16 B).
  const plan = writeHfModelFolder(out, { config, generationConfig: { eos_token_id: [5], temperature: 0.6 }, tokenizerFrom: base }, specs, (n) => values[n], 'BF16', 200);
  assert.deepEqual(plan.shards.map((s) => s.specs.length), [1, 2]);
  assert.deepEqual(fs.readdirSync(out).sort(), ['config.json', 'generation_config.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json', 'tokenizer.json', 'tokenizer_config.json']);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).torch_dtype, 'bfloat16');
  assert.equal(fs.readFileSync(path.join(out, 'config.json'), 'utf8').split('\n')[1], '  "architectures": [', 'keys sorted as transformers writes them');
  assert.equal(fs.readFileSync(path.join(out, 'tokenizer.json'), 'utf8'), fs.readFileSync(path.join(base, 'tokenizer.json'), 'utf8'));
  const expect = Object.fromEntries(specs.map((s) => [s.name, { dtype: 'BF16', bits: f32Bits(values[s.name]) }]));
  fs.writeFileSync(path.join(root, 'expect.json'), JSON.stringify(expect));
  const ref = runReference(['inspect', out, path.join(root, 'expect.json')]);
  for (const s of specs) {
    assert.deepEqual(ref.tensors[s.name].shape, s.shape);
    assert.deepEqual(ref.tensors[s.name].bits.map((b: number) => b & 0xffff), ref.tensors[s.name].torch_bits.map((b: number) => b & 0xffff), s.name);
  }
  assert.equal(ref.index.metadata.total_size, 2 * (128 + 64 + 8));
  fs.rmSync(root, { recursive: true, force: true });
});
