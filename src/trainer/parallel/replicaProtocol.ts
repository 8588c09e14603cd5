// Messages between the ParallelPolicy (main thread) and its replica (a worker thread). Both sides are
// our own code in one build, so these are plain types; weights and gradients travel as transferred
// Float32Arrays (no copies, no JSON).
import type { BackendName } from '../../core/protocol/trainer';
import type { GradientResult, PolicyConfig, SampleResult, TrainSequence } from '../model/policy';
import type { StreamedSampleOptions, TransformerPolicyOptions } from '../model/transformerPolicy';

export type ReplicaRequest =
  | { id: number; kind: 'init'; backend: BackendName; config: PolicyConfig; weights: Float32Array[]; options: Omit<TransformerPolicyOptions, 'ops'> }
  | { id: number; kind: 'setWeights'; weights: Float32Array[] }
  | { id: number; kind: 'sample'; prompts: number[][]; options: StreamedSampleOptions }
  | { id: number; kind: 'gradients'; batch: TrainSequence[] }
  | { id: number; kind: 'logProbs'; batch: TrainSequence[] };

export type ReplicaResult = { kind: 'init'; backend: string } | { kind: 'setWeights' } | { kind: 'sample'; result: SampleResult } | { kind: 'gradients'; result: GradientResult } | { kind: 'logProbs'; result: number[][] };

export type ReplicaResponse = { id: number; ok: true; result: ReplicaResult } | { id: number; ok: false; error: string };
