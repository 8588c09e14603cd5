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
  // Equal shapes (the commonest case, e.g. SiLU's gate · up) as one flat loop, without the row walk.
  if (av.length === out.length && bv.length === out.length) {
    const n = out.length;
    switch (op) {
      case 'Add': for (let i = 0; i < n; i++) out[i] = av[i] + bv[i]; return;
      case 'Sub': for (let i = 0; i < n; i++) out[i] = av[i] - bv[i]; return;
      case 'Multiply': for (let i = 0; i < n; i++) out[i] = av[i] * bv[i]; return;
      case 'RealDiv': for (let i = 0; i < n; i++) out[i] = av[i] / bv[i]; return;
    }
  }
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
  const R = shape.length;
  if (R >= 2 && perm[R - 2] === R - 1 && perm[R - 1] === R - 2 && perm.slice(0, -2).every((p, i) => p === i)) {
    swapLastTwo(x, shape[R - 2], shape[R - 1], out);
    return;
  }
  const xs = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const inStrides = perm.map((p) => xs[p]);
  if (outShape.length === 0) {
    out[0] = x[0];
    return;
  }
  const n = outShape[outShape.length - 1], s = inStrides[inStrides.length - 1];
  forEachRow(outShape, inStrides, inStrides, s === 1
    ? (o, a) => out.set(x.subarray(a, a + n), o)
    : (o, a) => { for (let j = 0; j < n; j++) out[o + j] = x[a + j * s]; });
}

const TILE = 32;

/**
 * Matrices [rows, cols] → [cols, rows], one after another, in 32×32 tiles: walking a whole column of
 * a wide matrix touches a cache line per element (a [4864, 512] transpose took 26 ms, ~10 ns an element).
 */
function swapLastTwo(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const m = rows * cols;
  for (let base = 0; base < x.length; base += m) {
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rows);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, cols);
        for (let c = c0; c < c1; c++) {
          const o = base + c * rows;
          for (let r = r0; r < r1; r++) out[o + r] = x[base + r * cols + c];
        }
      }
    }
  }
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

/**
 * Replaces cpu kernels by faster ones that may decline (return null) and then call the kernel they
 * replaced; `installed.uninstall()` puts every replaced kernel back.
 */
function kernelOverrides(tf: Tf): { replace(name: string, fast: (args: KernelArgs) => TensorInfo | TensorInfo[] | null): void; installed: InstalledCpuKernels } {
  const originals = new Map<string, { kernelFunc: KernelFunc }>();
  return {
    replace(name, fast) {
      const original = tf.getKernel(name, 'cpu') as unknown as { kernelFunc: KernelFunc } | undefined;
      if (!original) return;
      originals.set(name, original);
      tf.unregisterKernel(name, 'cpu');
      tf.registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc: ((args: KernelArgs) => fast(args) ?? original.kernelFunc(args)) as never });
    },
    installed: {
      uninstall() {
        for (const [name, original] of originals) {
          tf.unregisterKernel(name, 'cpu');
          tf.registerKernel(original as never);
        }
      },
    },
  };
}

/** The addon's element-wise kernels (blasAddon.ts); absent from addons built before them. */
export interface NativeCpuOps {
  sigmoid?(x: Float32Array, out: Float32Array): void;
  transpose?(x: Float32Array, batch: number, rows: number, cols: number, out: Float32Array): void;
}

/**
 * The cpu backend's Sigmoid (the SiLU of every MLP: ~2 ms instead of ~60 ms for a [512, 4864] prefill
 * activation) and last-two-axes Transpose (~1 ns an element instead of ~6) in the native addon,
 * installed over installFastCpuKernels' JS versions, which stay the fallback for everything else.
 */
export function installNativeCpuKernels(tf: Tf, native: NativeCpuOps): InstalledCpuKernels {
  const { replace, installed } = kernelOverrides(tf);
  const { sigmoid, transpose } = native;
  if (sigmoid) {
    replace('Sigmoid', ({ inputs, backend }) => {
      const { x } = inputs;
      const xv = x && cpu.view(backend, x);
      if (!x || !xv) return null;
      const out = cpu.allocate(backend, x.shape);
      sigmoid.call(native, xv, cpu.view(backend, out)!);
      return out;
    });
  }
  if (transpose) {
    replace('Transpose', ({ inputs, backend, attrs }) => {
      const { x } = inputs;
      const xv = x && cpu.view(backend, x);
      const perm = attrs.perm as number[];
      const R = x ? x.shape.length : 0;
      if (!x || !xv || R < 2 || perm[R - 2] !== R - 1 || perm[R - 1] !== R - 2 || perm.slice(0, -2).some((p, i) => p !== i)) return null;
      const out = cpu.allocate(backend, perm.map((p) => x.shape[p]));
      const rows = x.shape[R - 2], cols = x.shape[R - 1];
      transpose.call(native, xv, rows * cols === 0 ? 0 : xv.length / (rows * cols), rows, cols, cpu.view(backend, out)!);
      return out;
    });
  }
  return installed;
}


