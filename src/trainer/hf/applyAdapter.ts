// A PEFT LoRA adapter folder applied to a base model's weights, one projection at a time: W +
// lora_alpha/r · B·A with core's mergeLora (the one merge; `export hf --merge` and `--adapter` both go
// through `PeftAdapter.apply`). Opening checks everything before any weight is touched: the config's
// fields, every tensor's name, layer, target and shape against the base model, and that each A has
// its B. Every error names the adapter file and the tensor or field.
import fs from 'node:fs';
import path from 'node:path';
import { mergeLora } from '../../core/model/loraMerge';
import { projectionFeatures, type ModelShape } from '../../core/model/memoryEstimate';
import type { AdapterSettings } from '../../core/model/peftAdapter';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, loraTensorName, parseAdapterConfig, parseLoraTensorName, projectionOfWeight } from '../../core/model/peftAdapterReader';
import { UserError } from '../../core/util/userError';
import { readJsonFile } from './modelFolder';
import { SafetensorsFile } from './safetensors';

/** adapter_config.json of `dir`, checked. */
export function readAdapterSettings(dir: string): AdapterSettings {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError(`not a folder (expected a PEFT adapter folder with ${ADAPTER_CONFIG_FILE} and ${ADAPTER_WEIGHTS_FILE})`, { file: dir });
  const file = path.join(dir, ADAPTER_CONFIG_FILE);
  return parseAdapterConfig(readJsonFile(file), file);
}

export class PeftAdapter {
  private readonly applied = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly settings: AdapterSettings,
    private readonly file: SafetensorsFile,
    /** "layer.target" of every adapted projection. */
    private readonly modules: Set<string>,
  ) {}

  /** Opens `dir` and checks it against a model of shape `model` (a loaded config.json). */
  static open(dir: string, model: ModelShape): PeftAdapter {
    const settings = readAdapterSettings(dir);
    const weightsFile = path.join(dir, ADAPTER_WEIGHTS_FILE);
    if (!fs.existsSync(weightsFile)) {
      const bin = fs.existsSync(path.join(dir, 'adapter_model.bin')) ? ' (adapter_model.bin is a pickle; save with safe_serialization=True)' : '';
      throw new UserError(`not found${bin}`, { file: weightsFile });
    }
    const file = SafetensorsFile.open(weightsFile);
    try {
      return new PeftAdapter(dir, settings, file, checkTensors(file, settings, model));
    } catch (e) {
      file.close();
      throw e;
    }
  }

  /** Projections the adapter changes. */
  get moduleCount(): number {
    return this.modules.size;
  }

  /** Whether `name` (transformers' tensor name) is a weight this adapter changes. */
  adapts(name: string): boolean {
    const p = projectionOfWeight(name);
    return !!p && this.modules.has(`${p.layer}.${p.target}`);
  }

  /**
   * `values` ([out, in] row-major, transformers' layout) merged with the adapter when `name` is a
   * weight it adapts; otherwise `values` itself.
   */
  apply(name: string, values: Float32Array): Float32Array {
    const p = projectionOfWeight(name);
    if (!p) return values;
    const key = `${p.layer}.${p.target}`;
    if (!this.modules.has(key)) return values;
    this.applied.add(key);
    const A = this.file.read(loraTensorName(p.layer, p.target, 'A'));
    const B = this.file.read(loraTensorName(p.layer, p.target, 'B'));
    return mergeLora(values, A, B, this.settings.alpha, this.settings.r);
  }

  /** Every adapted projection was merged (a loader that skipped one would silently drop part of the adapter). */
  assertAllApplied(): void {
    const missed = [...this.modules].filter((k) => !this.applied.has(k));
    if (missed.length) {
      const [layer, target] = missed[0].split('.');
      throw new Error(`adapter: ${missed.length} adapted projections were never merged, first ${loraTensorName(Number(layer), target as never, 'A')}`);
    }
  }

  close(): void {
    this.file.close();
  }
}

function checkTensors(file: SafetensorsFile, s: AdapterSettings, model: ModelShape): Set<string> {
  const features = projectionFeatures(model);
  const where = { file: file.file };
  const seen = new Map<string, Set<'A' | 'B'>>();
  for (const [name, info] of file.tensors) {
    const t = parseLoraTensorName(name);
    if (!t) throw new UserError(`tensor '${name}' is not a LoRA factor of a projection (expected base_model.model.model.layers.<i>.<self_attn|mlp>.<proj>.lora_<A|B>.weight)`, where);
    if (!s.targets.includes(t.target)) throw new UserError(`tensor '${name}' adapts '${t.target}', which ${ADAPTER_CONFIG_FILE}'s target_modules [${s.targets.join(', ')}] does not list`, where);
    if (t.layer >= model.layers) throw new UserError(`tensor '${name}' is for layer ${t.layer}; the model has ${model.layers} layers (0..${model.layers - 1})`, where);
    const [inF, outF] = features[t.target];
    const expected = t.matrix === 'A' ? [s.r, inF] : [outF, s.r];
    if (info.shape.length !== 2 || info.shape[0] !== expected[0] || info.shape[1] !== expected[1]) {
      throw new UserError(`tensor '${name}' has shape [${info.shape}]; r = ${s.r} and the model's ${t.target} [${outF}, ${inF}] need [${expected}]`, where);
    }
    const key = `${t.layer}.${t.target}`;
    if (!seen.has(key)) seen.set(key, new Set());
    seen.get(key)!.add(t.matrix);
  }
  if (seen.size === 0) throw new UserError('holds no LoRA tensors', where);
  for (const [key, matrices] of seen) {
    if (matrices.size === 2) continue;
    const [layer, target] = key.split('.');
    const missing = matrices.has('A') ? 'B' : 'A';
    throw new UserError(`tensor '${loraTensorName(Number(layer), target as never, missing)}' is missing (its lora_${missing === 'A' ? 'B' : 'A'} is there)`, where);
  }
  return new Set(seen.keys());
}
