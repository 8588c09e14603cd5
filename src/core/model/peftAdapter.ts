// A LoRA adapter folder as PEFT's save_pretrained writes it, which transformers, PEFT and vLLM load:
// adapter_config.json + adapter_model.safetensors with tensors named
// base_model.model.model.layers.{i}.{self_attn|mlp}.{target}.lora_{A|B}.weight, A [r, in], B [out, r].
import fs from 'node:fs';
import path from 'node:path';
import { publishDirAtomic } from '../util/atomic';
import { projectionBlock, type Projection } from './projections';
import { sortedJson, writeSafetensors, type TensorSpec, type WriteDtype } from './safetensorsWriter';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

export type AdapterTarget = Projection;

export interface AdapterSettings {
  r: number;
  alpha: number;
  dropout: number;
  targets: readonly AdapterTarget[];
  /** base_model_name_or_path: the folder or hub id the adapter applies to. */
  baseModel: string;
}

/** One wrapped linear layer's adapter: A [r, inFeatures], B [outFeatures, r], row-major. */
export interface LoraTensors {
  layer: number;
  target: AdapterTarget;
  inFeatures: number;
  outFeatures: number;
  A: Float32Array;
  B: Float32Array;
}

/** PEFT's name of a module in a Llama-family causal LM, without the adapter name ("default" is dropped on save). */
export function loraModuleName(layer: number, target: AdapterTarget): string {
  return `base_model.model.model.layers.${layer}.${projectionBlock(target)}.${target}`;
}

/** adapter_config.json as PEFT (0.13) writes a LoraConfig, keys sorted. */
export function adapterConfigJson(s: AdapterSettings): string {
  return sortedJson({
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: s.baseModel,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: s.alpha,
    lora_dropout: s.dropout,
    megatron_config: null,
    megatron_core: 'megatron.core',
    modules_to_save: null,
    peft_type: 'LORA',
    r: s.r,
    rank_pattern: {},
    revision: null,
    target_modules: [...s.targets].sort(),
    task_type: 'CAUSAL_LM',
    use_dora: false,
    use_rslora: false,
  }) + '\n';
}

/** Writes (or atomically replaces) the adapter folder `dir`. Tensors are stored in `dtype` (PEFT keeps float32 adapters in F32). */
export function writeAdapterFolder(dir: string, settings: AdapterSettings, tensors: readonly LoraTensors[], dtype: WriteDtype = 'F32'): void {
  const specs: TensorSpec[] = [];
  const values = new Map<string, Float32Array>();
  const seen = new Set<string>();
  for (const t of tensors) {
    if (!settings.targets.includes(t.target)) throw new Error(`adapter: layer ${t.layer} has a '${t.target}' adapter, but target_modules is [${settings.targets.join(', ')}]`);
    const module = loraModuleName(t.layer, t.target);
    if (seen.has(module)) throw new Error(`adapter: ${module} is given twice`);
    seen.add(module);
    if (t.A.length !== settings.r * t.inFeatures) throw new Error(`adapter: ${module}.lora_A has ${t.A.length} values, [${settings.r}, ${t.inFeatures}] needs ${settings.r * t.inFeatures}`);
    if (t.B.length !== t.outFeatures * settings.r) throw new Error(`adapter: ${module}.lora_B has ${t.B.length} values, [${t.outFeatures}, ${settings.r}] needs ${t.outFeatures * settings.r}`);
    specs.push({ name: `${module}.lora_A.weight`, shape: [settings.r, t.inFeatures] }, { name: `${module}.lora_B.weight`, shape: [t.outFeatures, settings.r] });
    values.set(`${module}.lora_A.weight`, t.A);
    values.set(`${module}.lora_B.weight`, t.B);
  }
  publishDirAtomic(dir, (tmp) => {
    // Files inside the temp folder need no atomicity of their own: the folder appears whole or not at all.
    writeSafetensors(path.join(tmp, ADAPTER_WEIGHTS_FILE), specs, (name) => values.get(name)!, dtype);
    fs.writeFileSync(path.join(tmp, ADAPTER_CONFIG_FILE), adapterConfigJson(settings));
  });
}
