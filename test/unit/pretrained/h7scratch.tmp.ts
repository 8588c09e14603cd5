// TEMPORARY (H7): tfjs live-bytes profile of one probe configuration.
import { resolvePreference, selectBackend, tf, currentBackend } from '../../../src/trainer/backend';
import { loadPretrainedPolicy } from '../../../src/trainer/hf/pretrainedPolicy';
async function main() {
  const spec = JSON.parse(process.argv[2]);
  await selectBackend(resolvePreference('wasm'));
  const t = tf();
  console.log('backend', currentBackend()?.note, currentBackend()?.fastPath);
  const state = (t.engine() as any).state;
  let cur = state.numBytes, max = cur;
  Object.defineProperty(state, 'numBytes', { get: () => cur, set: (v) => { cur = v; if (v > max) max = v; } });
  const M = (x: number) => (x / 2 ** 20).toFixed(1);
  const { policy } = await loadPretrainedPolicy(spec.dir, { contextLength: 1024, gradientTokenBudget: spec.gradientTokenBudget, sampleBatchSize: 64, lora: spec.lora });
  console.log('load: live', M(cur), 'peak', M(max)); max = cur;
  const model = (policy as any).model;
  const hidden0 = model.hidden.bind(model);
  model.hidden = (ids: any, o: any) => { const r = hidden0(ids, o); console.log('  after hidden: live', M(cur), 'peak', M(max), 'shape', ids.shape);
    const tape = state.activeTape ?? [];
    const seen = new Set(); const by: Record<string, number> = {};
    for (const n of tape) for (const x of n.saved ?? []) { if (seen.has(x.dataId)) continue; seen.add(x.dataId); const k = n.kernelName + ':' + JSON.stringify(x.shape); by[k] = (by[k] ?? 0) + x.size; }
    const N = ids.shape[0] * ids.shape[1];
    console.log('  tape nodes', tape.length, 'saved floats per token\n', Object.entries(by).map(([k, v]) => '    ' + k + '=' + (v / N).toFixed(0)).join('\n'), 'total', (Object.values(by).reduce((a, b) => a + b, 0) / N).toFixed(0));
    return r; };
  const vocab = policy.config.vocabSize;
  const ids = (n: number, salt: number) => Array.from({ length: n }, (_, i) => (i * 7919 + salt * 104729 + 13) % vocab);
  const batch = Array.from({ length: spec.train.sequences }, (_, s) => ({ tokens: ids(spec.train.length, s), promptLength: spec.train.promptLength, weight: s % 2 ? 1 : -1 }));
  const g = await policy.computeGradients(batch); if (process.env.ONLY_TAPE) return;
  console.log('gradients: live', M(cur), 'peak', M(max)); max = cur;
  await policy.applyGradients(g.grads, g.tokenCount, { learningRate: 1e-5, clipNorm: 1 });
  console.log('step: live', M(cur), 'peak', M(max)); max = cur;
  model.hidden = hidden0;
  const prompts = Array.from({ length: spec.sample.prompts }, (_, s) => ids(spec.sample.promptLength, 1000 + s));
  await policy.sample(prompts, { maxNewTokens: spec.sample.maxNewTokens, temperature: 1, topP: 1, stopTokens: [], seed: 0 });
  console.log('sample: live', M(cur), 'peak', M(max));
  console.log('heap', M((t.backend() as any).wasm.HEAPU8.buffer.byteLength), 'rss', M(process.resourceUsage().maxRSS * 1024));
}
main();
