// Watching a verl run with the dashboard: follow its file-logger JSONL and rollout dumps (local
// paths, or the output of user-configured commands such as `ssh head tail -n +1 -F …`) and mirror
// them into a run-shaped folder (metrics.jsonl as-is, samples.jsonl as SampleRecords, status.json).
// The dashboard then follows that folder like any run of ours: same charts, samples pane, and
// inline exclusion (labels keyed by the prompt id our compute_score.py puts in the dumps, which the
// next stage's `acereason export verl` honours).
import fs from 'node:fs';
import path from 'node:path';
import { appendJsonLine, writeJsonAtomic } from '../util/atomic';
import { followCommand, followFile, followRolloutDir, type Follower } from './follow';
import { sampleFromRollout } from './rollouts';

export type WatchInput = { file: string } | { dir: string } | { command: string };

export interface VerlWatchOptions {
  name: string;
  metrics: WatchInput;
  rollouts?: WatchInput;
  /** Folder that receives <name>/ (the mirror is a cache: it is rebuilt on every start). */
  mirrorRoot: string;
  /** Samples mirrored per rollout step (a dump holds batch × n rows). Default 16. */
  samplesPerStep?: number;
  log?: (line: string) => void;
}

export interface VerlWatch {
  dir: string;
  runId: string;
  stop(): void;
}

export function startVerlWatch(opts: VerlWatchOptions): VerlWatch {
  const runId = opts.name.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 150) || 'verl';
  const dir = path.join(opts.mirrorRoot, runId);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const describe = (w: WatchInput) => ('file' in w ? w.file : 'dir' in w ? w.dir : `$ ${w.command}`);
  writeJsonAtomic(path.join(dir, 'config.json'), { source: 'verl', metrics: describe(opts.metrics), rollouts: opts.rollouts ? describe(opts.rollouts) : null });
  // One verl launch = one stage of the recipe: it starts at the run's first step.
  const stages = [{ name: opts.name, startStep: 0 }];
  // The pid is the follower's (this process): the mirror is "running" while it is followed.
  writeJsonAtomic(path.join(dir, 'status.json'), { status: 'running', detail: 'following a verl run', time: new Date().toISOString(), stages, pid: process.pid });
  const metricsFile = path.join(dir, 'metrics.jsonl');
  const samplesFile = path.join(dir, 'samples.jsonl');
  fs.writeFileSync(metricsFile, '');
  fs.writeFileSync(samplesFile, '');
  const perStep = new Map<number, number>();
  const limit = opts.samplesPerStep ?? 16;
  const followers: Follower[] = [];
  const bad = (what: string) => (text: string, error: string) => opts.log?.(`[verl watch] skipped a ${what} line (${error}): ${text}`);
  const ended = (what: string) => (error?: string) => opts.log?.(`[verl watch] ${what} stopped: ${error ?? 'ended'}`);

  const onMetric = (v: unknown) => {
    const o = v as { step?: unknown; data?: unknown };
    if (!o || typeof o !== 'object' || !Number.isInteger(o.step) || !o.data || typeof o.data !== 'object') return;
    appendJsonLine(metricsFile, { step: o.step, data: o.data });
  };
  const onRollout = (v: unknown) => {
    const s = sampleFromRollout(v, { stage: opts.name });
    if (!s) return;
    const n = perStep.get(s.step) ?? 0;
    if (n >= limit) return;
    perStep.set(s.step, n + 1);
    appendJsonLine(samplesFile, s);
  };

  const follow = (input: WatchInput, onLine: (v: unknown) => void, what: string): Follower => {
    if ('command' in input) return followCommand(input.command, { line: onLine, bad: bad(what), end: ended(what) });
    if ('dir' in input) return followRolloutDir(input.dir, { line: onLine, bad: bad(what) });
    return followFile(input.file, { line: onLine, bad: bad(what) });
  };
  followers.push(follow(opts.metrics, onMetric, 'metrics'));
  if (opts.rollouts) followers.push(follow(opts.rollouts, onRollout, 'rollouts'));
  return {
    dir, runId,
    stop: () => {
      for (const f of followers) f.stop();
      writeJsonAtomic(path.join(dir, 'status.json'), { status: 'stopped', detail: 'no longer following', time: new Date().toISOString(), stages });
    },
  };
}