/** Registers the kernels above on the cpu backend (replacing the stock ones, which stay as fallback). */
export function installFastCpuKernels(tf: Tf): InstalledCpuKernels {
  const { replace, installed } = kernelOverrides(tf);

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

  // Element-wise maps: the stock kernels call a closure per element through a generic helper
  // (~50 ns an element; a decoding step's SiLU alone took 2 ms a layer at Qwen2.5-0.5B's width).
  const unary = (name: string, f: (x: Float32Array, out: Float32Array) => void) => replace(name, ({ inputs, backend }) => {
    const { x } = inputs;
    const xv = x && cpu.view(backend, x);
    if (!x || !xv) return null;
    const out = cpu.allocate(backend, x.shape);
    f(xv, cpu.view(backend, out)!);
    return out;
  });
  unary('Sigmoid', (x, o) => { for (let i = 0; i < x.length; i++) o[i] = 1 / (1 + Math.exp(-x[i])); });
  unary('Neg', (x, o) => { for (let i = 0; i < x.length; i++) o[i] = -x[i]; });
  unary('Square', (x, o) => { for (let i = 0; i < x.length; i++) o[i] = x[i] * x[i]; });
  unary('Rsqrt', (x, o) => { for (let i = 0; i < x.length; i++) o[i] = 1 / Math.sqrt(x[i]); });
  unary('Exp', (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.exp(x[i]); });

  // Sum and mean over the last axis (RMSNorm's mean of squares, the log-softmax's sums), accumulated
  // in double precision like the stock Sum; the stock Mean first copies and divides the whole input.
  for (const name of ['Sum', 'Mean'] as const) {
    replace(name, ({ inputs, backend, attrs }) => {
      const { x } = inputs;
      const xv = x && cpu.view(backend, x);
      const R = x ? x.shape.length : 0;
      const axes = Array.isArray(attrs.axis) ? (attrs.axis as number[]) : [attrs.axis as number];
      if (!x || !xv || R === 0 || axes.length !== 1 || (axes[0] !== -1 && axes[0] !== R - 1)) return null;
      const n = x.shape[R - 1];
      const outShape = attrs.keepDims ? [...x.shape.slice(0, -1), 1] : x.shape.slice(0, -1);
      const out = cpu.allocate(backend, outShape);
      const o = cpu.view(backend, out)!;
      for (let r = 0, off = 0; off < xv.length; r++, off += n) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += xv[off + j];
        o[r] = name === 'Mean' ? sum / n : sum;
      }
      return out;
    });
  }

  // Concatenation as block copies: per index of the dimensions before the axis, each input's
  // contiguous block in turn (the stock kernel copied element by element: ~0.9 ms to append one
  // position to a decoding step's [8, 2, 90, 64] key cache).
  replace('Concat', ({ inputs, backend, attrs }) => {
    const parts = Object.values(inputs) as (TensorInfo | undefined)[];
    if (parts.length === 0 || parts.some((p) => !p || p.dtype !== 'float32')) return null;
    const xs = parts as TensorInfo[];
    const R = xs[0].shape.length;
    const axis = (((attrs.axis as number) % R) + R) % R;
    if (R === 0 || xs.some((x) => x.shape.length !== R || x.shape.some((d, i) => i !== axis && d !== xs[0].shape[i]))) return null;
    const views = xs.map((x) => cpu.view(backend, x));
    if (views.some((v) => !v)) return null;
    const outShape = xs[0].shape.slice();
    outShape[axis] = xs.reduce((a, x) => a + x.shape[axis], 0);
    const out = cpu.allocate(backend, outShape);
    const o = cpu.view(backend, out)!;
    const outer = size(outShape.slice(0, axis));
    const blocks = xs.map((x) => size(x.shape.slice(axis)));
    let at = 0;
    for (let i = 0; i < outer; i++) {
      for (let p = 0; p < xs.length; p++) {
        const n = blocks[p];
        o.set(views[p]!.subarray(i * n, i * n + n), at);
        at += n;
      }
    }
    return out;
  });

  // Rows of a float32 table by int32 ids (the embedding lookup): the stock kernel walks every output
  // element with index arithmetic.
  replace('GatherV2', ({ inputs, backend, attrs }) => {
    const { x, indices } = inputs;
    const xv = x && cpu.view(backend, x);
    if (!x || !xv || !indices || indices.dtype !== 'int32' || x.shape.length < 1 || (attrs.axis as number) !== 0 || (attrs.batchDims ?? 0) !== 0) return null;
    const ids = (backend as { data: { get(id: object): { values: unknown } | undefined } }).data.get(indices.dataId)?.values;
    if (!(ids instanceof Int32Array)) return null;
    const rows = x.shape[0];
    const row = size(x.shape.slice(1));
    for (const id of ids) if (!(id >= 0 && id < rows)) return null; // the stock kernel names the bad index
    const out = cpu.allocate(backend, [...indices.shape, ...x.shape.slice(1)]);
    const o = cpu.view(backend, out)!;
    for (let i = 0; i < ids.length; i++) o.set(xv.subarray(ids[i] * row, ids[i] * row + row), i * row);
    return out;
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

  return installed;
}
