// Model ops for the wasm backend when matmuls run in the platform's BLAS: every product is a plain
// tfjs matMul (transposes are free in BLAS, so no depthwise-convolution or explicit-transpose
// rewrites), while the element-wise ops keep the wasm-friendly forms (no tanh/pow; embedding as
// one-hot × table because wasm lacks the gather gradient).
import type * as TF from '@tensorflow/tfjs';
import type { ModelOps } from '../model/ops';

type Tensor2D = TF.Tensor2D;
type Tensor3D = TF.Tensor3D;

const GELU_C = Math.sqrt(2 / Math.PI);

export function blasOps(t: typeof TF, base: ModelOps): ModelOps {
  return {
    ...base,
    linear: (x, w) => t.matMul(x, w),
    batchMatMul: (a, b) => t.matMul(a, b),
    batchMatMulTransposeB: (a, b) => t.matMul(a, b, false, true),
    affine: (x, w, b) => t.fused.matMul({ a: x, b: w, bias: b }) as Tensor2D,
    embed: (ids, table) => t.tidy(() => t.matMul(t.oneHot(ids, table.shape[0]).toFloat() as Tensor2D, table)),
    gelu: (x) => t.tidy(() => x.mul(t.sigmoid(x.add(x.mul(x).mul(x).mul(0.044715)).mul(2 * GELU_C)))),
    attendOne: (q, k, v, scale) => t.tidy(() => {
      const [B, H, , hd] = q.shape;
      const scores = t.matMul(q, k, false, true).mul(scale);
      return t.matMul(t.softmax(scores), v).reshape([B, H, hd]) as Tensor3D;
    }),
  };
}
