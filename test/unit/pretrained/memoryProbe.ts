// Child process of memoryMeasured.test.ts: what a training run allocates, measured. Loads a model folder,
// takes two policy-gradient steps (gradients over micro-batches + Adam update) and samples one batch
// with the KV cache, then prints the process's peak RSS. The runtime baseline (node, tfjs, the wasm
// module, this script) is the peak RSS after the backend ran a first op and before the model loads.
// Usage: node --import tsx memoryProbe.ts '{"dir", "lora"?, "contextLength", "gradientTokenBudget",
//   "train": {"sequences", "length", "promptLength"}, "sample": {"prompts", "promptLength", "maxNewTokens"}}'
import { resolvePreference, selectBackend, tf } from '../../../src/trainer/backend';
import { loadPretrainedPolicy } from '../../../src/trainer/hf/pretrainedPolicy';
import type { Projection } from '../../../src/core/model/projections';

interface ProbeSpec {
  dir: string;
  lora?: { rank: number; alpha: number; targets: Projection[] };
  contextLength: number;
  gradientTokenBudget: number;
  sampleBatchSize: number;
  train: { sequences: number; length: number; promptLength: number };
  sample: { prompts: number; promptLength: number; maxNewTokens: number };
}

const peak = () => process.resourceUsage().maxRSS * 1024;
/** The wasm heap's size: it only grows, so it is the high-water mark of what tensors held at once. */
const wasmHeap = () => ((tf().backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.buffer.byteLength ?? 0);
const stage = () => ({ rss: peak(), heap: wasmHeap(), live: tf().memory().numBytes, js: process.memoryUsage().arrayBuffers });

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as ProbeSpec;
  await selectBackend(resolvePreference(process.env.PROBE_BACKEND ?? 'wasm'));
  const t = tf();
  const stages: Record<string, ReturnType<typeof stage>> = {};
  t.tidy(() => t.matMul(t.ones([64, 64]), t.ones([64, 64])).dataSync());
  const baseline = peak();
  stages.baseline = stage();
  const { policy } = await loadPretrainedPolicy(spec.dir, { contextLength: spec.contextLength, gradientTokenBudget: spec.gradientTokenBudget, sampleBatchSize: spec.sampleBatchSize, lora: spec.lora });
  const afterLoad = peak();
  stages.afterLoad = stage();
  const vocab = policy.config.vocabSize;
  const ids = (n: number, salt: number) => Array.from({ length: n }, (_, i) => (i * 7919 + salt * 104729 + 13) % vocab);
  const batch = Array.from({ length: spec.train.sequences }, (_, s) => ({ tokens: ids(spec.train.length, s), promptLength: spec.train.promptLength, weight: s % 2 ? 1 : -1 }));
  // Two updates: from the second on, Adam's moments exist while gradients are computed (a run's steady state).
  let afterGradients = 0;
  let afterStep = 0;
  for (let step = 0; step < 2; step++) {
    const g = await policy.computeGradients(batch);
    afterGradients = Math.max(afterGradients, peak());
    stages[`afterGradients${step + 1}`] = stage();
    await policy.applyGradients(g.grads, g.tokenCount, { learningRate: 1e-5, clipNorm: 1 });
    afterStep = peak();
    stages[`afterStep${step + 1}`] = stage();
  }
  const prompts = Array.from({ length: spec.sample.prompts }, (_, s) => ids(spec.sample.promptLength, 1000 + s));
  await policy.sample(prompts, { maxNewTokens: spec.sample.maxNewTokens, temperature: 1, topP: 1, stopTokens: [], seed: 0 });
  const afterSample = peak();
  stages.afterSample = stage();
  process.stdout.write(JSON.stringify({ baseline, afterLoad, afterGradients, afterStep, afterSample, peak: peak(), parameters: policy.parameterCount(), backend: process.env.PROBE_BACKEND ?? 'wasm', stages }) + '\n');
  policy.dispose();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
