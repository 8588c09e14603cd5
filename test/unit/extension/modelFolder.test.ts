// The first look at a folder offered as a model in Start Math/Code RL: a model folder is accepted
// with what its config.json says; anything else is refused with a message naming the folder and what is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkModelFolder } from '../../../src/extension/modelFolder';

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-model-folder-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const QWEN_CONFIG = JSON.stringify({ architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', num_hidden_layers: 24, hidden_size: 896, vocab_size: 151936 });

test('a folder with config.json and model.safetensors is a model folder, described from its config', () => {
  const dir = tempDir({ 'config.json': QWEN_CONFIG, 'model.safetensors': '' });
  const c = checkModelFolder(dir);
  assert.deepEqual(c, { ok: true, dir, architecture: 'Qwen2ForCausalLM', summary: 'Qwen2ForCausalLM · 24 layers · hidden 896 · vocabulary 151,936' });
});

test('sharded weights (model.safetensors.index.json) count as weights; a config without architectures names its model_type', () => {
  const dir = tempDir({ 'config.json': JSON.stringify({ model_type: 'llama' }), 'model.safetensors.index.json': '{}' });
  const c = checkModelFolder(dir);
  assert.ok(c.ok);
  assert.equal(c.summary, 'llama');
  assert.equal(c.architecture, undefined);
});

test('a folder without config.json is not a model folder, and the message says what one holds', () => {
  const dir = tempDir({ 'notes.txt': 'hello' });
  const c = checkModelFolder(dir);
  assert.equal(c.ok, false);
  assert.equal((c as { problem: string }).problem, `${dir} is not a model folder: it has no config.json (a Hugging Face model folder holds config.json, model.safetensors and tokenizer.json)`);
  assert.equal((c as { reason: string }).reason, 'no config.json');
});

test('broken config.json, config.json that is not an object, and missing weights are each named', () => {
  const bad = tempDir({ 'config.json': '{"architectures": [', 'model.safetensors': '' });
  assert.match((checkModelFolder(bad) as { problem: string }).problem, new RegExp(`^${escape(path.join(bad, 'config.json'))} is not valid JSON: `));
  const list = tempDir({ 'config.json': '[1, 2]', 'model.safetensors': '' });
  assert.equal((checkModelFolder(list) as { problem: string }).problem, `${path.join(list, 'config.json')} is not a JSON object`);
  const noWeights = tempDir({ 'config.json': QWEN_CONFIG });
  assert.equal((checkModelFolder(noWeights) as { problem: string }).problem, `${noWeights} has config.json but no weights: neither model.safetensors nor model.safetensors.index.json`);
  assert.deepEqual([bad, list, noWeights].map((d) => (checkModelFolder(d) as { reason: string }).reason), ['config.json is not valid JSON', 'config.json is not a JSON object', 'no model.safetensors']);
});

test('a missing path and a file are refused', () => {
  const missing = path.join(os.tmpdir(), 'acereason-no-such-model-folder');
  assert.equal((checkModelFolder(missing) as { problem: string }).problem, `${missing} does not exist`);
  const dir = tempDir({ 'config.json': QWEN_CONFIG });
  assert.equal((checkModelFolder(path.join(dir, 'config.json')) as { problem: string }).problem, `${path.join(dir, 'config.json')} is a file, not a model folder`);
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
