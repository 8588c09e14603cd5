// LoRA's effective weight, as PEFT's merge_and_unload computes it: W + (alpha / r) · B·A, with
// W [out, in], A [r, in], B [out, r], all row-major float32.

export function mergeLora(W: Float32Array, A: Float32Array, B: Float32Array, alpha: number, r: number): Float32Array {
  if (!Number.isInteger(r) || r < 1) throw new Error(`mergeLora: rank must be a positive integer, got ${r}`);
  if (A.length % r !== 0 || B.length % r !== 0) throw new Error(`mergeLora: A (${A.length} values) and B (${B.length}) are not [r, in] and [out, r] for r = ${r}`);
  const inF = A.length / r;
  const outF = B.length / r;
  if (W.length !== outF * inF) throw new Error(`mergeLora: W has ${W.length} values, B·A is [${outF}, ${inF}]`);
  const scale = alpha / r;
  const merged = new Float32Array(W.length);
  const row = new Float64Array(inF);
  for (let o = 0; o < outF; o++) {
    row.fill(0);
    for (let k = 0; k < r; k++) {
      const b = B[o * r + k];
      if (b === 0) continue;
      const aRow = k * inF;
      for (let i = 0; i < inF; i++) row[i] += b * A[aRow + i];
    }
    const wRow = o * inF;
    for (let i = 0; i < inF; i++) merged[wRow + i] = W[wRow + i] + scale * row[i];
  }
  return merged;
}
