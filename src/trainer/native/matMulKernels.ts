// Replaces a backend's BatchMatMul and _FusedMatMul kernels with calls into the platform's BLAS on
// the tensors' own storage (no copies): views of the wasm heap, or the cpu backend's Float32Arrays.
// tfjs routes every matMul, its gradients and the fused affine op through these two kernels, so
// models need no change. Shapes the BLAS path does not cover (partial batch broadcasting,
// non-float32, exotic fused activations) go to the original kernel.
import type * as TF from '@tensorflow/tfjs';
import type { BlasAddon } from './blasAddon';
import { storageOf, type BlasBackendName, type KernelArgs, type TensorInfo } from './tensorStorage';

type Tf = typeof TF;
type KernelFunc = (args: KernelArgs) => TensorInfo;

interface Product { outShape: number[]; batchA: number; batchB: number; m: number; n: number; k: number }

function size(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** The BLAS view of a tfjs matMul, or null where the BLAS path does not apply. */
export function planProduct(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): Product | null {
  if (aShape.length < 2 || bShape.length < 2) return null;
  const ra = aShape.length, rb = bShape.length;
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const k = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const kb = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (k !== kb) return null;
  const outerA = aShape.slice(0, -2), outerB = bShape.slice(0, -2);
  const batchA = size(outerA), batchB = size(outerB);
  // The same batch dims, or one side's batch of 1 broadcast against the other's (no higher rank).
  const same = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  const outer = same || (batchB === 1 && outerA.length >= outerB.length) ? outerA
    : batchA === 1 && outerB.length >= outerA.length ? outerB : null;
  if (!outer) return null;
  return { outShape: [...outer, m, n], batchA, batchB, m, n, k };
}

const FUSED_ACTIVATIONS = new Set(['linear', 'relu']);

export interface InstalledKernels {
  /** Restores the wasm kernels (tests compare both paths in one process). */
  uninstall(): void;
}

export function installBlasMatMul(tf: Tf, blas: BlasAddon, backendName: BlasBackendName = 'wasm'): InstalledKernels {
  const original = {
    BatchMatMul: tf.getKernel('BatchMatMul', backendName) as unknown as { kernelFunc: KernelFunc; setupFunc?: unknown; disposeFunc?: unknown },
    _FusedMatMul: tf.getKernel('_FusedMatMul', backendName) as unknown as { kernelFunc: KernelFunc; setupFunc?: unknown; disposeFunc?: unknown },
  };
  if (!original.BatchMatMul || !original._FusedMatMul) throw new Error(`the ${backendName} backend has no BatchMatMul/_FusedMatMul kernel to replace`);
  const storage = storageOf(backendName);

  function product(args: KernelArgs): TensorInfo | null {
    const { a, b } = args.inputs;
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
    const transposeA = Boolean(args.attrs.transposeA), transposeB = Boolean(args.attrs.transposeB);
    const plan = planProduct(a.shape, b.shape, transposeA, transposeB);
    if (!plan) return null;
    const va = storage.view(args.backend, a), vb = storage.view(args.backend, b);
    if (!va || !vb) return null;
    const out = storage.allocate(args.backend, plan.outShape);
    // Views are taken again after allocating: growing the wasm memory detaches earlier views.
    blas.sgemmBatched(storage.view(args.backend, a)!, storage.view(args.backend, b)!, storage.view(args.backend, out)!,
      plan.batchA, plan.batchB, plan.m, plan.n, plan.k, transposeA, transposeB);
    return out;
  }

  const batchMatMul: KernelFunc = (args) => product(args) ?? original.BatchMatMul.kernelFunc(args);

  const fusedMatMul: KernelFunc = (args) => {
    const { bias, preluActivationWeights } = args.inputs;
    const activation = String(args.attrs.activation ?? 'linear');
    const n = args.inputs.b ? (args.attrs.transposeB ? args.inputs.b.shape[args.inputs.b.shape.length - 2] : args.inputs.b.shape[args.inputs.b.shape.length - 1]) : -1;
    const simpleBias = !bias || (bias.dtype === 'float32' && size(bias.shape) === n && bias.shape.length <= 1);
    if (preluActivationWeights || !FUSED_ACTIVATIONS.has(activation) || !simpleBias) return original._FusedMatMul.kernelFunc(args);
    const out = product(args);
    if (!out) return original._FusedMatMul.kernelFunc(args);
    if (bias || activation === 'relu') {
      const o = storage.view(args.backend, out)!;
      const bv = bias ? storage.view(args.backend, bias) : null;
      if (bias && !bv) {
        storage.dispose(args.backend, out);
        return original._FusedMatMul.kernelFunc(args);
      }
      for (let i = 0; i < o.length; i += n) {
        for (let j = 0; j < n; j++) {
          let v = o[i + j] + (bv ? bv[j] : 0);
          if (activation === 'relu' && v < 0) v = 0;
          o[i + j] = v;
        }
      }
    }
    return out;
  };

  const replace = (name: 'BatchMatMul' | '_FusedMatMul', kernelFunc: KernelFunc) => {
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: kernelFunc as never });
  };
  replace('BatchMatMul', batchMatMul);
  replace('_FusedMatMul', fusedMatMul);
  return {
    uninstall() {
      for (const name of ['BatchMatMul', '_FusedMatMul'] as const) {
        tf.unregisterKernel(name, backendName);
        tf.registerKernel(original[name] as never);
      }
    },
  };
}
