// Fuzz: damaged checkpoints (policy files, trainer state, manifest), labels journals and pass-rate
// files. A damaged input is refused with one line naming the file (and field), never read as if
// intact, never a crash; reading changes nothing on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../../src/core/util/userError';
import { readCheckpoint, saveCheckpoint, writeManifest } from '../../../src/trainer/model/checkpoint';
import { parameterSpecs } from '../../../src/trainer/model/transformer';
import { checkpointDir, latestCheckpoint, writeCheckpoint, type TrainerState } from '../../../src/trainer/rl/checkpoint';
import { clearLabelsCache, compactLabels, excludedIds, loadLabels } from '../../../src/core/labels/store';
import { loadPassRates } from '../../../src/core/curate/passRates';
import { Fuzz, SCALE, SEED, snapshot } from './fuzzKit';

const fz = new Fuzz(SEED + 1);
const note = `(FUZZ_SEED=${SEED})`;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-store-'));
const config = { vocabSize: 11, contextLength: 8, layers: 1, heads: 2, width: 4, mlpRatio: 2, seed: 1 };

function fakePolicy() {
  const specs = parameterSpecs(config);
  const arrays = () => specs.map((s) => Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, () => fz.next() - 0.5));
  return { config, specs, getWeights: arrays, getOptimizerState: () => ({ step: 3, m: arrays(), v: arrays().map((a) => a.map(Math.abs)) }) };
}

function assertRefusal(e: unknown, dir: string): void {
  assert.ok(e instanceof UserError, `${(e as Error)?.stack ?? e} ${note}`);
  assert.ok(e.message.startsWith(dir), `names a file of the checkpoint: ${e.message} ${note}`);
  assert.ok(!e.message.includes("\n"), `one line: ${JSON.stringify(e.message)} ${note}`);
}

test(`fuzz: damaged policy checkpoints are refused naming the file, or read exactly ${note}`, { timeout: 60_000 }, () => {
  const base = tmp();
  const pristine = path.join(base, 'pristine');
  saveCheckpoint(pristine, fakePolicy(), { tokenizer: 'x' });
  const expected = readCheckpoint(pristine);
  let refused = 0;
  for (let round = 0; round < Math.round(300 * SCALE); round++) {
    const dir = path.join(base, `c${round}`);
    fs.cpSync(pristine, dir, { recursive: true });
    const target = path.join(dir, fz.pick(['policy.json', 'weights.bin', 'optimizer.bin', 'extra.json', 'manifest.json']));
    const kind = fz.int(6);
    if (kind === 0) fs.rmSync(target);
    else if (kind === 1) fs.truncateSync(target, fz.int(fs.statSync(target).size + 1));
    else if (kind === 2) fs.appendFileSync(target, fz.bytes(1 + fz.int(8)));
    else if (kind === 3 && target.endsWith('.json') && !target.endsWith('extra.json')) {
      const value = JSON.parse(fs.readFileSync(target, 'utf8'));
      const walk = (o: Record<string, unknown>): void => {
        const key = fz.pick(Object.keys(o));
        if (o[key] && typeof o[key] === 'object' && fz.next() < 0.6) walk(o[key] as Record<string, unknown>);
        else o[key] = fz.value();
      };
      walk(value);
      fs.writeFileSync(target, JSON.stringify(value));
    } else {
      const b = fs.readFileSync(target);
      if (b.length) for (let k = 0; k < 1 + fz.int(4); k++) b[fz.int(b.length)] = fz.int(256);
      fs.writeFileSync(target, b);
    }
    // Half the time the damage predates the manifest (written over it): the value checks must hold alone.
    if (fz.next() < 0.5 && fs.existsSync(path.join(dir, 'manifest.json')) && !target.endsWith('manifest.json')) writeManifest(dir);
    const before = snapshot(dir);
    try {
      const got = readCheckpoint(dir);
      // Accepted: then it is exactly what was saved, or finite values the manifest vouches for.
      for (const arrays of [got.weights, got.optimizer.m, got.optimizer.v]) for (const a of arrays) for (const x of a) assert.ok(Number.isFinite(x), note);
      if (!fs.existsSync(path.join(dir, 'manifest.json'))) assert.fail(`read without a manifest ${note}`);
      assert.equal(got.weights.length, expected.weights.length, note);
    } catch (e) {
      assertRefusal(e, dir);
      refused++;
    }
    assert.deepEqual(snapshot(dir), before, `reading changed nothing ${note}`);
  }
  assert.ok(refused > 0, note);
});

