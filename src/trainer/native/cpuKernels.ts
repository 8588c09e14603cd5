// Faster float32 kernels for tfjs' pure-JS cpu backend, the backend big models train on (its tensors
// are JS arrays, so no 4 GB wasm heap). The stock kernels compute every broadcast or transposed
// element's index with fresh JS arrays (indexToLoc/locToIndex): at Qwen2.5-0.5B's shapes one layer's
// forward and backward pass spent 31 s in Multiply, 18 s in Transpose and 12 s in SplitV against
// 7 s in the matrix products. These walk the output in order with precomputed strides instead.
// Anything else (other dtypes, non-Float32Array storage, softmax over another axis) goes to the
// original kernel, so results are those of the stock kernels up to float rounding of the same
// operations.
import type * as TF from '@tensorflow/tfjs';
import { storageOf, type KernelArgs, type TensorInfo } from './tensorStorage';

type Tf = typeof TF;
type KernelFunc = (args: KernelArgs) => TensorInfo | TensorInfo[];
const cpu = storageOf('cpu');

function stridesOf(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Visits the output of `shape` in row-major order, calling `row(outOffset, aOffset, bOffset)` once
 * per innermost row; a and b advance by their own strides (0 along broadcast dimensions).
 */
function forEachRow(shape: number[], aStrides: number[], bStrides: number[], row: (o: number, a: number, b: number) => void): void {
  const R = shape.length;
  const inner = shape[R - 1];
  const outer = shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const idx = new Array<number>(Math.max(R - 1, 0)).fill(0);
  let a = 0, b = 0;
  for (let r = 0; r < outer; r++) {
    row(r * inner, a, b);
    // Odometer step over the outer dimensions.
    for (let d = R - 2; d >= 0; d--) {
      idx[d]++;
      a += aStrides[d];
      b += bStrides[d];
      if (idx[d] < shape[d]) break;
      a -= aStrides[d] * shape[d];
      b -= bStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

type BinaryOp = 'Add' | 'Sub' | 'Multiply' | 'RealDiv';

function binary(op: BinaryOp, av: Float32Array, aShape: number[], bv: Float32Array, bShape: number[], out: Float32Array, outShape: number[]): void {
  const R = outShape.length;
  const pad = (s: number[]) => [...new Array<number>(R - s.length).fill(1), ...s];
  const ap = pad(aShape), bp = pad(bShape);
  const as = stridesOf(ap).map((s, i) => (ap[i] === 1 ? 0 : s));
  const bs = stridesOf(bp).map((s, i) => (bp[i] === 1 ? 0 : s));
  const n = R ? outShape[R - 1] : 1;
  const sa = R ? as[R - 1] : 0, sb = R ? bs[R - 1] : 0;
  const kernel = (o: number, a: number, b: number) => {
    switch (op) {
      case 'Add': for (let j = 0; j < n; j++) out[o + j] = av[a + j * sa] + bv[b + j * sb]; break;
      case 'Sub': for (let j = 0; j < n; j++) out[o + j] = av[a + j * sa] - bv[b + j * sb]; break;
      case 'Multiply': for (let j = 0; j < n; j++) out[o + j] = av[a + j * sa] * bv[b + j * sb]; break;
      case 'RealDiv': for (let j = 0; j < n; j++) out[o + j] = av[a + j * sa] / bv[b + j * sb]; break;
    }
  };
  if (R === 0) kernel(0, 0, 0);
  else forEachRow(outShape, as, bs, kernel);
}

function broadcastShape(a: number[], b: number[]): number[] | null {
  const R = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < R; i++) {
    const x = a[a.length - R + i] ?? 1, y = b[b.length - R + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** out[perm order] = x: the output is written in order, reading x with permuted strides. */
export function transposeInto(x: Float32Array, shape: number[], perm: number[], out: Float32Array): void {
  const xs = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const inStrides = perm.map((p) => xs[p]);
  if (outShape.length === 0) {
    out[0] = x[0];
    return;
  }
  const n = outShape[outShape.length - 1], s = inStrides[inStrides.length - 1];
  forEachRow(outShape, inStrides, inStrides, (o, a) => {
    for (let j = 0; j < n; j++) out[o + j] = x[a + j * s];
  });
}

function sliceInto(x: Float32Array, shape: number[], begin: number[], size: number[], out: Float32Array): void {
  const xs = stridesOf(shape);
  let start = 0;
  for (let i = 0; i < shape.length; i++) start += begin[i] * xs[i];
  if (size.length === 0) {
    out[0] = x[start];
    return;
  }
  const n = size[size.length - 1];
  forEachRow(size, xs, xs, (o, a) => out.set(x.subarray(start + a, start + a + n), o));
}

function softmaxLastAxis(x: Float32Array, n: number, out: Float32Array): void {
  for (let o = 0; o < x.length; o += n) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (x[o + j] > max) max = x[o + j];
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(x[o + j] - max);
      out[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < n; j++) out[o + j] *= inv;
  }
}

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

export interface InstalledCpuKernels {
  uninstall(): void;
}

/** Registers the kernels above on the cpu backend (replacing the stock ones, which stay as fallback). */
export function installFastCpuKernels(tf: Tf): InstalledCpuKernels {
  const originals = new Map<string, { kernelFunc: KernelFunc }>();
  const replace = (name: string, fast: (args: KernelArgs) => TensorInfo | TensorInfo[] | null) => {
    const original = tf.getKernel(name, 'cpu') as unknown as { kernelFunc: KernelFunc } | undefined;
    if (!original) return;
    originals.set(name, original);
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc: ((args: KernelArgs) => fast(args) ?? original.kernelFunc(args)) as never });
  };

  for (const op of ['Add', 'Sub', 'Multiply', 'RealDiv'] as const) {
    replace(op, ({ inputs, backend }) => {
      const { a, b } = inputs;
      if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
      const av = cpu.view(backend, a), bv = cpu.view(backend, b);
      const outShape = broadcastShape(a.shape, b.shape);
      if (!av || !bv || !outShape) return null;
      const out = cpu.allocate(backend, outShape);
      binary(op, av, a.shape, bv, b.shape, cpu.view(backend, out)!, outShape);
      return out;
    });
  }

  replace('Transpose', ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    const xv = x && cpu.view(backend, x);
    if (!x || !xv) return null;
    const perm = attrs.perm as number[];
    const out = cpu.allocate(backend, perm.map((p) => x.shape[p]));
    transposeInto(xv, x.shape, perm, cpu.view(backend, out)!);
    return out;
  });

  const slice = (backend: unknown, x: TensorInfo, xv: Float32Array, begin: number[], sz: number[]): TensorInfo => {
    const out = cpu.allocate(backend, sz);
    if (size(sz) > 0) sliceInto(xv, x.shape, begin, sz, cpu.view(backend, out)!);
    return out;
  };
  const sliceAttrs = (x: TensorInfo, begin: number | number[], sz: number | number[]) => {
    const b = (Array.isArray(begin) ? begin : [begin]).slice();
    const s = (Array.isArray(sz) ? sz : [sz]).slice();
    for (let i = 0; i < x.shape.length; i++) {
      b[i] ??= 0;
      if (s[i] === undefined || s[i] === -1) s[i] = x.shape[i] - b[i];
    }
    return { b, s };
  };
  replace('Slice', ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    const xv = x && cpu.view(backend, x);
    if (!x || !xv) return null;
    const { b, s } = sliceAttrs(x, attrs.begin as number[], attrs.size as number[]);
    return slice(backend, x, xv, b, s);
  });
  replace('SplitV', ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    const xv = x && cpu.view(backend, x);
    const splits = attrs.numOrSizeSplits;
    if (!x || !xv || !Array.isArray(splits) || splits.some((s) => s < 0)) return null;
    const axis = ((attrs.axis as number) + x.shape.length) % x.shape.length;
    const begin = new Array<number>(x.shape.length).fill(0);
    return (splits as number[]).map((s) => {
      const sz = x.shape.slice();
      sz[axis] = s;
      const out = slice(backend, x, xv, begin.slice(), sz);
      begin[axis] += s;
      return out;
    });
  });

  replace('Softmax', ({ inputs, backend, attrs }) => {
    const { logits } = inputs;
    const xv = logits && cpu.view(backend, logits);
    if (!logits || !xv || logits.shape.length === 0) return null;
    const R = logits.shape.length;
    const dim = attrs.dim as number;
    if (dim !== -1 && dim !== R - 1) return null;
    const out = cpu.allocate(backend, logits.shape);
    softmaxLastAxis(xv, logits.shape[R - 1], cpu.view(backend, out)!);
    return out;
  });

  return {
    uninstall() {
      for (const [name, original] of originals) {
        tf.unregisterKernel(name, 'cpu');
        tf.registerKernel(original as never);
      }
    },
  };
}
