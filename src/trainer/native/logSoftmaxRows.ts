// log-softmax of vocabulary-sized logit rows picked at the targets, and its gradient, in one native
// pass per row (native/blas_addon.c logSoftmaxRows) instead of ~ten element-wise tensor ops over the
// chunk: at a 152K vocabulary those ops were most of a training step on the cpu backend.
import type * as TF from '@tensorflow/tfjs';
import { activeBlasAddon } from './fastPath';
import { storageOf, type BlasBackendName, type TensorInfo } from './tensorStorage';

function logitsView(tf: typeof TF, logits: TF.Tensor2D): Float32Array | null {
  const name = tf.getBackend();
  if (!activeBlasAddon() || (name !== 'wasm' && name !== 'cpu')) return null;
  return storageOf(name as BlasBackendName).view(tf.backend(), logits as unknown as TensorInfo);
}

/** picked[r] = log softmax(logits[r])[targets[r]] and lse[r]; null when the native path is not active. */
export function nativeLogSoftmaxPick(tf: typeof TF, logits: TF.Tensor2D, targets: Int32Array): { picked: TF.Tensor1D; lse: TF.Tensor1D } | null {
  const x = logitsView(tf, logits);
  if (!x) return null;
  const rows = logits.shape[0];
  const picked = new Float32Array(rows), lse = new Float32Array(rows);
  activeBlasAddon()!.logSoftmaxRows(x, logits.shape[1], targets, picked, lse);
  return { picked: tf.tensor1d(picked), lse: tf.tensor1d(lse) };
}

/** d picked / d logits scaled by grad per row: grad · (onehot(target) − softmax); null when not native. */
export function nativeLogSoftmaxPickGrad(tf: typeof TF, logits: TF.Tensor2D, targets: Int32Array, grad: Float32Array): TF.Tensor2D | null {
  const x = logitsView(tf, logits);
  if (!x) return null;
  const [rows, vocab] = logits.shape;
  const d = new Float32Array(rows * vocab);
  activeBlasAddon()!.logSoftmaxRows(x, vocab, targets, new Float32Array(rows), new Float32Array(rows), grad, d);
  return tf.tensor2d(d, [rows, vocab]);
}
