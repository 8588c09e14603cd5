// A decoder policy's weights by transformers' tensor names in the file's layout, read one tensor at a
// time, for core's writeHfModelFolder (src/core/model/hfModelFolder.ts). With LoRA the projections
// are merged (W + alpha/r·B·A, core's mergeLora) unless the base weights are asked for.
import { mergeLora } from '../../core/model/loraMerge';
import type { TensorSource, TensorSpec } from '../../core/model/safetensorsWriter';
import { decoderParams, transpose2d } from './decoderParams';
import { adapterParams, type ParameterReader } from './lora';

export interface HfWeights {
  /** Every tensor of the model folder, in decoderParams order (file shapes). */
  specs: TensorSpec[];
  /** The values of one named tensor, computed when asked (at most one tensor held at a time). */
  source: TensorSource;
}

/** `merge` (default true) folds LoRA adapters into their projections; false gives the frozen base weights. */
export function hfWeights(policy: ParameterReader, opts: { merge?: boolean } = {}): HfWeights {
  const spec = policy.network.spec;
  if (spec.kind !== 'decoder') throw new Error('hfWeights: only Hugging Face decoder policies have transformers tensor names');
  const params = decoderParams(spec.config);
  const byName = new Map(params.map((p) => [p.name, p]));
  const lora = spec.lora && opts.merge !== false ? spec.lora : undefined;
  const adapters = new Map(lora ? adapterParams(spec.config, lora.targets).map((a) => [a.aName.replace(/\.lora_A\.weight$/, '.weight'), a]) : []);
  return {
    specs: params.map((p) => ({ name: p.name, shape: [...p.fileShape] })),
    source: (name) => {
      const p = byName.get(name);
      if (!p) throw new Error(`hfWeights: no tensor named '${name}'`);
      const stored = policy.parameter(name);
      const w = p.transposed ? transpose2d(stored, p.fileShape[1], p.fileShape[0]) : stored;
      const a = adapters.get(name);
      return a && lora ? mergeLora(w, policy.parameter(a.aName), policy.parameter(a.bName), lora.alpha, lora.rank) : w;
    },
  };
}
