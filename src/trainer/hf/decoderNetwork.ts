// A DecoderConfig as a Network the Policy runs: parameter specs in stored layout (all trainable:
// full fine-tuning; ./lora.ts freezes them and adds adapters), random initial weights (tests,
// benchmarks), and the CausalLM over the policy's tensors.
import type { Network } from '../model/networkSpec';
import type { ModelOps } from '../model/ops';
import { SeededRng } from '../model/rng';
import type { DecoderConfig } from './decoderConfig';
import { Decoder } from './decoder';
import { decoderParams, storedShape } from './decoderParams';

/** `base`: the absolute path of the model folder the weights come from, recorded in the spec. */
export function decoderNetwork(config: DecoderConfig, contextLength = config.maxPositions, base?: string): Network {
  const params = decoderParams(config);
  return {
    spec: { kind: 'decoder', config, contextLength, ...(base !== undefined ? { base } : {}) },
    policyConfig: {
      vocabSize: config.vocabSize,
      contextLength,
      layers: config.layers,
      heads: config.heads,
      width: config.hiddenSize,
      mlpRatio: config.intermediateSize / config.hiddenSize,
      seed: 0,
    },
    specs: params.map((p) => ({ name: p.name, shape: storedShape(p), init: p.init, trainable: true })),
    build: (tensors, ops?: ModelOps) => new Decoder(config, tensors, ops),
    initialWeights: (seed) => {
      const rng = SeededRng.derive(seed, 0x11a3a);
      return params.map((p) => {
        const w = new Float32Array(p.fileShape.reduce((a, b) => a * b, 1));
        if (p.init === 'ones') w.fill(1);
        else if (p.init === 'normal') for (let i = 0; i < w.length; i++) w[i] = rng.normal() * 0.02;
        return w;
      });
    },
  };
}
