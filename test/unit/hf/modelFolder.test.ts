// Every way a model folder can be wrong gives one clear error naming the file and the tensor/field.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../../../src/core/util/userError';
import { decoderParams } from '../../../src/trainer/hf/decoderParams';
import { bf16ToF32, f16ToF32, f32ToBf16Bits as f32ToBf16, f32ToF16Bits as f32ToF16 } from '../../../src/core/model/float16';
import { writeSafetensors } from '../../../src/core/model/safetensorsWriter';
import { ModelFolder, readDecoderConfig } from '../../../src/trainer/hf/modelFolder';
import type { Dtype } from '../../../src/trainer/hf/safetensors';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const baseConfig = {
  architectures: ['Qwen2ForCausalLM'], vocab_size: 32, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1,
  num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 64, tie_word_embeddings: true, eos_token_id: 2,
};

/** A valid folder written by our own writer, with hooks to damage it. */
function folder(opts: { config?: Record<string, unknown>; tensors?: (list: { name: string; shape: number[] }[]) => { name: string; shape: number[] }[]; dtype?: Dtype } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-folder-'));
  dirs.push(dir);
  const config = opts.config ?? baseConfig;
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  let specs = decoderParams(readDecoderConfig(path.join(dir, 'config.json'))).map((p) => ({ name: p.name, shape: p.fileShape }));
  if (opts.tensors) specs = opts.tensors(specs);
  writeSafetensors(path.join(dir, 'model.safetensors'), specs, (name) => new Float32Array(specs.find((s) => s.name === name)!.shape.reduce((a, b) => a * b, 1)).fill(0.5), opts.dtype ?? 'BF16');
  return dir;
}

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, `a UserError, got ${(e as Error)?.stack}`);
    assert.match((e as Error).message, pattern);
    assert.ok(!(e as Error).message.includes('\n'), 'one line');
    return true;
  });
}

test('a valid folder opens and its weights stream in the stored layout', () => {
  const f = ModelFolder.open(folder());
  assert.equal(f.config.architecture, 'Qwen2ForCausalLM');
  assert.equal(f.config.headDim, 4);
  assert.deepEqual(f.generation.eosTokenIds, [2]);
  const weights = [...f.weights()];
  assert.equal(weights.length, decoderParams(f.decoderConfig()).length);
  assert.ok(weights.every((w) => w.every((v) => v === 0.5)));
  f.close();
});

test('unknown architecture: names config.json and the field', () => {
  const dir = folder();
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...baseConfig, architectures: ['GPTNeoXForCausalLM'] }));
  rejects(() => ModelFolder.open(dir), /config\.json: field 'architectures': architecture 'GPTNeoXForCausalLM' is not supported; supported: LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, MistralForCausalLM, GPT2LMHeadModel/);
});

test('a missing or malformed config field is named', () => {
  const dir = folder();
  const { hidden_size: _, ...rest } = baseConfig;
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(rest));
  rejects(() => ModelFolder.open(dir), /config\.json: field 'hidden_size': missing/);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...baseConfig, num_key_value_heads: 3 }));
  rejects(() => ModelFolder.open(dir), /field 'num_key_value_heads': 3 must divide num_attention_heads \(2\)/);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...baseConfig, rope_scaling: { rope_type: 'yarn', factor: 4 } }));
  rejects(() => ModelFolder.open(dir), /field 'rope_scaling': rope_type "yarn" is not supported/);
  fs.writeFileSync(path.join(dir, 'config.json'), '{"architectures": [');
  rejects(() => ModelFolder.open(dir), /config\.json: not valid JSON/);
});

test('Mistral with a sliding window that applies is refused; without one it loads', () => {
  const mistral = { ...baseConfig, architectures: ['MistralForCausalLM'] };
  rejects(() => folder({ config: { ...mistral, sliding_window: 16 } }), /config\.json: field 'sliding_window': a sliding attention window \(16\) shorter than max_position_embeddings \(64\) is not supported/);
  ModelFolder.open(folder({ config: { ...mistral, sliding_window: null } })).close();
  ModelFolder.open(folder({ config: { ...mistral, sliding_window: 64 } })).close();
});

test('missing tensor: names the file and the tensor', () => {
  const dir = folder({ tensors: (l) => l.filter((t) => t.name !== 'model.layers.0.self_attn.k_proj.bias') });
  rejects(() => ModelFolder.open(dir), /model\.safetensors: missing tensor 'model\.layers\.0\.self_attn\.k_proj\.bias'/);
  const untied = folder({ config: { ...baseConfig, tie_word_embeddings: false }, tensors: (l) => l.filter((t) => t.name !== 'lm_head.weight') });
  rejects(() => ModelFolder.open(untied), /missing tensor 'lm_head\.weight' \(config\.json says tie_word_embeddings is false\)/);
});

test('extra tensor: names the file and the tensor', () => {
  const dir = folder({ tensors: (l) => [...l, { name: 'model.layers.0.mlp.extra.weight', shape: [2, 2] }] });
  rejects(() => ModelFolder.open(dir), /model\.safetensors: unexpected tensor 'model\.layers\.0\.mlp\.extra\.weight'/);
});

test('wrong shape: names the file, the tensor, both shapes', () => {
  const dir = folder({ tensors: (l) => l.map((t) => (t.name === 'model.layers.0.mlp.up_proj.weight' ? { ...t, shape: [8, 16] } : t)) });
  rejects(() => ModelFolder.open(dir), /model\.safetensors: tensor 'model\.layers\.0\.mlp\.up_proj\.weight' has shape \[8,16\]; config\.json implies \[16,8\]/);
});

