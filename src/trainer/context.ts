// What a training run gets from whoever hosts it: the forked process (talking to the extension over
// IPC) or the CLI (printing to a terminal). The run never knows which.
import type { TrainerMessage } from '../core/protocol/trainer';

export interface RunContext {
  /** Send a protocol event to the host (extension, or the CLI's terminal renderer). */
  emit(msg: TrainerMessage): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /** True once the host asked to stop: finish the current step, checkpoint, return. */
  stopRequested(): boolean;
}
