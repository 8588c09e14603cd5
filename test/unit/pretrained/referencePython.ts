// Runs test/reference/peft_reference.py with a python3 that has torch (Debian's, or
// ACEREASON_TORCH_PYTHON), the independent reader our writers are checked against. Missing python or
// torch is a test failure with the fix, never a skip.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { torchPython } from '../hf/torchReference';

const SCRIPT = path.join(__dirname, '..', '..', 'reference', 'peft_reference.py');

let checked = false;
function requireTorch(): string {
  const python = torchPython();
  if (checked) return python;
  const r = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (r.status !== 0) assert.fail(`${python} cannot import torch and numpy (apt-get install python3-torch python3-numpy): ${r.stderr.trim().split('\n').pop()}`);
  checked = true;
  return python;
}

export function runReference(args: string[]): any {
  const python = requireTorch();
  const r = spawnSync(python, [SCRIPT, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const out = r.stdout.trim();
  let parsed: any;
  try {
    parsed = JSON.parse(out);
  } catch {
    assert.fail(`peft_reference.py ${args[0]} failed (exit ${r.status}): ${r.stderr.trim() || out}`);
  }
  if (parsed.error) assert.fail(`peft_reference.py ${args[0]}: ${parsed.error}`);
  assert.equal(r.status, 0, r.stderr);
  return parsed;
}

/** The float32 bit patterns of values, as the reference takes them (exact, unlike decimal text). */
export function f32Bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

export function fromBits(bits: number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bits).buffer);
}
