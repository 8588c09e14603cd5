// Reading a LoRA adapter folder as PEFT's save_pretrained writes it (the counterpart of peftAdapter.ts):
// adapter_config.json's fields that change what the adapter computes, and PEFT's tensor names. What
// this reader cannot apply exactly (DoRA, rsLoRA, per-module rank or alpha, bias or module copies,
// regex targets) is refused with the field named, never approximated. The tensors themselves are
// read by the trainer's safetensors reader.
import { PROJECTIONS, projectionBlock, type Projection } from './projections';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, loraModuleName, type AdapterSettings } from './peftAdapter';
import { UserError } from '../util/userError';

export { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE };

/** Fields whose non-default value changes the merged weight in a way W + alpha/r·B·A does not describe. */
const REFUSED: { field: string; isDefault: (v: unknown) => boolean; why: string }[] = [
  { field: 'use_dora', isDefault: (v) => v === undefined || v === null || v === false, why: 'DoRA adapters are not supported (only plain LoRA: W + alpha/r·B·A)' },
  { field: 'use_rslora', isDefault: (v) => v === undefined || v === null || v === false, why: 'rsLoRA (scale alpha/√r) is not supported' },
  { field: 'rank_pattern', isDefault: emptyObject, why: 'per-module ranks are not supported' },
  { field: 'alpha_pattern', isDefault: emptyObject, why: 'per-module alphas are not supported' },
  { field: 'fan_in_fan_out', isDefault: (v) => v === undefined || v === null || v === false, why: 'fan_in_fan_out (Conv1D layers) is not supported' },
  { field: 'bias', isDefault: (v) => v === undefined || v === null || v === 'none', why: "adapters that train biases are not supported (bias must be 'none')" },
  { field: 'modules_to_save', isDefault: (v) => v === undefined || v === null || (Array.isArray(v) && v.length === 0), why: 'adapters that carry whole module copies (modules_to_save) are not supported' },
];

function emptyObject(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);
}

/** adapter_config.json (already parsed) → the settings the merge needs; `file` names it in errors. */
export function parseAdapterConfig(raw: unknown, file: string): AdapterSettings {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError('expected a JSON object', { file });
  const c = raw as Record<string, unknown>;
  const fail = (field: string, why: string): never => {
    throw new UserError(why, { file, field });
  };
  if (c.peft_type !== undefined && c.peft_type !== 'LORA') fail('peft_type', `is ${JSON.stringify(c.peft_type)}; only LORA adapters can be applied`);
  const r = c.r;
  if (!Number.isInteger(r) || (r as number) < 1) fail('r', `must be a positive integer, got ${JSON.stringify(r)}`);
  const alpha = c.lora_alpha;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) fail('lora_alpha', `must be a positive number, got ${JSON.stringify(alpha)}`);
  for (const rule of REFUSED) if (!rule.isDefault(c[rule.field])) fail(rule.field, `${rule.why}; got ${JSON.stringify(c[rule.field])}`);
  let targets = c.target_modules;
  if (typeof targets === 'string') {
    // PEFT treats a string as a regular expression over module names; only a bare projection name is unambiguous.
    if (!(PROJECTIONS as readonly string[]).includes(targets)) fail('target_modules', `is the pattern ${JSON.stringify(targets)}; give a list of module names (${PROJECTIONS.join(', ')})`);
    targets = [targets];
  }
  if (!Array.isArray(targets) || targets.length === 0) fail('target_modules', `must be a non-empty list of module names, got ${JSON.stringify(c.target_modules)}`);
  for (const t of targets as unknown[]) {
    if (typeof t !== 'string' || !(PROJECTIONS as readonly string[]).includes(t)) fail('target_modules', `${JSON.stringify(t)} is not a projection this model has (${PROJECTIONS.join(', ')})`);
  }
  const dropout = typeof c.lora_dropout === 'number' ? c.lora_dropout : 0;
  const baseModel = typeof c.base_model_name_or_path === 'string' ? c.base_model_name_or_path : '';
  return { r: r as number, alpha: alpha as number, dropout, targets: [...new Set(targets as Projection[])], baseModel };
}

export interface LoraTensorName {
  layer: number;
  target: Projection;
  matrix: 'A' | 'B';
}

const LORA_NAME = /^base_model\.model\.model\.layers\.(\d+)\.(self_attn|mlp)\.([a-z_]+)\.lora_([AB])\.weight$/;

/** PEFT's saved tensor name → (layer, projection, A|B), or null for a name that is not a LoRA factor of a projection. */
export function parseLoraTensorName(name: string): LoraTensorName | null {
  const m = LORA_NAME.exec(name);
  if (!m) return null;
  const target = m[3] as Projection;
  if (!(PROJECTIONS as readonly string[]).includes(target) || projectionBlock(target) !== m[2]) return null;
  return { layer: Number(m[1]), target, matrix: m[4] as 'A' | 'B' };
}

export function loraTensorName(layer: number, target: Projection, matrix: 'A' | 'B'): string {
  return `${loraModuleName(layer, target)}.lora_${matrix}.weight`;
}

const BASE_LINEAR = /^model\.layers\.(\d+)\.(self_attn|mlp)\.([a-z_]+)\.weight$/;

/** transformers' name of a base weight (model.layers.3.mlp.up_proj.weight) → the projection it is, or null. */
export function projectionOfWeight(name: string): { layer: number; target: Projection } | null {
  const m = BASE_LINEAR.exec(name);
  if (!m) return null;
  const target = m[3] as Projection;
  if (!(PROJECTIONS as readonly string[]).includes(target) || projectionBlock(target) !== m[2]) return null;
  return { layer: Number(m[1]), target };
}
