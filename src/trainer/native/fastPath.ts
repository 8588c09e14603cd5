// The optional native fast path: the platform's BLAS for every matrix product of the wasm or cpu
// backend, and a fused Adam step. One thread per process by default: the trainer already splits a
// step over two processes (the parallel policy), and BLAS threads that spin while another tenant
// holds the core made steps slower and erratic on a busy machine. ACEREASON_BLAS_THREADS overrides.
import type * as TF from '@tensorflow/tfjs';
import { loadBlasAddon, type BlasAddon } from './blasAddon';
import { installFastCpuKernels, installNativeCpuKernels } from './cpuKernels';
import { installBlasMatMul } from './matMulKernels';
import type { BlasBackendName } from './tensorStorage';

export interface FastPath {
  /** e.g. "native BLAS libopenblas.so.0, 1 thread"; null when the backend's own kernels run. */
  readonly name: string | null;
  /** One line for logs: what runs the matrix products and, when not native, why. */
  readonly note: string;
}

let blas: BlasAddon | string | undefined;
const active = new Map<BlasBackendName, FastPath>();
let selected: BlasBackendName | undefined;

/** The fast path of the backend enabled last (the selected one), if any. */
export function nativeFastPath(): FastPath | undefined {
  return selected ? active.get(selected) : undefined;
}

/** The loaded addon when a fast path is active on the selected backend (fused Adam uses it). */
export function activeBlasAddon(): BlasAddon | undefined {
  return nativeFastPath()?.name && typeof blas === 'object' ? blas : undefined;
}

const OWN_KERNELS: Record<BlasBackendName, string> = {
  wasm: 'wasm (XNNPACK, one thread)',
  cpu: 'JavaScript (tfjs cpu kernels, one thread)',
};

/** Installs the BLAS kernels into the (already selected) backend once per process and backend. */
export function enableNativeFastPath(tf: typeof TF, backend: BlasBackendName = 'wasm'): FastPath {
  selected = backend;
  const done = active.get(backend);
  if (done) return done;
  // Not native, but part of making cpu usable for big models; they need no addon.
  if (backend === 'cpu') installFastCpuKernels(tf);
  blas ??= loadBlasAddon();
  if (typeof blas === 'string') {
    const path: FastPath = { name: null, note: `matrix products in ${OWN_KERNELS[backend]}: ${blas}` };
    active.set(backend, path);
    return path;
  }
  const threads = Math.max(1, Number.parseInt(process.env.ACEREASON_BLAS_THREADS ?? '1', 10) || 1);
  blas.setThreads(threads);
  installBlasMatMul(tf, blas, backend);
  if (backend === 'cpu') installNativeCpuKernels(tf, blas);
  const name = `native BLAS ${blas.describe().library}, ${threads} thread${threads > 1 ? 's' : ''}`;
  const path: FastPath = { name, note: `matrix products in ${name}` };
  active.set(backend, path);
  return path;
}
