// The policy model's public face. Loops import from here (and the types from ./policy).
import path from 'node:path';
import { currentBackend, resolvePreference, selectBackend } from '../backend';
import { policyForNetwork } from '../hf/pretrainedPolicy';
import { readCheckpoint } from './checkpoint';
import type { PolicyConfig } from './policy';
import { TransformerPolicy, type TransformerPolicyOptions } from './transformerPolicy';

export type { Policy, PolicyConfig, SampleOptions, SampleResult, TrainSequence, GradientResult } from './policy';
export { TransformerPolicy, type TransformerPolicyOptions } from './transformerPolicy';
export { CharTokenizer, DEFAULT_ATOMS, type TokenizerJson } from './tokenizer';
export { SeededRng, type RngState } from './rng';
export { loadCheckpoint, readCheckpoint, isCheckpoint, type LoadedCheckpoint } from './checkpoint';

/** A freshly initialised policy; the same config (seed included) gives the same weights. */
export async function createPolicy(config: PolicyConfig, opts: TransformerPolicyOptions = {}): Promise<TransformerPolicy> {
  await ensureBackend();
  return new TransformerPolicy(config, undefined, opts);
}

export interface LoadPolicyOptions extends Omit<TransformerPolicyOptions, 'network'> {
  /** The base model folder of a LoRA checkpoint, instead of the one it recorded (the model was moved). */
  baseModel?: string;
}

/**
 * A policy from a checkpoint folder written by `policy.save(dir)` (weights and optimizer state): the
 * built-in GPT, or a Hugging Face decoder (a LoRA checkpoint re-reads its frozen base model from the
 * folder it was trained on, or `opts.baseModel`).
 */
export async function loadPolicy(dir: string, opts: LoadPolicyOptions = {}): Promise<TransformerPolicy> {
  await ensureBackend();
  const data = readCheckpoint(dir);
  const { baseModel, ...rest } = opts;
  const network = data.network && baseModel !== undefined ? { ...data.network, base: path.resolve(baseModel) } : data.network;
  // Built from the saved weights directly: no random initialisation of a model about to be overwritten.
  const policy = network ? policyForNetwork(network, data.weights, rest) : new TransformerPolicy(data.config, data.weights, rest);
  try {
    policy.setOptimizerState(data.optimizer);
  } catch (e) {
    policy.dispose();
    throw e;
  }
  return policy;
}

// Hosts (trainer process, CLI) select the backend at start-up; this covers tests and scripts.
async function ensureBackend(): Promise<void> {
  if (!currentBackend()) await selectBackend(resolvePreference(undefined));
}
