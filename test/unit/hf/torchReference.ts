// Runs test/reference/hf_reference.py (an independent torch implementation of transformers'
// equations). Requires a python3 with torch (Debian's python3-torch; scripts/setup-e2e.sh installs
// it): a missing one fails the test with the install hint, it never skips.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../reference/hf_reference.py');
let python: string | undefined;

export function torchPython(): string {
  if (python) return python;
  const candidates = [process.env.ACEREASON_TORCH_PYTHON, '/usr/bin/python3', 'python3'].filter((x): x is string => !!x);
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return (python = c);
  }
  throw new Error(`no python3 with torch found (tried ${candidates.join(', ')}): install Debian's python3-torch (scripts/setup-e2e.sh does) or set ACEREASON_TORCH_PYTHON`);
}

export interface CheckpointSpec {
  architecture: string;
  config: Record<string, unknown>;
  dtype?: 'BF16' | 'F16' | 'F32';
  shards?: number;
  seed?: number;
  std?: number;
  generation?: Record<string, unknown>;
}

/** Writes a random checkpoint folder with the reference; returns its path. */
export function writeCheckpoint(spec: CheckpointSpec, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-ckpt-'))): string {
  const specFile = path.join(os.tmpdir(), `hf-spec-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(specFile, JSON.stringify({ ...spec, dir }));
  try {
    execFileSync(torchPython(), [SCRIPT, 'write', specFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    fs.rmSync(specFile, { force: true });
  }
  return dir;
}

export interface ReferenceScores {
  /** Per sequence: [null, log p(ids[1] | ids[0]), ...]. */
  logprobs: (number | null)[][];
  /** Per prompt: the greedy continuation. */
  greedy: number[][];
}

export function referenceScores(dir: string, input: { sequences?: number[][]; prompts?: number[][]; max_new_tokens?: number }): ReferenceScores {
  const inputFile = path.join(os.tmpdir(), `hf-input-${process.pid}-${Date.now()}.json`);
  fs.writeFileSync(inputFile, JSON.stringify(input));
  try {
    return JSON.parse(execFileSync(torchPython(), [SCRIPT, 'score', dir, inputFile], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  } finally {
    fs.rmSync(inputFile, { force: true });
  }
}

/** torch autograd gradients of -Σ weight·log p over response tokens, for the named tensors (file layout). */
export function referenceGradients(dir: string, batch: { tokens: number[]; promptLength: number; weight: number }[], names: string[]): { loss: number; grads: Record<string, number[]> } {
  const inputFile = path.join(os.tmpdir(), `hf-grad-${process.pid}-${Date.now()}.json`);
  fs.writeFileSync(inputFile, JSON.stringify({ batch, names }));
  try {
    return JSON.parse(execFileSync(torchPython(), [SCRIPT, 'grad', dir, inputFile], { encoding: 'utf8', maxBuffer: 256 << 20 }));
  } finally {
    fs.rmSync(inputFile, { recursive: true, force: true });
  }
}

/** Small Llama-like shapes; override per test. */
export function tinyConfig(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vocab_size: 512, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2,
    num_attention_heads: 4, num_key_value_heads: 2, rms_norm_eps: 1e-6, rope_theta: 10000,
    max_position_embeddings: 256, tie_word_embeddings: false, bos_token_id: 1, eos_token_id: 2, ...over,
  };
}
