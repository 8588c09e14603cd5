import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { selectBackend } from '../../../src/trainer/backend';
import { createPolicy, isCheckpoint, loadPolicy, SeededRng, TransformerPolicy, type Policy, type PolicyConfig, type TrainSequence } from '../../../src/trainer/model';
import { loadCheckpoint, readCheckpoint, writeManifest } from '../../../src/trainer/model/checkpoint';
import { assertFinite } from '../../../src/trainer/model/finite';
import { parameterSpecs } from '../../../src/trainer/model/transformer';
import { UserError } from '../../../src/core/util/userError';

const config: PolicyConfig = { vocabSize: 20, contextLength: 24, layers: 2, heads: 2, width: 16, mlpRatio: 2, seed: 3 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-ckpt-'));

before(async () => {
  await selectBackend('wasm');
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function batchFor(step: number): TrainSequence[] {
  return [0, 1, 2].map((i) => ({ tokens: Array.from({ length: 10 + i * 3 }, (_, j) => (step * 7 + i * 3 + j * 5) % 20), promptLength: 2, weight: i === 1 ? -1 : 1 }));
}

async function trainStep(p: Policy, step: number): Promise<void> {
  const g = await p.computeGradients(batchFor(step));
  await p.applyGradients(g.grads, g.tokenCount, { learningRate: 5e-3, clipNorm: 0.5 });
}

test('train 2 steps, save, load, train 1 step == train 3 steps straight (bit-identical)', async () => {
  const straight = await createPolicy(config);
  for (let s = 0; s < 3; s++) await trainStep(straight, s);

  const first = await createPolicy(config);
  for (let s = 0; s < 2; s++) await trainStep(first, s);
  const rng = SeededRng.fromSeed(5);
  rng.uniform();
  const dir = path.join(tmp, 'resume', '2');
  await first.save(dir, { tokenizer: { kind: 'char' }, rng: rng.state(), step: 2 });
  first.dispose();

  const { policy: resumed, extra } = await loadCheckpoint(dir, (c) => new TransformerPolicy(c));
  assert.deepEqual(resumed.config, config);
  assert.equal(resumed.optimizerStep, 2);
  assert.deepEqual(extra, { tokenizer: { kind: 'char' }, rng: rng.state(), step: 2 });
  assert.equal(SeededRng.fromState(extra!.rng as number[]).uniform(), rng.uniform());
  await trainStep(resumed, 2);
  assert.deepEqual(resumed.getWeights(), straight.getWeights());
  assert.deepEqual(resumed.getOptimizerState(), straight.getOptimizerState());
  resumed.dispose();
  straight.dispose();
});

test('a save that dies half-way leaves the previous checkpoint intact and no temp folder', async () => {
  const p = await createPolicy(config);
  const dir = path.join(tmp, 'crash', 'latest');
  await p.save(dir, { step: 1 });
  const weightsBefore = fs.readFileSync(path.join(dir, 'weights.bin'));
  await trainStep(p, 0);
  // A BigInt cannot be serialised: JSON.stringify throws inside the build, after weights.bin was written.
  await assert.rejects(p.save(dir, { step: 2, bad: BigInt(1) }), /saving checkpoint .* failed \(the previous checkpoint, if any, is untouched\)/);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'weights.bin')), weightsBefore);
  assert.deepEqual(readCheckpoint(dir).extra, { step: 1 });
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['latest']);
  const reloaded = await loadPolicy(dir);
  assert.equal(reloaded.optimizerStep, 0);
  reloaded.dispose();
  p.dispose();
});

test('damaged checkpoints are refused with the file and field named', async () => {
  const p = await createPolicy(config);
  const dir = path.join(tmp, 'damaged');
  await p.save(dir);
  p.dispose();
  assert.ok(isCheckpoint(dir));
  assert.equal(isCheckpoint(`${dir}.tmp-1-abc`), false);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'policy.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ ...meta, config: { ...meta.config, heads: 'two' } }));
  await assert.rejects(loadPolicy(dir), /policy\.json: field 'config\.heads'/);
  fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(meta, null, 2) + '\n');
  fs.truncateSync(path.join(dir, 'weights.bin'), 100);
  await assert.rejects(loadPolicy(dir), /weights\.bin: 100 bytes, expected \d+/);
  await assert.rejects(loadPolicy(path.join(tmp, 'nothing-here')), /policy\.json: not found/);
});

/** Overwrites one float32 of a checkpoint file in place (same size). */
function poke(file: string, index: number, value: number): void {
  const buf = fs.readFileSync(file);
  buf.writeFloatLE(value, index * 4);
  fs.writeFileSync(file, buf);
}

async function freshCheckpoint(name: string, train = true): Promise<string> {
  const p = await createPolicy(config);
  if (train) await trainStep(p, 0);
  const dir = path.join(tmp, name);
  await p.save(dir, { step: 1 });
  p.dispose();
  return dir;
}

