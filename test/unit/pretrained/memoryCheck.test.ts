// The memory check before a pretrained run: the recipe's shapes, the free-memory override, and the
// refusal (before anything is allocated). The estimate against measured RSS: memoryMeasured.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PROJECTIONS } from '../../../src/core/model/projections';
import { preset } from '../../../src/core/rl/presets';
import { withModelPath, type Recipe } from '../../../src/core/rl/recipe';
import { isUserError } from '../../../src/core/util/userError';
import { readDecoderConfig } from '../../../src/trainer/hf/modelFolder';
import { checkRunMemory, FREE_MEMORY_ENV, freeMemoryBytes, parseBytes, runShapeOf } from '../../../src/trainer/memoryCheck';

let work: string;

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'memory-check-'));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

// Qwen2.5-0.5B's config.json (no weights: the check reads only this).
const QWEN05_CONFIG = {
  architectures: ['Qwen2ForCausalLM'], vocab_size: 151936, hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24,
  num_attention_heads: 14, num_key_value_heads: 2, max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000,
  tie_word_embeddings: true, bos_token_id: 151643, eos_token_id: 151645,
};

function pretrainedRecipe(over: (r: Recipe) => Recipe = (r) => r): Recipe {
  const base = withModelPath(preset('demo'), path.join(work, 'qwen'));
  return over({ ...base, model: { ...base.model, contextLength: 1024 } as Recipe['model'] });
}

test('free memory: ACEREASON_FREE_MEMORY with units, else MemAvailable', () => {
  assert.equal(parseBytes('6G'), 6 * 1024 ** 3);
  assert.equal(parseBytes('512MiB'), 512 * 1024 ** 2);
  assert.equal(parseBytes('1000'), 1000);
  assert.throws(() => parseBytes('lots'), /ACEREASON_FREE_MEMORY="lots": expected bytes, or a number with K, M, G or T/);
  assert.equal(freeMemoryBytes({ [FREE_MEMORY_ENV]: '2.5G' }), 2.5 * 1024 ** 3);
  const real = freeMemoryBytes({});
  const meminfo = /^MemAvailable:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
  // MemAvailable moves as other processes allocate: same order of magnitude, not the same number.
  assert.ok(meminfo && Math.abs(real - Number(meminfo[1]) * 1024) < 512 * 1024 ** 2, `${real} vs /proc/meminfo ${meminfo?.[1]} kB`);
});

test("the run's shapes come from the recipe: context, largest step batch, token budget, logit chunk", () => {
  const recipe = pretrainedRecipe((r) => ({ ...r, stages: r.stages.map((s, i) => ({ ...s, promptsPerStep: 4 + i, rolloutsPerPrompt: 8, maxResponseLength: 256 })) }));
  const shape = runShapeOf(recipe, { ...readQwenShape(), maxPositions: 32768 }, { gradientTokenBudget: 4096, sampleBatchSize: 16 });
  const largest = (4 + recipe.stages.length - 1) * 8;
  assert.deepEqual(shape, {
    microBatchTokens: 4096, sequenceLength: 1024, logprobChunkTokens: Math.floor(4 * 1024 * 1024 / 151936),
    rolloutBatch: Math.min(16, largest), rolloutSequenceLength: 1024,
  });
  // One sequence longer than the budget is still one micro-batch row.
  assert.equal(runShapeOf(recipe, readQwenShape(), { gradientTokenBudget: 256 }).microBatchTokens, 1024);
});

function readQwenShape() {
  const dir = path.join(work, 'qwen');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(QWEN05_CONFIG));
  return readDecoderConfig(path.join(dir, 'config.json'));
}

test('an over-budget run is refused from config.json alone (no weights exist to allocate), saying what to change', () => {
  const config = readQwenShape();
  assert.ok(!fs.existsSync(path.join(work, 'qwen', 'model.safetensors')));
  const full = pretrainedRecipe();
  let error: unknown;
  try {
    checkRunMemory(full, config, { freeBytes: 6 * 1024 ** 3, gradientTokenBudget: 1024 });
  } catch (e) {
    error = e;
  }
  assert.ok(isUserError(error), `refused with a UserError, got ${error}`);
  const message = (error as Error).message;
  assert.match(message, /^field 'model': this run needs about \d+\.\d GiB but 6\.0 GiB is free \(estimated peak .* of 6\.0 GiB free \(weights 1\.8 GiB, gradients 1\.8 GiB, Adam 3\.7 GiB/);
  assert.match(message, /To fit: use "lora" \(model\.lora, e\.g\. \{"rank": 16, "alpha": 32, "targets": all 7 projections\}\)/);
  assert.ok(!message.includes('\n'), 'one line');
  // The environment override is what a run without an explicit figure sees.
  process.env[FREE_MEMORY_ENV] = '6G';
  try {
    assert.throws(() => checkRunMemory(full, config, { gradientTokenBudget: 1024 }), /but 6\.0 GiB is free/);
  } finally {
    delete process.env[FREE_MEMORY_ENV];
  }
  // LoRA on a 40 GiB machine fits (the tape of a 1024-token micro-batch is most of it), and the check returns the estimate it used.
  const lora = pretrainedRecipe((r) => ({ ...r, model: { ...(r.model as Extract<Recipe['model'], { source: 'pretrained' }>), lora: { rank: 16, alpha: 32, dropout: 0, targets: [...PROJECTIONS] } } }));
  const ok = checkRunMemory(lora, config, { freeBytes: 40 * 1024 ** 3, gradientTokenBudget: 1024 });
  assert.equal(ok.freeBytes, 40 * 1024 ** 3);
  assert.equal(ok.estimate.trainableParameters, 8_798_208);
  assert.ok(ok.estimate.fits);
});
