// Entry point of a training run (replaced by the full recipe loop in the trainer issue).
import fs from 'node:fs';
import type { StartRunRequest } from '../core/protocol/trainer';
import { runPaths } from '../core/runs/layout';
import { writeJsonAtomic } from '../core/util/atomic';
import type { RunContext } from './context';

export async function runTraining(req: StartRunRequest, ctx: RunContext): Promise<'finished' | 'stopped'> {
  const paths = runPaths(req.runsDir, req.runId);
  fs.mkdirSync(paths.dir, { recursive: true });
  writeJsonAtomic(paths.config, { recipe: req.recipe, phase: req.phase, seed: req.seed ?? 0 });
  ctx.emit({ type: 'status', runId: req.runId, status: 'running' });
  ctx.log('info', `run ${req.runId} started in ${paths.dir}`);
  while (!ctx.stopRequested()) await new Promise((r) => setTimeout(r, 100));
  return 'stopped';
}
