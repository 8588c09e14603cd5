// Pretrained-model throughput at Qwen2.5-0.5B's shapes (hidden 896, 24 layers, 14 heads / 2 KV heads,
// vocab 151,936, tied, q/k/v biases; 494M parameters), random weights written as BF16:
//   - training: full fine-tuning steps (forward, backward, Adam) on batch 4 × 256, on the backend auto
//     selection picks for that work's memory estimate (cpu + native BLAS here: wasm's heap is 4 GB);
//   - sampling: batch 8, 64-token prompts, 32 new tokens, temperature 0.7, top-p 0.95, KV cache;
//   - peak RSS of each (fresh processes);
// next to PyTorch (fp32, the better of 1 and 2 threads, AdamW, test/reference/bench_torch.py) on the same folders in the
// same run when a python3 with torch is present (LoRA rank 16 on all seven projections: ours only), with ratios and each figure as a fraction of the
// machine's bound from issue #13 (sampling ~80 tokens/s: 2 GB of weights read per step at ~20 GB/s,
// batch 8; training ~125 tokens/s: ~3 GFLOP a token on two cores at ~200 GFLOP/s).
//
// Training cost grows linearly with depth, so unless BENCH_TRAIN_LAYERS=full it is measured at 1 and
// 2 layers (full vocabulary, embedding and head) and extrapolated to the full depth — printed as such
// ("train_extrapolated_from_layers"). `--quick` (or BENCH_QUICK=1) uses a small shape; `--json` prints
// one line; BENCH_SAMPLE_ONLY=1 measures sampling alone (ours and PyTorch's). The machine may be shared: the load average is printed with the figures.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { estimateRunMemory, PROJECTIONS } from '../src/core/model/memoryEstimate';
import { writeSafetensors } from '../src/core/model/safetensorsWriter';
import { selectBackend } from '../src/trainer/backend';
import type { DecoderConfig } from '../src/trainer/hf/decoderConfig';
import { decoderParams } from '../src/trainer/hf/decoderParams';
import { readDecoderConfig } from '../src/trainer/hf/modelFolder';
import { loadPretrainedPolicy } from '../src/trainer/hf/pretrainedPolicy';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const SHAPE = QUICK
  ? { hidden_size: 128, intermediate_size: 512, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 32000 }
  : { hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2, vocab_size: 151936 };
const SAMPLE = { batch: 8, promptLength: 64, newTokens: 32, temperature: 0.7, topP: 0.95 };
const TRAIN = { rows: 4, length: 256, steps: Number(process.env.BENCH_TRAIN_STEPS ?? 2) };
const SAMPLE_ONLY = process.env.BENCH_SAMPLE_ONLY === '1';
/** Issue #13's bounds on this machine (tokens/s). */
const BOUND = { sample: 80, train: 125 };

function writeFolder(dir: string, layers: number): number {
  fs.mkdirSync(dir, { recursive: true });
  const config = {
    architectures: ['Qwen2ForCausalLM'], ...SHAPE, num_hidden_layers: layers, max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000,
    tie_word_embeddings: true, bos_token_id: 151643, eos_token_id: 151645, torch_dtype: 'bfloat16', hidden_act: 'silu',
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  const params = decoderParams(readDecoderConfig(path.join(dir, 'config.json')));
  let state = 12345;
  // Tensors are made one at a time as the writer asks for them, in file order (no second copy of the model).
  const tensor = (name: string): Float32Array => {
    const p = params.find((q) => q.name === name)!;
    const n = p.fileShape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (p.init === 'ones') data.fill(1);
    else for (let i = 0; i < n; i++) data[i] = ((state = (state * 1664525 + 1013904223) >>> 0) / 4294967296 - 0.5) * 0.06;
    return data;
  };
  writeSafetensors(path.join(dir, 'model.safetensors'), params.map((p) => ({ name: p.name, shape: p.fileShape })), tensor, 'BF16');
  return params.reduce((a, p) => a + p.fileShape.reduce((x, y) => x * y, 1), 0);
}

/** The full-depth model's full fine-tuning estimate: what auto selection sizes the backend by. */
function fullTuningBytes(config: DecoderConfig): number {
  const full = { ...config, layers: SHAPE.num_hidden_layers };
  return estimateRunMemory(full, { kind: 'full' }, {
    microBatchTokens: TRAIN.rows * TRAIN.length, sequenceLength: TRAIN.length, logprobChunkTokens: 27,
    rolloutBatch: SAMPLE.batch, rolloutSequenceLength: SAMPLE.promptLength + SAMPLE.newTokens,
  }).peakBytes;
}

function randomIds(n: number, V: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) % 2147483648) % V);
}