test(`fuzz: damaged trainer state and run files are refused naming file and field, or accepted consistently ${note}`, { timeout: 60_000 }, async () => {
  const base = tmp();
  let refused = 0;
  for (let round = 0; round < Math.round(120 * SCALE); round++) {
    const runDir = path.join(base, `run${round}`);
    const ckpts = path.join(runDir, 'checkpoints');
    fs.mkdirSync(runDir, { recursive: true });
    const metrics = Array.from({ length: 7 }, (_, i) => JSON.stringify({ step: i, data: { x: i } }));
    fs.writeFileSync(path.join(runDir, 'metrics.jsonl'), metrics.join('\n') + '\n');
    fs.writeFileSync(path.join(runDir, 'samples.jsonl'), metrics.join('\n') + '\n');
    const state: TrainerState = {
      version: 1, runId: 'r', seed: 1, step: 6, sftDone: true, evalsDone: ['before-rl'], activePrompts: { s1: ['a', 'b'] }, tallies: { math: { a: { attempts: 2, solved: 1 } } },
      stagesStarted: ['s1'], log: { metricsLines: 7, samplesLines: 7 }, rng: { seed: 1, step: 6 }, elapsedSeconds: 3, time: 't',
    };
    await writeCheckpoint(ckpts, state, async (tmpDir) => fs.writeFileSync(path.join(tmpDir, 'tokenizer.json'), '{"kind":"char","version":1,"atoms":[],"chars":["a"]}'));
    const dir = checkpointDir(ckpts, 6);
    const which = fz.int(4);
    if (which === 0 || which === 1) {
      const file = path.join(dir, 'trainer-state.json');
      const value = JSON.parse(fs.readFileSync(file, 'utf8'));
      const key = fz.pick(Object.keys(value));
      if (value[key] && typeof value[key] === 'object' && fz.next() < 0.5) { const k2 = fz.pick(Object.keys(value[key])); if (k2 !== undefined) value[key][k2] = fz.value(); else value[key] = fz.value(); } else value[key] = fz.value();
      fs.writeFileSync(file, JSON.stringify(value));
      if (which === 1) writeManifest(dir);
    } else if (which === 2) {
      fs.writeFileSync(path.join(runDir, fz.pick(['metrics.jsonl', 'samples.jsonl'])), Buffer.concat(metrics.slice(0, fz.int(7)).map((l) => fz.next() < 0.3 ? fz.mutateLine(l) : Buffer.from(l + '\n'))));
    } else {
      const tok = path.join(dir, 'tokenizer.json');
      fs.writeFileSync(tok, fs.readFileSync(tok).subarray(0, fz.int(30)));
      if (fz.next() < 0.5) writeManifest(dir);
    }
    const before = snapshot(runDir);
    try {
      const r = latestCheckpoint(ckpts)!;
      assert.ok(r.state.log.metricsLines <= 7 && r.state.step <= 6, note);
    } catch (e) {
      assertRefusal(e, runDir);
      refused++;
    }
    assert.deepEqual(snapshot(runDir), before, `reading changed nothing ${note}`);
  }
  assert.ok(refused > 0, note);
});

test(`fuzz: labels journals and pass-rate files of damaged lines read without a crash, every bad line numbered ${note}`, { timeout: 60_000 }, () => {
  const base = tmp();
  for (let round = 0; round < Math.round(40 * SCALE); round++) {
    const file = path.join(base, `labels${round}.jsonl`);
    const parts: Buffer[] = [];
    const n = 30 + fz.int(60);
    for (let i = 0; i < n; i++) {
      const line = JSON.stringify(fz.next() < 0.15 ? { type: 'undo', id: `p${fz.int(12)}`, time: `t${i}` } : { id: `p${fz.int(12)}`, decision: fz.pick(['keep', 'exclude', 'flag']), time: `t${i}` });
      parts.push(fz.next() < 0.3 ? fz.mutateLine(line) : Buffer.from(line), Buffer.from('\n'));
    }
    if (fz.next() < 0.5) parts.pop(); // unterminated last line
    fs.writeFileSync(file, Buffer.concat(parts));
    clearLabelsCache();
    const loaded = loadLabels(file);
    const total = fs.readFileSync(file, 'utf8').split('\n').length;
    for (const t of loaded.tornLines) assert.ok(t.line >= 1 && t.line <= total && t.error && !t.error.includes('\n'), note);
    const excluded = [...excludedIds(file)].sort();
    assert.deepEqual(excluded, [...loaded.latest].filter(([, d]) => d.decision === 'exclude').map(([id]) => id).sort(), note);
    const copy = `${file}.copy`;
    fs.copyFileSync(file, copy);
    compactLabels(copy);
    clearLabelsCache();
    assert.deepEqual([...excludedIds(copy)].sort(), excluded, `compaction keeps the decisions in force ${note}`);

    const rates = path.join(base, `rates${round}.jsonl`);
    fs.writeFileSync(rates, Buffer.concat(Array.from({ length: 30 }, (_, i) => {
      const line = JSON.stringify({ id: `q${i % 9}`, passes: i % 4, k: 4, run: 'r', step: i % 3 });
      return Buffer.concat([fz.next() < 0.3 ? fz.mutateLine(line) : Buffer.from(line), Buffer.from('\n')]);
    })));
    const pr = loadPassRates(rates);
    const rateLines = fs.readFileSync(rates, 'utf8').split('\n');
    for (const b of pr.badLines) {
      assert.ok(b.file === rates && b.line >= 1 && b.line <= rateLines.length, note);
      assert.ok(rateLines[b.line - 1].trim().length > 0, `a bad line is a line with text ${note}`);
    }
    for (const [, info] of pr.rates) assert.ok(info.passRate >= 0 && info.passRate <= 1, `${JSON.stringify(info)} ${note}`);
  }
});
