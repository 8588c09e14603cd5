// A run on disk is the source of truth; the UI only renders it (see DESIGN.md).
//   <workspace>/.acereason/labels.jsonl
//   <workspace>/.acereason/runs/<run-id>/{config.json,metrics.jsonl,sft-metrics.jsonl,samples.jsonl,events.log,status.json,
//                                          checkpoints/<step>/,solutions/}
import path from 'node:path';

export const ACEREASON_DIR = '.acereason';

export function acereasonDir(workspace: string): string {
  return path.join(workspace, ACEREASON_DIR);
}
export function labelsFile(workspace: string): string {
  return path.join(acereasonDir(workspace), 'labels.jsonl');
}
export function defaultRunsDir(workspace: string): string {
  return path.join(acereasonDir(workspace), 'runs');
}

export interface RunPaths {
  dir: string;
  config: string;
  metrics: string;
  /** The SFT warm-up's metrics (verl file-logger shape; `step` counts SFT steps, keys `sft/*`). */
  sftMetrics: string;
  samples: string;
  events: string;
  status: string;
  checkpoints: string;
  reportHtml: string;
  reportMd: string;
  /** Sampled responses the user opened from the dashboard, as files (`solutions/step-…`). */
  solutions: string;
}

export function runPaths(runsDir: string, runId: string): RunPaths {
  const dir = path.join(runsDir, runId);
  return {
    dir,
    config: path.join(dir, 'config.json'),
    metrics: path.join(dir, 'metrics.jsonl'),
    sftMetrics: path.join(dir, 'sft-metrics.jsonl'),
    samples: path.join(dir, 'samples.jsonl'),
    events: path.join(dir, 'events.log'),
    status: path.join(dir, 'status.json'),
    checkpoints: path.join(dir, 'checkpoints'),
    reportHtml: path.join(dir, 'report.html'),
    reportMd: path.join(dir, 'report.md'),
    solutions: path.join(dir, 'solutions'),
  };
}

/** A sortable, filesystem-safe run id: 20261122-031500-math-ab12. */
export function newRunId(kind: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${kind.replace(/[^A-Za-z0-9_-]/g, '')}-${Math.random().toString(36).slice(2, 6)}`;
}