/** Child: sampling on the full-depth folder; prints one JSON line. */
async function sampleChild(dir: string): Promise<void> {
  const config = readDecoderConfig(path.join(dir, 'config.json'));
  const choice = await selectBackend('auto', {}, { memoryBytes: fullTuningBytes(config) });
  const t0 = performance.now();
  const { policy } = await loadPretrainedPolicy(dir);
  const loadSeconds = (performance.now() - t0) / 1000;
  const V = config.vocabSize;
  const prompts = Array.from({ length: SAMPLE.batch }, (_, i) => randomIds(SAMPLE.promptLength, V, 7 + i));
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const out = await policy.sample(prompts, { maxNewTokens: SAMPLE.newTokens, temperature: SAMPLE.temperature, topP: SAMPLE.topP, stopTokens: [], seed: 0 });
  const seconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const generated = out.responses.reduce((a, r) => a + r.length, 0);
  // CPU seconds next to wall seconds: on a shared machine the wall figure also measures the other tenants.
  console.log(JSON.stringify({ backend: choice.name, note: choice.note, loadSeconds, samplePerSecond: generated / seconds, sampleCpuSeconds: (cpu.user + cpu.system) / 1e6, generated, peakMb: process.resourceUsage().maxRSS / 1024 }));
  policy.dispose();
}

/**
 * Child: training steps exactly as a run takes them: the policy loaded from `dir`
 * (hf/pretrainedPolicy.ts), Policy.computeGradients (decoder forward with per-layer recomputation,
 * chunked log-probs, gradients handed over as arrays) and Policy.applyGradients (clipping, Adam; fused
 * and in place on the cpu backend). Full fine-tuning, or LoRA rank 16 on all seven projections.
 */
async function trainChild(dir: string, lora: boolean): Promise<void> {
  const config = readDecoderConfig(path.join(dir, 'config.json'));
  const choice = await selectBackend('auto', {}, { memoryBytes: fullTuningBytes(config) });
  const { policy } = await loadPretrainedPolicy(dir, {
    contextLength: TRAIN.length + 1, gradientTokenBudget: TRAIN.rows * TRAIN.length,
    ...(lora ? { lora: { rank: 16, alpha: 32, dropout: 0, targets: [...PROJECTIONS] } } : {}),
  });
  const V = config.vocabSize;
  const stepSeconds: number[] = [];
  const gradientSeconds: number[] = [];
  for (let step = 1; step <= TRAIN.steps; step++) {
    const batch = Array.from({ length: TRAIN.rows }, (_, r) => ({ tokens: randomIds(TRAIN.length + 1, V, 100 * step + r), promptLength: 1, weight: 1 }));
    const t0 = performance.now();
    const g = await policy.computeGradients(batch);
    gradientSeconds.push((performance.now() - t0) / 1000);
    await policy.applyGradients(g.grads, g.tokenCount, { learningRate: 1e-5, clipNorm: 1 });
    stepSeconds.push((performance.now() - t0) / 1000);
  }
  console.log(JSON.stringify({ backend: choice.name, note: choice.note, stepSeconds, gradientSeconds, peakMb: process.resourceUsage().maxRSS / 1024 }));
  policy.dispose();
}

