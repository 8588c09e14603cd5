// The model choice of Start Math/Code RL as it travels to the trainer: StartRunRequest.model is
// checked field by field, and every error names the field (as the host shows it and the trainer logs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_EDITOR_LORA, parseHostMessage, parseStartRunRequest } from '../../../src/core/protocol/trainer';

const base = { runId: 'r-math-1', runsDir: '/ws/.acereason/runs', recipe: 'demo', phase: 'math' as const };
const allProjections = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

function errorOf(raw: unknown): string {
  const r = parseStartRunRequest(raw);
  assert.equal(r.ok, false, `expected ${JSON.stringify(raw)} to be refused`);
  return (r as { error: string }).error;
}

test('a request without a model is the recipe\'s own model (as before)', () => {
  const r = parseStartRunRequest(base);
  assert.ok(r.ok);
  assert.equal(r.value.model, undefined);
});

test('a model folder with LoRA and one with full fine-tuning (no lora) pass unchanged', () => {
  const lora = parseStartRunRequest({ ...base, model: { path: '/models/qwen', lora: { rank: 16, alpha: 32, targets: ['q_proj', 'v_proj'] } } });
  assert.ok(lora.ok);
  assert.deepEqual(lora.value.model, { path: '/models/qwen', lora: { rank: 16, alpha: 32, targets: ['q_proj', 'v_proj'] } });
  const full = parseStartRunRequest({ ...base, model: { path: '/models/qwen' } });
  assert.ok(full.ok);
  assert.deepEqual(full.value.model, { path: '/models/qwen' });
});

test('the editor\'s default LoRA is rank 16, alpha 32 on all seven projections, and is a valid request', () => {
  assert.deepEqual(DEFAULT_EDITOR_LORA, { rank: 16, alpha: 32, targets: allProjections });
  assert.ok(parseStartRunRequest({ ...base, model: { path: '/m', lora: DEFAULT_EDITOR_LORA } }).ok);
});

test('each bad field is named by its path', () => {
  assert.match(errorOf({ ...base, model: { path: '' } }), /^model\.path: the model folder path is empty/);
  assert.match(errorOf({ ...base, model: {} }), /^model\.path: /);
  assert.match(errorOf({ ...base, model: { path: '/m', lora: { rank: 0, alpha: 32, targets: ['q_proj'] } } }), /^model\.lora\.rank: /);
  assert.match(errorOf({ ...base, model: { path: '/m', lora: { rank: 2.5, alpha: 32, targets: ['q_proj'] } } }), /^model\.lora\.rank: /);
  assert.match(errorOf({ ...base, model: { path: '/m', lora: { rank: 16, alpha: -1, targets: ['q_proj'] } } }), /^model\.lora\.alpha: /);
  assert.match(errorOf({ ...base, model: { path: '/m', lora: { rank: 16, alpha: 32, dropout: 1, targets: ['q_proj'] } } }), /^model\.lora\.dropout: /);
  assert.match(errorOf({ ...base, model: { path: '/m', lora: { rank: 16, alpha: 32, targets: [] } } }), /^model\.lora\.targets: name at least one of q_proj, k_proj/);
  assert.match(errorOf({ ...base, model: { path: '/m', lora: { rank: 16, alpha: 32, targets: ['qkv_proj'] } } }), /^model\.lora\.targets\.0: /);
  assert.match(errorOf({ ...base, model: { path: '/m', lora: { rank: 16, alpha: 32, targets: ['q_proj', 'q_proj'] } } }), /^model\.lora\.targets: a target is listed twice/);
  assert.match(errorOf({ ...base, model: { path: '/m', lora: { rank: 16, alpha: 32 } } }), /^model\.lora\.targets: /);
});

test('unknown keys are refused, not silently dropped (a misspelt "lora" would otherwise mean full fine-tuning)', () => {
  assert.match(errorOf({ ...base, model: { path: '/m', LoRA: { rank: 16 } } }), /^model: .*LoRA/);
  assert.match(errorOf({ ...base, model: { path: '/m', lora: { rank: 16, alpha: 32, targets: ['q_proj'], scale: 2 } } }), /^model\.lora: .*scale/);
});

test('inside the host → trainer start message the path starts at the request', () => {
  const r = parseHostMessage({ type: 'start', request: { ...base, model: { path: '/m', lora: { rank: 16, alpha: 'big', targets: ['q_proj'] } } } });
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /^request\.model\.lora\.alpha: /);
});
