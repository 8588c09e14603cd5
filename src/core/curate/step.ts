// A curation step is a pure function over the surviving records that says, per item, why it
// should go (and may rewrite records, e.g. normalisation). The pipeline composes the registered
// steps, counts reasons and writes the report. A new step = one file in ./steps + one line in
// ./steps/index.ts.
import type { PromptRecord } from '../dataset/records';
import type { BenchmarkIndex, BenchmarkOverlap } from './benchmarks';
import type { CurationOptions } from './options';
import type { PassRateInfo } from './passRates';
import type { ReferenceRunner } from './referenceRunner';

export type { BenchmarkOverlap };

export interface RemovalReason {
  /** Stable key counted in report.json, e.g. "duplicate:exact", "contaminated", "multiple-choice". */
  reason: string;
  /** One human sentence, shown in the curator. */
  detail?: string;
  overlaps?: BenchmarkOverlap[];
  duplicateOf?: string;
}

export interface StepContext {
  domain: 'math' | 'code';
  options: CurationOptions;
  benchmarks?: BenchmarkIndex;
  /** Latest label per prompt id (from labels.jsonl), when a labels file was given. */
  labels?: ReadonlyMap<string, { decision: 'keep' | 'exclude' | 'flag' }>;
  passRates?: ReadonlyMap<string, PassRateInfo>;
  /** Runs reference solutions (the code sandbox), when reference checking was asked for. */
  referenceRunner?: ReferenceRunner;
  /** Reports progress within a long step (items done of total). */
  progress?: (done: number, total: number) => void;
}

export interface StepResult {
  /** Per index into the input array: the reasons to remove it. Absent = keep. */
  removed: Map<number, RemovalReason[]>;
  /** When the step rewrites records: the same length and order as its input. */
  records?: PromptRecord[];
  /** Extra figures for report.json (e.g. how many records had no date). */
  stats?: Record<string, number>;
}

export interface CurationStep {
  name: string;
  /** One line for help and the curator's legend. */
  description: string;
  domains: readonly ('math' | 'code')[];
  /** Whether the step runs for these options (e.g. decontamination needs benchmark files). */
  enabled(options: CurationOptions, ctx: Omit<StepContext, 'progress'>): boolean;
  run(records: readonly PromptRecord[], ctx: StepContext): StepResult | Promise<StepResult>;
}

export function removeWith(removed: Map<number, RemovalReason[]>, index: number, reason: RemovalReason): void {
  const list = removed.get(index);
  if (list) list.push(reason);
  else removed.set(index, [reason]);
}
