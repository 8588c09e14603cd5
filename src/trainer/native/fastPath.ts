// The optional native fast path of the wasm backend: the platform's BLAS for every matrix product.
// One thread per process by default: the trainer already splits a step over two processes (the
// parallel policy), and BLAS threads that spin while another tenant holds the core made steps
// slower and erratic on a busy machine. ACEREASON_BLAS_THREADS overrides.
import type * as TF from '@tensorflow/tfjs';
import { loadBlasAddon } from './blasAddon';
import { installBlasMatMul } from './matMulKernels';

export interface FastPath {
  /** e.g. "native BLAS libopenblas.so.0, 1 thread"; null when the wasm kernels run. */
  readonly name: string | null;
  /** One line for logs: what runs the matrix products and, when not native, why. */
  readonly note: string;
}

let active: FastPath | undefined;

export function nativeFastPath(): FastPath | undefined {
  return active;
}

/** Installs the BLAS kernels into the (already selected) wasm backend once per process. */
export function enableNativeFastPath(tf: typeof TF): FastPath {
  if (active) return active;
  const blas = loadBlasAddon();
  if (typeof blas === 'string') {
    active = { name: null, note: `matrix products in wasm (XNNPACK, one thread): ${blas}` };
    return active;
  }
  const threads = Math.max(1, Number.parseInt(process.env.ACEREASON_BLAS_THREADS ?? '1', 10) || 1);
  blas.setThreads(threads);
  installBlasMatMul(tf, blas);
  const name = `native BLAS ${blas.describe().library}, ${threads} thread${threads > 1 ? 's' : ''}`;
  active = { name, note: `matrix products in ${name}` };
  return active;
}