test('every file is in manifest.json with its size and sha256; a flipped byte is refused naming the file', async () => {
  const dir = await freshCheckpoint('manifest');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.files).sort(), ['extra.json', 'optimizer.bin', 'policy.json', 'weights.bin']);
  const weights = fs.readFileSync(path.join(dir, 'weights.bin'));
  assert.equal(manifest.files['weights.bin'].bytes, weights.length);
  // Independent of our code: node's own sha256 of the bytes on disk.
  const crypto = await import('node:crypto');
  assert.equal(manifest.files['weights.bin'].sha256, crypto.createHash('sha256').update(weights).digest('hex'));
  poke(path.join(dir, 'weights.bin'), 7, 0.125);
  await assert.rejects(loadPolicy(dir), (e: Error) => e instanceof UserError && /weights\.bin: sha256 differs from manifest\.json/.test(e.message));
  fs.rmSync(path.join(dir, 'manifest.json'));
  await assert.rejects(loadPolicy(dir), /manifest\.json: not found/);
});

test('NaN, infinite or 1e30 weights and NaN Adam moments are refused at load, naming file, variable and index', async () => {
  const cases: [string, string, number, number, RegExp][] = [
    ['nan-weight', 'weights.bin', 3, NaN, /weights\.bin: field 'wte': weights: NaN at index 3/],
    ['inf-weight', 'weights.bin', 0, Infinity, /weights\.bin: field 'wte': weights: Infinity at index 0/],
    ['huge-weight', 'weights.bin', 20 * 16 + 5, 1e30, /weights\.bin: field 'wpe': weights: 1\.0000000150474662e\+30 \(magnitude above 1000000\) at index 5/],
    ['nan-moment', 'optimizer.bin', 1, NaN, /optimizer\.bin: field 'wte': Adam first moment: NaN at index 1/],
  ];
  for (const [name, file, index, value, message] of cases) {
    const dir = await freshCheckpoint(name);
    poke(path.join(dir, file), index, value);
    writeManifest(dir); // damage that happened before the manifest was written: the value check must still catch it
    await assert.rejects(loadPolicy(dir), (e: Error) => e instanceof UserError && message.test(e.message), name);
  }
  // The second moments follow the first ones in optimizer.bin.
  const dir = await freshCheckpoint('nan-second-moment');
  const total = fs.statSync(path.join(dir, 'weights.bin')).size / 4;
  poke(path.join(dir, 'optimizer.bin'), total + 2, NaN);
  writeManifest(dir);
  await assert.rejects(loadPolicy(dir), /optimizer\.bin: field 'wte': Adam second moment: NaN at index 2/);
});

test('a policy with NaN weights is refused at save and the previous checkpoint stays', async () => {
  const p = await createPolicy(config);
  const dir = path.join(tmp, 'save-nan');
  await p.save(dir, { step: 1 });
  const before = fs.readFileSync(path.join(dir, 'weights.bin'));
  const w = p.getWeights();
  w[2][4] = NaN;
  p.setWeights(w);
  await assert.rejects(p.save(dir, { step: 2 }), /refusing to save checkpoint .*: weights: NaN at index 4/);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'weights.bin')), before);
  assert.deepEqual(fs.readdirSync(path.dirname(dir)).filter((d) => d.startsWith('save-nan')), ['save-nan']);
  p.dispose();
});

test('a config edited to width 4096 is refused from policy.json alone, before any model is built', async () => {
  const dir = await freshCheckpoint('wide', false);
  const metaFile = path.join(dir, 'policy.json');
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
  fs.writeFileSync(metaFile, JSON.stringify({ ...meta, config: { ...meta.config, width: 4096 } }));
  let built = 0;
  await assert.rejects(
    loadCheckpoint(dir, (c) => { built++; return new TransformerPolicy(c); }),
    (e: Error) => e instanceof UserError && /policy\.json: field 'config\.width': 4096, but the saved variables have width 16/.test(e.message),
  );
  assert.equal(built, 0, 'no model may be allocated for a checkpoint that does not fit its config');
  // Variables and config edited together no longer match the bytes stored.
  const edited = { ...meta.config, vocabSize: 21 };
  fs.writeFileSync(metaFile, JSON.stringify({ ...meta, config: edited, variables: parameterSpecs(edited).map((v) => ({ name: v.name, shape: v.shape })) }));
  await assert.rejects(loadCheckpoint(dir, (c) => { built++; return new TransformerPolicy(c); }), /weights\.bin: \d+ bytes, expected \d+/);
  assert.equal(built, 0);
});

test('assertFinite: names the array and index, counts the bad values, and passes finite input', () => {
  assert.doesNotThrow(() => assertFinite([new Float32Array([1, -2, 3e5])], 'w'));
  assert.doesNotThrow(() => assertFinite(new Float64Array([0, 1]), 'loss'));
  assert.throws(() => assertFinite([new Float32Array([1]), new Float32Array([0, NaN, NaN])], 'gradient', { names: ['a', 'b'] }), /field 'b': gradient: NaN at index 1 \(2 of 3 values/);
  assert.throws(() => assertFinite([-Infinity], 'loss'), /loss: -Infinity at index 0/);
  assert.throws(() => assertFinite([5], 'w', { maxAbs: 4 }), /5 \(magnitude above 4\)/);
});