function torchPython(): string | undefined {
  for (const c of [process.env.ACEREASON_TORCH_PYTHON, '/usr/bin/python3', 'python3'].filter((x): x is string => !!x)) {
    if (spawnSync(c, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) return c;
  }
  return undefined;
}

const lastJson = (out: string) => JSON.parse(out.trim().split('\n').pop()!);
const child = (mode: string, dir: string) =>
  lastJson(execFileSync(process.execPath, ['--import', 'tsx', __filename, mode, dir, ...(QUICK ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'pipe'] }));

/**
 * Per-step seconds (or MB) at the full depth from values at depths d1 < d2 (linear in depth); NaN when
 * the deeper model measured no more than the shallower one (noise from other work on the machine).
 */
function extrapolate(d1: number, s1: number, d2: number, s2: number, full: number): number {
  return s2 > s1 ? s1 + ((s2 - s1) / (d2 - d1)) * (full - d1) : Number.NaN;
}

export async function run(flags: string[] = process.argv.slice(2)): Promise<void> {
  const json = flags.includes('--json');
  const say = (line: string) => { if (!json) console.log(line); };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pretrained-'));
  const depth = SHAPE.num_hidden_layers;
  const full = process.env.BENCH_TRAIN_LAYERS === 'full';
  const depths = full ? [depth] : [1, 2];
  try {
    const t0 = performance.now();
    const params = writeFolder(path.join(root, 'full'), depth);
    if (!SAMPLE_ONLY) for (const d of depths) if (d !== depth) writeFolder(path.join(root, `l${d}`), d);
    const folder = (d: number) => path.join(root, d === depth ? 'full' : `l${d}`);
    say(`shape ${QUICK ? '(quick)' : "Qwen2.5-0.5B's"}: ${JSON.stringify(SHAPE)}, ${(params / 1e6).toFixed(1)}M parameters; BF16 folders written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const loadBefore = os.loadavg()[0];
    say(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);

    const sample = child('--sample-child', folder(depth));
    say(`ours: ${sample.note}`);
    say(`ours: sampling ${sample.samplePerSecond.toFixed(2)} tokens/s (batch ${SAMPLE.batch}, ${SAMPLE.promptLength}-token prompts incl. prefill, ${SAMPLE.newTokens} new, T ${SAMPLE.temperature}, top-p ${SAMPLE.topP}; ${sample.sampleCpuSeconds.toFixed(1)} CPU s); load ${sample.loadSeconds.toFixed(1)} s; peak RSS ${sample.peakMb.toFixed(0)} MB`);
    if (SAMPLE_ONLY) return sampleOnly(sample, json, say, folder(depth));
    const trains = depths.map((d) => ({ d, r: child('--train-child', folder(d)) }));
    const stepAt = (r: { stepSeconds: number[] }) => r.stepSeconds[r.stepSeconds.length - 1];
    const ourStep = full ? stepAt(trains[0].r) : extrapolate(1, stepAt(trains[0].r), 2, stepAt(trains[1].r), depth);
    const ourPeak = full ? trains[0].r.peakMb : extrapolate(1, trains[0].r.peakMb, 2, trains[1].r.peakMb, depth);
    for (const { d, r } of trains) say(`ours: full fine-tuning at ${d} layer(s): steps ${r.stepSeconds.map((s: number) => s.toFixed(1)).join(', ')} s; peak RSS ${r.peakMb.toFixed(0)} MB (${r.backend})`);
    const trainTokS = (TRAIN.rows * TRAIN.length) / ourStep;
    const loras = process.env.BENCH_LORA === '0' ? [] : depths.map((d) => ({ d, r: child('--lora-child', folder(d)) }));
    for (const { d, r } of loras) say(`ours: LoRA rank 16 (all projections) at ${d} layer(s): steps ${r.stepSeconds.map((s: number) => s.toFixed(1)).join(', ')} s; peak RSS ${r.peakMb.toFixed(0)} MB`);
    const loraStep = loras.length === 0 ? undefined : full ? stepAt(loras[0].r) : extrapolate(1, stepAt(loras[0].r), 2, stepAt(loras[1].r), depth);
    const loraTokS = loraStep === undefined ? null : (TRAIN.rows * TRAIN.length) / loraStep;
    if (loraTokS !== null) say(`ours: LoRA rank 16 training ${loraTokS.toFixed(2)} tokens/s${full ? '' : ' (extrapolated)'}`);
    say(`ours: full fine-tuning ${trainTokS.toFixed(2)} tokens/s${full ? '' : ` (extrapolated to ${depth} layers from 1 and 2)`}, peak RSS ${ourPeak.toFixed(0)} MB${full ? '' : ' (extrapolated)'}`);

    const result: Record<string, unknown> = {
      backend: trains[0].r.backend, sample_backend: sample.backend,
      train_tok_s: round(trainTokS), sample_tok_s: round(sample.samplePerSecond), peak_rss_mb: Number.isFinite(ourPeak) ? Math.round(Math.max(ourPeak, sample.peakMb)) : null,
      ...(full ? {} : { train_extrapolated_from_layers: [1, 2] }),
      train_step_s_by_layers: Object.fromEntries(trains.map(({ d, r }) => [d, round(stepAt(r))])),
      lora_step_s_by_layers: Object.fromEntries(loras.map(({ d, r }) => [d, round(stepAt(r))])),
      train_fraction_of_bound: round(trainTokS / BOUND.train), sample_fraction_of_bound: round(sample.samplePerSecond / BOUND.sample),
      lora_train_tok_s: loraTokS === null ? null : round(loraTokS),
      train_peak_rss_mb: Number.isFinite(ourPeak) ? Math.round(ourPeak) : null,
    };
    const py = QUICK && process.env.BENCH_TORCH !== '1' ? undefined : torchPython();
    if (!py) {
      say('PyTorch baseline skipped: no python3 with torch (Debian: apt-get install python3-torch)');
    } else {
      const script = path.join(__dirname, '..', 'test', 'reference', 'bench_torch.py');
      const ts = torchSampleBest(py, script, folder(depth), say);
      const tt = depths.map((d) => torchTrainBest(py, script, folder(d), say));
      const torchStep = full ? stepAt({ stepSeconds: tt[0].step_s }) : extrapolate(1, stepAt({ stepSeconds: tt[0].step_s }), 2, stepAt({ stepSeconds: tt[1].step_s }), depth);
      const torchPeak = full ? tt[0].peak_rss_mb : extrapolate(1, tt[0].peak_rss_mb, 2, tt[1].peak_rss_mb, depth);
      const torchTrain = (TRAIN.rows * TRAIN.length) / torchStep;
      tt.forEach((r, i) => say(`PyTorch: full fine-tuning (AdamW) at ${depths[i]} layer(s): steps ${r.step_s.map((s: number) => s.toFixed(1)).join(', ')} s; peak RSS ${r.peak_rss_mb.toFixed(0)} MB`));
      say(`PyTorch (fp32, best of 1 and 2 threads): sampling ${ts.sample_tokens_per_s.toFixed(2)} tokens/s (${ts.threads}), peak RSS ${ts.peak_rss_mb.toFixed(0)} MB; full fine-tuning ${torchTrain.toFixed(2)} tokens/s${full ? '' : ' (extrapolated)'}, peak RSS ${torchPeak.toFixed(0)} MB`);
      Object.assign(result, {
        torch_train_step_s_by_layers: Object.fromEntries(tt.map((r, i) => [depths[i], round(stepAt({ stepSeconds: r.step_s }))])),
        torch_train_tok_s: round(torchTrain), torch_sample_tok_s: round(ts.sample_tokens_per_s), torch_peak_rss_mb: Number.isFinite(torchPeak) ? Math.round(Math.max(torchPeak, ts.peak_rss_mb)) : null,
        train_ratio: round(trainTokS / torchTrain), sample_ratio: round(sample.samplePerSecond / ts.sample_tokens_per_s),
        torch_train_peak_rss_mb: Number.isFinite(torchPeak) ? Math.round(torchPeak) : null, train_peak_rss_ratio: round(ourPeak / torchPeak),
        torch_train_fraction_of_bound: round(torchTrain / BOUND.train), torch_sample_fraction_of_bound: round(ts.sample_tokens_per_s / BOUND.sample),
      });
      say(`full fine-tuning peak RSS: ours ${Math.round(ourPeak)} MB, PyTorch ${Math.round(torchPeak)} MB${full ? '' : ' (both extrapolated)'}`);
      say(`ratio ours/PyTorch: training ${result.train_ratio}, sampling ${result.sample_ratio}; fractions of the bounds (train ${BOUND.train}, sample ${BOUND.sample} tokens/s): ours ${result.train_fraction_of_bound} / ${result.sample_fraction_of_bound}, PyTorch ${result.torch_train_fraction_of_bound} / ${result.torch_sample_fraction_of_bound}`);
    }
    result.load_average = [round(loadBefore), round(os.loadavg()[0])];
    if (json) console.log(JSON.stringify(result));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * BENCH_SAMPLE_ONLY=1: the sampling figures alone (ours, and PyTorch's on the same folder when
 * present), a few minutes instead of the training children's half hour.
 */
function sampleOnly(sample: { backend: string; samplePerSecond: number; sampleCpuSeconds: number; generated: number; peakMb: number }, json: boolean, say: (line: string) => void, dir: string): void {
  const result: Record<string, unknown> = {
    sample_backend: sample.backend, sample_tok_s: round(sample.samplePerSecond), sample_cpu_tok_s: round(sample.generated / sample.sampleCpuSeconds),
    sample_peak_rss_mb: Math.round(sample.peakMb), sample_fraction_of_bound: round(sample.samplePerSecond / BOUND.sample),
  };
  const py = torchPython();
  if (!py) say('PyTorch baseline skipped: no python3 with torch (Debian: apt-get install python3-torch)');
  else {
    const script = path.join(__dirname, '..', 'test', 'reference', 'bench_torch.py');
    const ts = torchSampleBest(py, script, dir, say);
    say(`PyTorch (fp32, best of 1 and 2 threads): sampling ${ts.sample_tokens_per_s.toFixed(2)} tokens/s (${ts.threads}), peak RSS ${ts.peak_rss_mb.toFixed(0)} MB`);
    Object.assign(result, { torch_sample_tok_s: round(ts.sample_tokens_per_s), torch_sample_threads: ts.threads, torch_peak_rss_mb: Math.round(ts.peak_rss_mb), sample_ratio: round(sample.samplePerSecond / ts.sample_tokens_per_s) });
    say(`ratio ours/PyTorch: sampling ${result.sample_ratio}`);
  }
  result.load_average = os.loadavg().map(round);
  if (json) console.log(JSON.stringify(result));
}

/** PyTorch on one and on two threads (issue #13 compares with its best): the faster run's figures. */
function torchRuns<T>(py: string, args: string[], say: (line: string) => void, score: (r: T) => number, what: string): T & { threads: number } {
  const runs = [1, 2].map((threads) => ({ threads, ...(JSON.parse(execFileSync(py, args, { encoding: 'utf8', env: { ...process.env, BENCH_TORCH_THREADS: String(threads) } })) as T) }));
  say(`PyTorch ${what}: ${runs.map((r) => `${r.threads} thread(s) ${score(r).toFixed(2)}`).join(', ')}`);
  return runs.reduce((a, b) => (score(b) > score(a) ? b : a));
}

function torchSampleBest(py: string, script: string, dir: string, say: (line: string) => void): { sample_tokens_per_s: number; peak_rss_mb: number; threads: number } {
  const args = [script, dir, String(SAMPLE.batch), String(SAMPLE.promptLength), String(SAMPLE.newTokens), '1', '8', String(SAMPLE.temperature), String(SAMPLE.topP)];
  return torchRuns<{ sample_tokens_per_s: number; peak_rss_mb: number }>(py, args, say, (r) => r.sample_tokens_per_s, 'sampling tokens/s');
}

function torchTrainBest(py: string, script: string, dir: string, say: (line: string) => void): { step_s: number[]; peak_rss_mb: number; threads: number } {
  const args = [script, 'train', dir, String(TRAIN.rows), String(TRAIN.length), String(TRAIN.steps)];
  return torchRuns<{ step_s: number[]; peak_rss_mb: number }>(py, args, say, (r) => 1 / r.step_s[r.step_s.length - 1], 'training steps/s (last step)');
}

/** Three decimals; null for NaN (an extrapolation the noise made meaningless). */
function round(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null;
}

if (require.main === module) {
  const mode = ['--sample-child', '--train-child', '--lora-child'].find((m) => process.argv.includes(m));
  const dir = mode ? process.argv[process.argv.indexOf(mode) + 1] : '';
  (mode === '--sample-child' ? sampleChild(dir) : mode ? trainChild(dir, mode === '--lora-child') : run()).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
