// GPT2LMHeadModel folders we cannot compute exactly are refused with one line naming the file and the
// config field or tensor; what we can is accepted (tied heads, base-model names, mask buffers).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writeSafetensors } from '../../../src/core/model/safetensorsWriter';
import { UserError } from '../../../src/core/util/userError';
import { ModelFolder, readDecoderConfig, readFolderConfig } from '../../../src/trainer/hf/modelFolder';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const base = { architectures: ['GPT2LMHeadModel'], vocab_size: 40, n_positions: 16, n_embd: 8, n_layer: 2, n_head: 2, eos_token_id: 2 };
type Spec = { name: string; shape: number[] };

/** A folder whose tensors are the family's own list for `config`, passed through `edit`. */
function folder(config: Record<string, unknown>, edit: (l: Spec[]) => Spec[] = (l) => l): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpt2-err-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const { family, config: parsed } = readFolderConfig(path.join(dir, 'config.json'));
  const unique = new Map<string, Spec>();
  for (const t of family.tensors(parsed)) unique.set(t.readFrom ?? t.name, { name: t.readFrom ?? t.name, shape: t.fileShape });
  const specs = edit([...unique.values()]);
  writeSafetensors(path.join(dir, 'model.safetensors'), specs, (name) => new Float32Array(specs.find((s) => s.name === name)!.shape.reduce((a, b) => a * b, 1)), 'F32');
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

test('config fields we do not compute are refused by name', () => {
  const dir = folder(base);
  const withConfig = (over: Record<string, unknown>) => {
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...base, ...over }));
    return () => ModelFolder.open(dir);
  };
  rejects(withConfig({ activation_function: 'gelu' }), /config\.json: field 'activation_function': only the tanh GELU \(gelu_new, gelu_pytorch_tanh\) is supported, got "gelu"/);
  rejects(withConfig({ activation_function: 'relu' }), /field 'activation_function'/);
  rejects(withConfig({ scale_attn_by_inverse_layer_idx: true }), /config\.json: field 'scale_attn_by_inverse_layer_idx': scaling attention by 1\/\(layer \+ 1\) is not supported/);
  rejects(withConfig({ scale_attn_weights: false }), /config\.json: field 'scale_attn_weights'/);
  rejects(withConfig({ layer_norm_epsilon: 1e-6 }), /config\.json: field 'layer_norm_epsilon': only 0\.00001 is supported, got 0\.000001/);
  rejects(withConfig({ n_inner: 12 }), /config\.json: field 'n_inner': must be a multiple of n_embd \(8\), got 12/);
  rejects(withConfig({ n_head: 3 }), /config\.json: field 'n_embd': 8 is not divisible by n_head \(3\)/);
  rejects(withConfig({ add_cross_attention: true }), /config\.json: field 'add_cross_attention'/);
  rejects(withConfig({ n_embd: undefined }), /config\.json: field 'n_embd': missing/);
  // Accepted: the same function as ours.
  withConfig({ activation_function: 'gelu_pytorch_tanh', reorder_and_upcast_attn: true, layer_norm_epsilon: 1e-5 })().close();
});

test('missing tensor, wrong shape, extra tensor: the file and the tensor are named', () => {
  rejects(() => ModelFolder.open(folder(base, (l) => l.filter((t) => t.name !== 'transformer.h.1.mlp.c_fc.bias'))), /model\.safetensors: missing tensor 'transformer\.h\.1\.mlp\.c_fc\.bias' for GPT2LMHeadModel with 2 layers/);
  rejects(() => ModelFolder.open(folder({ ...base, tie_word_embeddings: false }, (l) => l.filter((t) => t.name !== 'lm_head.weight'))), /missing tensor 'lm_head\.weight' \(config\.json says tie_word_embeddings is false\)/);
  // nn.Linear's [3d, d] where GPT-2's Conv1D has [d, 3d].
  rejects(() => ModelFolder.open(folder(base, (l) => l.map((t) => (t.name === 'transformer.h.0.attn.c_attn.weight' ? { ...t, shape: [24, 8] } : t)))), /model\.safetensors: tensor 'transformer\.h\.0\.attn\.c_attn\.weight' has shape \[24,8\]; config\.json implies \[8,24\]/);
  rejects(() => ModelFolder.open(folder(base, (l) => l.map((t) => (t.name === 'transformer.wpe.weight' ? { ...t, shape: [32, 8] } : t)))), /tensor 'transformer\.wpe\.weight' has shape \[32,8\]; config\.json implies \[16,8\]/);
  rejects(() => ModelFolder.open(folder(base, (l) => [...l, { name: 'transformer.h.0.crossattention.c_attn.weight', shape: [8, 16] }])), /model\.safetensors: unexpected tensor 'transformer\.h\.0\.crossattention\.c_attn\.weight'/);
});

test('GPT-2\'s own layouts are accepted: base-model names, mask buffers, a tied head\'s copy', () => {
  const baseOnly = folder(base, (l) => [...l.map((t) => ({ ...t, name: t.name.replace(/^transformer\./, '') })), { name: 'h.0.attn.bias', shape: [1, 1, 16, 16] }, { name: 'h.0.attn.masked_bias', shape: [] }]);
  const f = ModelFolder.open(baseOnly);
  assert.equal(f.config.architecture, 'GPT2LMHeadModel');
  assert.equal(f.config.tieWordEmbeddings, true);
  assert.equal([...f.weights()].length, f.tensors.length);
  f.close();
  // In a base-model file, a missing tensor is named as the file would name it.
  rejects(() => ModelFolder.open(folder(base, (l) => l.filter((t) => t.name !== 'transformer.ln_f.bias').map((t) => ({ ...t, name: t.name.replace(/^transformer\./, '') })))), /missing tensor 'ln_f\.bias'/);
  ModelFolder.open(folder(base, (l) => [...l, { name: 'lm_head.weight', shape: [40, 8] }])).close();
});

test('a GPT-2 folder is not a Llama-style decoder where one is required', () => {
  const dir = folder(base);
  rejects(() => readDecoderConfig(path.join(dir, 'config.json')), /config\.json: field 'architectures': GPT2LMHeadModel is not a Llama-style decoder/);
  const f = ModelFolder.open(dir);
  rejects(() => f.decoderConfig(), /GPT2LMHeadModel is not a Llama-style decoder/);
  f.close();
});
