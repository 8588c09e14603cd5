// The built-in task suite: seeded train and held-out splits for math and code that never overlap.
// A problem goes to the held-out split when a hash of its text (salted by the task seed) falls in
// one bucket of eight, so the split is a property of the problem itself: no train draw can ever
// produce a held-out problem, whatever the counts. A task posing a question other tasks pose in other
// words hashes its question key instead, so every wording of it lands in the same split.
import type { CodeRecord, MathRecord, PromptRecord } from '../../core/dataset/records';
import { deriveSeed, Rng } from '../../core/rl/rng';
import { CODE_FAMILIES, MATH_FAMILIES } from './registry';
import type { BuiltinTask, TaskFamily } from './types';

export interface SplitTasks<R extends PromptRecord> {
  train: BuiltinTask<R>[];
  heldOut: BuiltinTask<R>[];
}

export interface BuiltinSuite {
  math: SplitTasks<MathRecord>;
  code: SplitTasks<CodeRecord>;
}

export interface SuiteSizes {
  taskSeed: number;
  mathTrain: number;
  mathHeldOut: number;
  codeTrain: number;
  codeHeldOut: number;
}

const HELD_OUT_BUCKETS = 8;

export function isHeldOutProblem(taskSeed: number, problem: string): boolean {
  return deriveSeed('held-out', taskSeed, problem) % HELD_OUT_BUCKETS === 0;
}

function buildSplit<R extends PromptRecord>(domain: string, families: TaskFamily[], taskSeed: number, trainCount: number, heldOutCount: number): SplitTasks<R> {
  const rng = new Rng(deriveSeed('tasks', domain, taskSeed));
  const seen = new Set<string>();
  const out: SplitTasks<R> = { train: [], heldOut: [] };
  const maxDraws = 200 * (trainCount + heldOutCount);
  // The families' problem spaces are finite: once 50,000 draws in a row bring nothing new, they are
  // exhausted (an impossible size fails in a second instead of after every one of maxDraws draws).
  const exhaustedAfter = 50_000;
  let lastNew = 0;
  for (let draw = 0; draw < maxDraws && draw - lastNew < exhaustedAfter && (out.train.length < trainCount || out.heldOut.length < heldOutCount); draw++) {
    const family = families[draw % families.length];
    const task = family.generate(rng) as BuiltinTask<R>;
    const key = task.record.problem;
    if (seen.has(key)) continue;
    seen.add(key);
    lastNew = draw;
    const heldOut = isHeldOutProblem(taskSeed, task.questionKey ?? key);
    const bucket = heldOut ? out.heldOut : out.train;
    if (bucket.length >= (heldOut ? heldOutCount : trainCount)) continue;
    task.record.id = `${task.record.source}-${family.name}-${deriveSeed('id', key).toString(36)}`;
    task.record.split = heldOut ? 'test' : 'train';
    bucket.push(task);
  }
  if (out.train.length < trainCount || out.heldOut.length < heldOutCount) {
    throw new Error(`built-in ${domain} tasks: only ${out.train.length} train / ${out.heldOut.length} held-out distinct problems exist, asked for ${trainCount} / ${heldOutCount}`);
  }
  return out;
}

export function buildBuiltinSuite(sizes: SuiteSizes): BuiltinSuite {
  return {
    math: buildSplit<MathRecord>('math', MATH_FAMILIES, sizes.taskSeed, sizes.mathTrain, sizes.mathHeldOut),
    code: buildSplit<CodeRecord>('code', CODE_FAMILIES, sizes.taskSeed, sizes.codeTrain, sizes.codeHeldOut),
  };
}
