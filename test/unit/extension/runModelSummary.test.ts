// The dashboard header's source: config.json's `model` (written by the trainer), read field by field
// so an older or partial run still shows what it has, and followed as the trainer rewrites the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRunModelSummary } from '../../../src/core/protocol/trainer';
import { RunModelWatch } from '../../../src/extension/dashboard/runModelWatch';

const full = {
  label: 'Qwen2.5-0.5B-Instruct', source: 'pretrained', path: '/models/Qwen2.5-0.5B-Instruct', architecture: 'Qwen2ForCausalLM',
  parameters: 494_032_768, trainableParameters: 8_798_208, lora: { rank: 16, alpha: 32, targets: ['q_proj', 'v_proj'] },
  memoryEstimateBytes: 6_442_450_944,
};

test('a complete model record is read as written', () => {
  assert.deepEqual(readRunModelSummary({ recipe: { name: 'demo' }, model: full }), full);
});

test('runs without a model record (older runs, no config yet, not an object) give nothing', () => {
  for (const config of [undefined, null, 'text', 42, {}, { recipe: 'demo' }, { model: null }, { model: 'Qwen' }, { model: [full] }, { model: {} }]) {
    assert.equal(readRunModelSummary(config), undefined, JSON.stringify(config));
  }
});

test('a malformed field is left out and the others still show', () => {
  const got = readRunModelSummary({
    model: {
      label: 'tiny', source: 'remote', parameters: -5, trainableParameters: 1.5, memoryEstimateBytes: 'lots',
      lora: { rank: 16, alpha: 32 }, path: '', architecture: 'LlamaForCausalLM', unknownField: 1,
    },
  });
  assert.deepEqual(got, { label: 'tiny', architecture: 'LlamaForCausalLM' });
});

test('oversized text is refused rather than shown cut', () => {
  assert.deepEqual(readRunModelSummary({ model: { label: 'x'.repeat(501), parameters: 10 } }), { parameters: 10 });
});

test('RunModelWatch: nothing before config.json exists; the record once written; a change when rewritten; no change when only the mtime moves', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acereason-model-watch-'));
  try {
    const file = path.join(dir, 'config.json');
    const watch = new RunModelWatch(file);
    // A function, so TypeScript does not narrow `current` to undefined for the rest of the test.
    const current = () => watch.current;
    assert.equal(watch.poll(), false);
    assert.equal(current(), undefined);
    // The run starts: config.json without a model yet.
    fs.writeFileSync(file, JSON.stringify({ recipe: { name: 'demo' } }));
    assert.equal(watch.poll(), false, 'no model yet: nothing to show');
    // The trainer loaded the model and rewrote config.json.
    fs.writeFileSync(file, JSON.stringify({ recipe: { name: 'demo' }, model: full }));
    assert.equal(watch.poll(), true);
    assert.deepEqual(current(), full);
    assert.equal(watch.poll(), false, 'unchanged file: no second update');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    assert.equal(watch.poll(), false, 'same content: no update');
    fs.writeFileSync(file, JSON.stringify({ model: { ...full, memoryEstimateBytes: 1024 } }));
    assert.equal(watch.poll(), true);
    assert.equal(current()?.memoryEstimateBytes, 1024);
    // A half-written file is skipped and read again on the next poll.
    fs.writeFileSync(file, '{"model": {"label": "tin');
    assert.equal(watch.poll(), false);
    assert.equal(current()?.memoryEstimateBytes, 1024);
    fs.writeFileSync(file, JSON.stringify({ model: { label: 'tiny' } }));
    assert.equal(watch.poll(), true);
    assert.deepEqual(current(), { label: 'tiny' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
