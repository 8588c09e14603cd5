// TEMPORARY driver (H7), deleted before the report.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { estimateRunMemory, type Tuning } from '../../../src/core/model/memoryEstimate';
import { PROJECTIONS } from '../../../src/core/model/projections';
import { readDecoderConfig } from '../../../src/trainer/hf/modelFolder';
import { chunkRows } from '../../../src/trainer/model/tokenLogprobs';
import { tinyConfig, writeCheckpoint } from '../hf/torchReference';

const configs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const MiB = 1024 ** 2;
const f = (x: number) => (x / MiB).toFixed(0);
async function run(c: any, i: number) {
  const dir = path.join('/tmp/h7', 'ck-' + JSON.stringify(c.model).replace(/[^a-z0-9]+/gi, ''));
  if (!fs.existsSync(path.join(dir, 'config.json'))) writeCheckpoint({ architecture: 'LlamaForCausalLM', dtype: 'BF16', seed: 1, config: tinyConfig({ ...c.model, max_position_embeddings: 1024 }) }, dir);
  const config = readDecoderConfig(path.join(dir, 'config.json'));
  const lora = c.tuning.kind === 'lora' ? { rank: c.tuning.rank, alpha: 2 * c.tuning.rank, targets: [...PROJECTIONS] } : undefined;
  const tuning: Tuning = c.tuning.kind === 'lora' ? { kind: 'lora', rank: c.tuning.rank, targets: PROJECTIONS } : { kind: 'full' };
  const spec = { dir, lora, contextLength: 1024, gradientTokenBudget: c.gradientTokenBudget, sampleBatchSize: 64, train: c.train, sample: c.sample };
  const out: string = await new Promise((res, rej) => {
    const p = spawn('nice', ['-n', '10', process.execPath, '--import', 'tsx', path.join(__dirname, 'memoryProbe.ts'), JSON.stringify(spec)], { env: { ...process.env, PROBE_BACKEND: 'wasm' } });
    let o = ''; let e = '';
    p.stdout.on('data', (d) => (o += d)); p.stderr.on('data', (d) => (e += d));
    p.on('close', (code) => (code === 0 ? res(o) : rej(new Error(e))));
  });
  const m = JSON.parse(out.trim().split('\n').pop()!);
  const perMicroBatch = Math.max(1, Math.floor(c.gradientTokenBudget / c.train.length));
  const mb = Math.min(c.train.sequences, perMicroBatch) * c.train.length;
  const est = estimateRunMemory(config, tuning, { microBatchTokens: mb, sequenceLength: c.train.length, logprobChunkTokens: Math.min(chunkRows(config.vocabSize), mb), rolloutBatch: c.sample.prompts, rolloutSequenceLength: c.sample.promptLength + c.sample.maxNewTokens, ...(c.extraRun ?? {}) }, undefined, m.baseline);
  const lines = [`#${i} ${c.name}: peak ${f(m.peak)} MiB est ${f(est.peakBytes)} ratio ${(est.peakBytes / m.peak).toFixed(2)}`];
  for (const [k, v] of Object.entries(m.stages) as any) lines.push(`   ${k.padEnd(15)} rss ${f(v.rss)} heap ${f(v.heap)} live ${f(v.live)} jsAB ${f(v.js)}`);
  lines.push(`   train ${f(est.trainingBytes)} update ${f(est.updateBytes)} rollout ${f(est.rolloutBytes)}`);
  lines.push('   est ' + Object.entries(est.bytes).map(([k, v]) => `${k} ${f(v as number)}`).join(', '));
  console.log(lines.join('\n'));
}
Promise.all(configs.map((c: any, i: number) => run(c, i))).catch((e) => { console.error(e); process.exit(1); });
