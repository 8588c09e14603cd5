// Where a tfjs tensor's float32 values live, per backend, so native kernels can work on them in
// place: the wasm backend keeps them in its heap (4 GB at most), the cpu backend in one JS
// Float32Array per tensor (no cap beyond the machine's memory). Kernel code sees only this interface.
export type BlasBackendName = 'wasm' | 'cpu';

export interface TensorInfo { dataId: object; shape: number[]; dtype: string }
export type KernelArgs = { inputs: Record<string, TensorInfo | undefined>; backend: unknown; attrs: Record<string, unknown> };

export interface TensorStorage {
  /** The tensor's values (no copy), or null when they are not a plain Float32Array. */
  view(backend: unknown, t: TensorInfo): Float32Array | null;
  /** A new float32 tensor of `shape` owned by the backend (contents unspecified). */
  allocate(backend: unknown, shape: number[]): TensorInfo;
  dispose(backend: unknown, t: TensorInfo): void;
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

interface CpuBackend {
  data: { get(dataId: object): { values: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo;
  disposeIntermediateTensorInfo(t: TensorInfo): void;
}

const wasm: TensorStorage = {
  view: (backend, t) => (t.dtype === 'float32' ? (backend as WasmBackend).typedArrayFromHeap(t) : null),
  allocate: (backend, shape) => (backend as WasmBackend).makeOutput(shape, 'float32'),
  dispose: (backend, t) => void (backend as WasmBackend).disposeData(t.dataId),
};

const cpu: TensorStorage = {
  view: (backend, t) => {
    const values = t.dtype === 'float32' ? (backend as CpuBackend).data.get(t.dataId)?.values : undefined;
    return values instanceof Float32Array ? values : null;
  },
  allocate: (backend, shape) => (backend as CpuBackend).makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((p, d) => p * d, 1))),
  dispose: (backend, t) => (backend as CpuBackend).disposeIntermediateTensorInfo(t),
};

export function storageOf(backend: BlasBackendName): TensorStorage {
  return backend === 'wasm' ? wasm : cpu;
}