/** A file whose header is `header` and whose data is `dataBytes` zero bytes. */
function rawSafetensors(dir: string, header: unknown, dataBytes: number): string {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const file = path.join(dir, 'model.safetensors');
  fs.writeFileSync(file, Buffer.concat([len, json, Buffer.alloc(dataBytes)]));
  return file;
}

test('unsupported dtype: names the file, the tensor and the dtype', () => {
  const dir = folder();
  rawSafetensors(dir, { 'model.norm.weight': { dtype: 'I8', shape: [8], data_offsets: [0, 8] } }, 8);
  rejects(() => ModelFolder.open(dir), /model\.safetensors: tensor 'model\.norm\.weight' has dtype I8; supported: BF16, F16, F32/);
});

test('truncated file: names the file (and the tensor cut short)', () => {
  const dir = folder();
  const file = path.join(dir, 'model.safetensors');
  const size = fs.statSync(file).size;
  fs.truncateSync(file, size - 10);
  rejects(() => ModelFolder.open(dir), /model\.safetensors: truncated file: tensor '[^']+' ends at byte \d+, the file has \d+/);
  fs.truncateSync(file, 5);
  rejects(() => ModelFolder.open(dir), /model\.safetensors: truncated file: 5 bytes, shorter than the 8-byte header length/);
});

test('bad header: not JSON, implausible length, inconsistent offsets', () => {
  const dir = folder();
  const file = path.join(dir, 'model.safetensors');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(4n);
  fs.writeFileSync(file, Buffer.concat([len, Buffer.from('{no}')]));
  rejects(() => ModelFolder.open(dir), /model\.safetensors: bad header: not JSON/);
  len.writeBigUInt64LE(1n << 40n);
  fs.writeFileSync(file, Buffer.concat([len, Buffer.from('{}')]));
  rejects(() => ModelFolder.open(dir), /model\.safetensors: bad header: header length \d+ bytes is not plausible/);
  rawSafetensors(dir, { 'model.norm.weight': { dtype: 'F32', shape: [8], data_offsets: [0, 16] } }, 32);
  rejects(() => ModelFolder.open(dir), /bad header: tensor 'model\.norm\.weight': shape \[8\] in F32 needs 32 bytes, data_offsets span 16/);
});

test('sharded folders: the index is checked against the shards', () => {
  const dir = folder();
  fs.renameSync(path.join(dir, 'model.safetensors'), path.join(dir, 'model-00001-of-00001.safetensors'));
  const names = decoderParams(readDecoderConfig(path.join(dir, 'config.json'))).map((p) => p.name);
  const index = (map: Record<string, string>) => fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: map }));
  index(Object.fromEntries(names.map((n) => [n, 'model-00001-of-00001.safetensors'])));
  ModelFolder.open(dir).close();
  index({ ...Object.fromEntries(names.map((n) => [n, 'model-00001-of-00001.safetensors'])), 'model.norm.weight': 'model-00002-of-00002.safetensors' });
  rejects(() => ModelFolder.open(dir), /model\.safetensors\.index\.json: field 'weight_map': tensor 'model\.norm\.weight' is in 'model-00002-of-00002\.safetensors', which does not exist/);
  index(Object.fromEntries(names.slice(1).map((n) => [n, 'model-00001-of-00001.safetensors'])));
  rejects(() => ModelFolder.open(dir), /model-00001-of-00001\.safetensors: unexpected tensor 'model\.embed_tokens\.weight' \(not in model\.safetensors\.index\.json\)/);
});

test('no weights at all, or not a folder', () => {
  const dir = folder();
  fs.rmSync(path.join(dir, 'model.safetensors'));
  rejects(() => ModelFolder.open(dir), /no weights: expected model\.safetensors, or shards listed in model\.safetensors\.index\.json/);
  rejects(() => ModelFolder.open(path.join(dir, 'nope')), /nope: not a folder/);
});

test('16-bit conversions: exact widening, round-to-nearest-even narrowing (hand-checked bit patterns)', () => {
  const values = new Float32Array([1 / 3, 1 + 2 ** -8, 1 + 3 * 2 ** -8, -2.5, 65504, 70000, 2 ** -24, 2 ** -26, 0]);
  // bf16: 1/3 → 0x3EAB; 1+2⁻⁸ is a tie → even 0x3F80; 1+3·2⁻⁸ is a tie → even 0x3F82.
  assert.deepEqual(Array.from(f32ToBf16(values)).map((x) => x.toString(16)), ['3eab', '3f80', '3f82', 'c020', '4780', '4789', '3380', '3280', '0']);
  // f16 (also what torch's .to(float16) gives): 1/3 → 0x3555; 1+2⁻⁸, 1+3·2⁻⁸ exact; 65504 is the largest
  // half; 70000 overflows to inf; 2⁻²⁴ is the smallest subnormal; 2⁻²⁶ rounds to 0.
  assert.deepEqual(Array.from(f32ToF16(values)).map((x) => x.toString(16)), ['3555', '3c04', '3c0c', 'c100', '7bff', '7c00', '1', '0', '0']);
  assert.deepEqual(Array.from(bf16ToF32(new Uint16Array([0x3eab, 0xc020]))), [0.333984375, -2.5]);
  assert.deepEqual(Array.from(f16ToF32(new Uint16Array([0x3555, 0x7bff, 0x0001, 0xfc00]))), [0.333251953125, 65504, 2 ** -24, -Infinity]);
});
