// Pretrained-model throughput at Qwen2.5-0.5B's shapes (hidden 896, 24 layers, 14 heads / 2 KV heads,
// vocab 151,936, tied, q/k/v biases; 494M parameters), random weights written as BF16: load time and
// peak RSS (in a fresh process), KV-cache sampling tokens/s at batch 8, log-prob scoring tokens/s —
// next to PyTorch (fp32, one thread, test/reference/bench_torch.py) on the same folder in the same
// run when a python3 with torch is present. `--quick` (or BENCH_QUICK=1) uses a small shape.
// The machine may be shared: the load average is printed with the figures.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectBackend } from '../src/trainer/backend';
import { decoderParams } from '../src/trainer/hf/decoderParams';
import { loadPretrainedPolicy } from '../src/trainer/hf/pretrainedPolicy';
import { readDecoderConfig } from '../src/trainer/hf/modelFolder';
import { writeSafetensors } from '../src/core/model/safetensorsWriter';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const SHAPE = QUICK
  ? { hidden_size: 128, intermediate_size: 512, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 32000 }
  : { hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2, vocab_size: 151936 };
const WORK = { batch: 8, promptLength: 16, newTokens: QUICK ? 32 : 12, scoreRows: QUICK ? 4 : 2, scoreLength: QUICK ? 256 : 128 };

function writeFolder(dir: string): number {
  const config = {
    architectures: ['Qwen2ForCausalLM'], ...SHAPE, max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000,
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

/** In a fresh process: load, then sample and score; prints one JSON line. */
async function child(dir: string): Promise<void> {
  await selectBackend('wasm');
  const t0 = performance.now();
  const { policy } = await loadPretrainedPolicy(dir);
  const loadSeconds = (performance.now() - t0) / 1000;
  const loadPeakMb = process.resourceUsage().maxRSS / 1024;
  const V = policy.config.vocabSize;
  let s = 7;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) % V;
  const prompts = Array.from({ length: WORK.batch }, () => Array.from({ length: WORK.promptLength }, rand));
  const t1 = performance.now();
  const out = await policy.sample(prompts, { maxNewTokens: WORK.newTokens, temperature: 0, topP: 1, stopTokens: [], seed: 0 });
  const sampleSeconds = (performance.now() - t1) / 1000;
  const afterSampleMb = process.resourceUsage().maxRSS / 1024;
  const generated = out.responses.reduce((a, r) => a + r.length, 0);
  const seqs = Array.from({ length: WORK.scoreRows }, () => Array.from({ length: WORK.scoreLength }, rand));
  const t2 = performance.now();
  await policy.logProbs(seqs.map((tokens) => ({ tokens, promptLength: 1, weight: 0 })));
  const scoreSeconds = (performance.now() - t2) / 1000;
  console.log(JSON.stringify({
    loadSeconds, loadPeakMb, afterSampleMb, samplePerSecond: generated / sampleSeconds, scorePerSecond: (WORK.scoreRows * WORK.scoreLength) / scoreSeconds, peakMb: process.resourceUsage().maxRSS / 1024,
  }));
  policy.dispose();
}

function torchPython(): string | undefined {
  for (const c of [process.env.ACEREASON_TORCH_PYTHON, '/usr/bin/python3', 'python3'].filter((x): x is string => !!x)) {
    if (spawnSync(c, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) return c;
  }
  return undefined;
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pretrained-'));
  try {
    const t0 = performance.now();
    const params = writeFolder(dir);
    const fileMb = fs.statSync(path.join(dir, 'model.safetensors')).size / 2 ** 20;
    console.log(`shape ${QUICK ? '(quick)' : "Qwen2.5-0.5B's"}: ${JSON.stringify(SHAPE)}, ${(params / 1e6).toFixed(1)}M parameters; BF16 file ${fileMb.toFixed(0)} MB written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores; fp32 weights = ${((params * 4) / 2 ** 20).toFixed(0)} MB`);
    const ours = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', dir, ...(QUICK ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!);
    const fp32Mb = (params * 4) / 2 ** 20;
    console.log(`ours (tfjs wasm, 1 thread): load ${ours.loadSeconds.toFixed(1)} s, peak RSS after load ${ours.loadPeakMb.toFixed(0)} MB (${(ours.loadPeakMb / fp32Mb).toFixed(2)}× the fp32 weights), after sampling ${ours.afterSampleMb.toFixed(0)} MB, after scoring ${ours.peakMb.toFixed(0)} MB`);
    console.log(`ours: sampling ${ours.samplePerSecond.toFixed(2)} tokens/s (batch ${WORK.batch}, ${WORK.promptLength}-token prompts incl. prefill, ${WORK.newTokens} new, KV cache); scoring ${ours.scorePerSecond.toFixed(1)} tokens/s (${WORK.scoreRows} × ${WORK.scoreLength})`);
    const py = torchPython();
    if (!py) {
      console.log('PyTorch baseline skipped: no python3 with torch (Debian: apt-get install python3-torch)');
      return;
    }
    const script = path.join(__dirname, '..', 'test', 'reference', 'bench_torch.py');
    const torch = JSON.parse(execFileSync(py, [script, dir, String(WORK.batch), String(WORK.promptLength), String(WORK.newTokens), String(WORK.scoreRows), String(WORK.scoreLength)], { encoding: 'utf8' }));
    console.log(`PyTorch (fp32, 1 thread, same folder): load ${torch.load_s.toFixed(1)} s, peak RSS ${torch.peak_rss_mb.toFixed(0)} MB; sampling ${torch.sample_tokens_per_s.toFixed(2)} tokens/s; scoring ${torch.score_tokens_per_s.toFixed(1)} tokens/s`);
    console.log(`ratio ours/PyTorch: sampling ${(ours.samplePerSecond / torch.sample_tokens_per_s).toFixed(2)}, scoring ${(ours.scorePerSecond / torch.score_tokens_per_s).toFixed(2)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const at = process.argv.indexOf('--child');
  (at >= 0 ? child(process.argv[at + 1]) : run()).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
