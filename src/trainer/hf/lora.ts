// LoRA with PEFT's semantics on a Hugging Face decoder network: every target projection of every
// layer computes y = W·x + (alpha / rank)·B·(A·x), A [rank, in] drawn like PEFT's
// reset_lora_parameters (kaiming_uniform_(a=√5), i.e. U(-1/√in, 1/√in)) from our seeded RNG, B
// [out, rank] zero, so the adapted model starts equal to the base. The base weights are frozen (plain
// tensors: no gradients, no Adam moments); only A and B train.
// Dropout is refused: PEFT draws a fresh mask per forward, which our seeded, micro-batch-independent
// and resumable updates could only reproduce by keying a mask to (seed, step, sequence, position);
// the recipe's default is 0.
import type * as TF from '@tensorflow/tfjs';
import type { AdapterSettings, LoraTensors } from '../../core/model/peftAdapter';
import { PROJECTIONS, projectionBlock, type Projection } from '../../core/model/projections';
import { UserError } from '../../core/util/userError';
import type { LoraSettings, Network, NetworkParam } from '../model/networkSpec';
import { SeededRng } from '../model/rng';
import { Decoder } from './decoder';
import type { DecoderConfig } from './decoderConfig';
import { decoderParams } from './decoderParams';

/** The recipe's `model.lora` (core's LoraSpec). */
export interface LoraOptions {
  rank: number;
  alpha: number;
  dropout?: number;
  targets: readonly Projection[];
}

/** One adapted projection: its layer, which projection, and the names of its A and B in the policy. */
export interface AdapterParam {
  layer: number;
  target: Projection;
  inFeatures: number;
  outFeatures: number;
  /** PEFT's tensor name without the `base_model.model.` prefix, e.g. model.layers.0.self_attn.q_proj.lora_A.weight. */
  aName: string;
  bName: string;
}

/** The adapters of `config` for `targets`, layer by layer, each layer in transformers' projection order. */
export function adapterParams(config: DecoderConfig, targets: readonly Projection[]): AdapterParam[] {
  const shapes = new Map(decoderParams(config).map((p) => [p.name, p.fileShape]));
  const out: AdapterParam[] = [];
  for (let layer = 0; layer < config.layers; layer++) {
    for (const target of PROJECTIONS) {
      if (!targets.includes(target)) continue;
      const module = `model.layers.${layer}.${projectionBlock(target)}.${target}`;
      const [outFeatures, inFeatures] = shapes.get(`${module}.weight`)!;
      out.push({ layer, target, inFeatures, outFeatures, aName: `${module}.lora_A.weight`, bName: `${module}.lora_B.weight` });
    }
  }
  return out;
}

/**
 * The decoder `network` with LoRA adapters on `lora.targets`: its own parameters frozen, then A and
 * B of each adapter (adapterParams order) trainable. `seed` draws the A matrices.
 */
export function withLora(network: Network, lora: LoraOptions, seed: number): Network {
  const spec = network.spec;
  if (spec.kind !== 'decoder') throw new UserError(`LoRA applies to Hugging Face decoder models; this run uses the built-in '${spec.kind}' model (use "source": "pretrained" or drop "lora")`, { field: 'model.lora' });
  if (spec.lora) throw new Error('withLora: the network already has LoRA adapters');
  const settings = checkedSettings(lora, seed);
  const config = spec.config;
  const adapters = adapterParams(config, settings.targets);
  const baseCount = network.specs.length;
  const adapterSpecs: NetworkParam[] = adapters.flatMap((a) => [
    { name: a.aName, shape: [settings.rank, a.inFeatures], init: 'normal' as const, trainable: true },
    { name: a.bName, shape: [a.outFeatures, settings.rank], init: 'zeros' as const, trainable: true },
  ]);
  return {
    spec: { ...spec, lora: settings },
    policyConfig: network.policyConfig,
    specs: [...network.specs.map((s) => ({ ...s, trainable: false })), ...adapterSpecs],
    build: (params, ops) => {
      const byModule = new Map(adapters.map((a, i) => [`${a.layer}.${a.target}`, {
        A: params[baseCount + 2 * i] as TF.Tensor2D,
        B: params[baseCount + 2 * i + 1] as TF.Tensor2D,
      }]));
      return new Decoder(config, params.slice(0, baseCount), ops, { scale: settings.alpha / settings.rank, byModule });
    },
    initialWeights: (s) => [...network.initialWeights(s), ...initialAdapterWeights(config, settings)],
  };
}

