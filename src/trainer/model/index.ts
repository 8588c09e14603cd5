// The policy model's public face. Loops import from here (and the types from ./policy).
import { currentBackend, resolvePreference, selectBackend } from '../backend';
import { loadCheckpoint } from './checkpoint';
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

/** A policy from a checkpoint folder written by `policy.save(dir)` (weights and optimizer state). */
export async function loadPolicy(dir: string, opts: TransformerPolicyOptions = {}): Promise<TransformerPolicy> {
  await ensureBackend();
  return (await loadCheckpoint(dir, (config) => new TransformerPolicy(config, undefined, opts))).policy;
}

// Hosts (trainer process, CLI) select the backend at start-up; this covers tests and scripts.
async function ensureBackend(): Promise<void> {
  if (!currentBackend()) await selectBackend(resolvePreference(undefined));
}

