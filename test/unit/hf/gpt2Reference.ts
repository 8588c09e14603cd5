// Runs test/reference/gpt2_reference.py (GPT-2 from transformers' equations in torch, safetensors
// read from its spec) with the python3 that has torch (torchReference.ts finds it, or fails saying how
// to install it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { torchPython, type ReferenceScores } from './torchReference';

const SCRIPT = path.resolve(__dirname, '../../reference/gpt2_reference.py');

function tmpJson(prefix: string, value: unknown): string {
  const file = path.join(os.tmpdir(), `${prefix}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

export interface Gpt2CheckpointSpec {
  config: Record<string, unknown>;
  dtype?: 'BF16' | 'F16' | 'F32';
  seed?: number;
  std?: number;
  /** Tensor names without 'transformer.' (GPT2Model's, as the original gpt2 files). */
  base_only?: boolean;
  /** Each layer's attn.bias / attn.masked_bias buffers. */
  buffers?: boolean;
  /** A tied checkpoint that still carries lm_head.weight. */
  lm_head?: boolean;
}

export function writeGpt2Checkpoint(spec: Gpt2CheckpointSpec, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpt2-ckpt-'))): string {
  const file = tmpJson('gpt2-spec', { ...spec, dir });
  try {
    execFileSync(torchPython(), [SCRIPT, 'write', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    fs.rmSync(file, { force: true });
  }
  return dir;
}

export function gpt2ReferenceScores(dir: string, input: { sequences?: number[][]; prompts?: number[][]; max_new_tokens?: number }): ReferenceScores {
  const file = tmpJson('gpt2-input', input);
  try {
    return JSON.parse(execFileSync(torchPython(), [SCRIPT, 'score', dir, file], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Deterministic pseudo-random ids in [lo, vocab). */
export function someIds(n: number, seed: number, vocab: number, lo = 0): number[] {
  let x = seed * 7919 + 13;
  return Array.from({ length: n }, () => lo + ((x = (x * 1103515245 + 12345) % 2147483648) % (vocab - lo)));
}

/** Largest |ours[i][j] - ref[i][j + 1]| (the reference's first entry is null). */
export function worstDifference(ours: number[][], ref: (number | null)[][]): number {
  let worst = 0;
  ours.forEach((row, i) => row.forEach((lp, j) => { worst = Math.max(worst, Math.abs(lp - (ref[i][j + 1] as number))); }));
  return worst;
}