/** A then B of every adapter (adapterParams order): A ~ U(-1/√in, 1/√in) as PEFT draws it, B = 0. */
export function initialAdapterWeights(config: DecoderConfig, lora: LoraSettings): Float32Array[] {
  return adapterParams(config, lora.targets).flatMap((a) => {
    // One stream per (layer, projection): adding a target leaves the other adapters' draws unchanged.
    const rng = SeededRng.derive(lora.seed, 0x10a4, a.layer, PROJECTIONS.indexOf(a.target));
    const bound = 1 / Math.sqrt(a.inFeatures);
    const A = new Float32Array(lora.rank * a.inFeatures);
    for (let i = 0; i < A.length; i++) A[i] = (2 * rng.uniform() - 1) * bound;
    return [A, new Float32Array(a.outFeatures * lora.rank)];
  });
}

/** What the exporters need from a policy: its network and any parameter's values by stored name. */
export interface ParameterReader {
  readonly network: Network;
  /** A copy of one parameter (trainable or frozen), stored layout. */
  parameter(name: string): Float32Array;
}

/** The policy's adapters in PEFT's layout (A [r, in], B [out, r]) for core's writeAdapterFolder. */
export function adapterTensors(policy: ParameterReader): LoraTensors[] {
  const spec = policy.network.spec;
  if (spec.kind !== 'decoder' || !spec.lora) throw new Error('adapterTensors: this policy has no LoRA adapters (full fine-tuning: export the whole model)');
  return adapterParams(spec.config, spec.lora.targets).map((a) => ({
    layer: a.layer, target: a.target, inFeatures: a.inFeatures, outFeatures: a.outFeatures,
    A: policy.parameter(a.aName), B: policy.parameter(a.bName),
  }));
}

/** adapter_config.json's settings of the policy's adapters; base_model_name_or_path is the base folder. */
export function adapterSettings(policy: ParameterReader): AdapterSettings {
  const spec = policy.network.spec;
  if (spec.kind !== 'decoder' || !spec.lora) throw new Error('adapterSettings: this policy has no LoRA adapters');
  return { r: spec.lora.rank, alpha: spec.lora.alpha, dropout: spec.lora.dropout, targets: spec.lora.targets, baseModel: spec.base ?? '' };
}

function checkedSettings(lora: LoraOptions, seed: number): LoraSettings {
  const field = (f: string) => ({ field: `model.lora.${f}` });
  if (!Number.isInteger(lora.rank) || lora.rank < 1) throw new UserError(`must be a positive integer, got ${lora.rank}`, field('rank'));
  if (!(Number.isFinite(lora.alpha) && lora.alpha > 0)) throw new UserError(`must be a positive number, got ${lora.alpha}`, field('alpha'));
  const dropout = lora.dropout ?? 0;
  if (dropout !== 0) {
    throw new UserError(`${dropout}: LoRA dropout is not supported here (a dropout mask per forward pass would make updates depend on the micro-batch split and break exact resume); set it to 0`, field('dropout'));
  }
  if (!Array.isArray(lora.targets) || lora.targets.length === 0) throw new UserError(`name at least one of ${PROJECTIONS.join(', ')}`, field('targets'));
  lora.targets.forEach((t, i) => {
    if (!PROJECTIONS.includes(t)) throw new UserError(`'${t}' is not a projection of this model; use ${PROJECTIONS.join(', ')}`, field(`targets.${i}`));
    if (lora.targets.indexOf(t) !== i) throw new UserError(`'${t}' is listed twice`, field(`targets.${i}`));
  });
  if (!Number.isInteger(seed)) throw new Error(`withLora: seed must be an integer, got ${seed}`);
  return { rank: lora.rank, alpha: lora.alpha, dropout: 0, targets: [...lora.targets], seed };
}
