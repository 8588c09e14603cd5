// The policy model's public face. Loops import from here (and the types from ./policy).
import { currentBackend, resolvePreference, selectBackend } from '../backend';
import { loadCheckpoint } from './checkpoint';
import type { PolicyConfig } from './policy';
import { TransformerPolicy, type TransformerPolicyOptions } from './transformer-policy';

export type { Policy, PolicyConfig, SampleOptions, SampleResult, TrainSequence, GradientResult } from './policy';
export { TransformerPolicy, type TransformerPolicyOptions } from './transformer-policy';
export { CharTokenizer, DEFAULT_ATOMS, type TokenizerJson } from './tokenizer';
export { SeededRng, type RngState } from './rng';
export { loadCheckpoint, readCheckpointExtra, isCheckpoint, type LoadedCheckpoint } from './checkpoint';

/** The demo-sized model of the notes (826k parameters at vocab 64, context 128). */
export function demoPolicyConfig(vocabSize: number, seed = 0): PolicyConfig {
  return { vocabSize, contextLength: 128, layers: 4, heads: 4, width: 128, mlpRatio: 4, seed };
}

/** A freshly initialised policy; the same config (seed included) gives the same weights. */
export async function createPolicy(config: PolicyConfig, opts: TransformerPolicyOptions = {}): Promise<TransformerPolicy> {
  await ensureBackend();
  return new TransformerPolicy(config, undefined, opts);
}

/** A policy from a checkpoint folder written by `policy.save(dir)` (weights and optimizer state). */
export async function loadPolicy(dir: string, opts: TransformerPolicyOptions = {}): Promise<TransformerPolicy> {
  await ensureBackend();
  return (await loadCheckpoint(dir, opts)).policy;
}

// Hosts (trainer process, CLI) select the backend at start-up; this covers tests and scripts.
async function ensureBackend(): Promise<void> {
  if (!currentBackend()) await selectBackend(resolvePreference(undefined));
}

