// A first look at a folder the user offers as a model, before any run starts: is it a Hugging Face
// model folder (config.json and safetensors weights), and what does its config.json say. The trainer
// reads the folder fully and names any deeper problem (tensor, shape, dtype) when the run starts.
// No vscode import: unit tests use real folders.
import fs from 'node:fs';
import path from 'node:path';

/** `problem`: the full sentence (notifications, logs); `reason`: a few words for a quick pick. */
export type ModelFolderCheck =
  | { ok: true; dir: string; architecture?: string; summary: string }
  | { ok: false; dir: string; problem: string; reason: string };

const WEIGHTS = ['model.safetensors', 'model.safetensors.index.json'];

export function checkModelFolder(dir: string): ModelFolderCheck {
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  if (!st) return { ok: false, dir, problem: `${dir} does not exist`, reason: 'it does not exist' };
  if (!st.isDirectory()) return { ok: false, dir, problem: `${dir} is a file, not a model folder`, reason: 'a file' };
  const configFile = path.join(dir, 'config.json');
  if (!fs.existsSync(configFile)) {
    return { ok: false, dir, problem: `${dir} is not a model folder: it has no config.json (a Hugging Face model folder holds config.json, model.safetensors and tokenizer.json)`, reason: 'no config.json' };
  }
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  } catch (e) {
    return { ok: false, dir, problem: `${configFile} is not valid JSON: ${(e as Error).message.split('\n')[0]}`, reason: 'config.json is not valid JSON' };
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) return { ok: false, dir, problem: `${configFile} is not a JSON object`, reason: 'config.json is not a JSON object' };
  if (!WEIGHTS.some((w) => fs.existsSync(path.join(dir, w)))) {
    return { ok: false, dir, problem: `${dir} has config.json but no weights: neither model.safetensors nor model.safetensors.index.json`, reason: 'no model.safetensors' };
  }
  const c = config as Record<string, unknown>;
  const architecture = Array.isArray(c.architectures) && typeof c.architectures[0] === 'string' ? c.architectures[0].slice(0, 200) : undefined;
  const facts: string[] = [];
  if (architecture) facts.push(architecture);
  else if (typeof c.model_type === 'string') facts.push(c.model_type.slice(0, 100));
  if (typeof c.num_hidden_layers === 'number') facts.push(`${c.num_hidden_layers} layers`);
  if (typeof c.hidden_size === 'number') facts.push(`hidden ${c.hidden_size}`);
  if (typeof c.vocab_size === 'number') facts.push(`vocabulary ${c.vocab_size.toLocaleString('en-US')}`);
  return { ok: true, dir, architecture, summary: facts.join(' · ') || 'config.json present' };
}
