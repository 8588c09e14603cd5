// `acereason train --seeds N`: the same recipe at N seeds, one ordinary run each (so the dashboard
// lists and compares them), then one report over all of them in <runs>/<group id>/seeds.{html,md}.
import path from 'node:path';
import type { StartRunRequest } from '../../core/protocol/trainer';
import { writeFileAtomic, writeJsonAtomic } from '../../core/util/atomic';
import type { RunContext } from '../context';
import { runTraining } from '../run';
import { summarizeRun } from './runSummary';
import { buildSeedsReport, type SeedRunInfo } from './seedsReport';

export interface SeedGroupOptions {
  /** The request of the first seed; runId names the group, each seed runs as `<runId>-seed<N>`. */
  request: StartRunRequest;
  seeds: number[];
  context(seed: number): RunContext;
  onRunStart?(runDir: string, seed: number): void;
}

export interface SeedGroupResult {
  outcome: 'finished' | 'stopped';
  runDirs: string[];
  html: string;
  md: string;
  summary: string[];
}

export function seedRunId(groupId: string, seed: number): string {
  return `${groupId}-seed${seed}`;
}

export async function runSeedGroup(o: SeedGroupOptions): Promise<SeedGroupResult> {
  const groupDir = path.join(o.request.runsDir, o.request.runId);
  const infos: SeedRunInfo[] = [];
  const runDirs: string[] = [];
  let outcome: 'finished' | 'stopped' = 'finished';
  for (const seed of o.seeds) {
    const runId = seedRunId(o.request.runId, seed);
    const dir = path.join(o.request.runsDir, runId);
    runDirs.push(dir);
    o.onRunStart?.(dir, seed);
    const t0 = Date.now();
    const result = await runTraining({ ...o.request, runId, seed }, o.context(seed));
    if (result === 'stopped') { outcome = 'stopped'; break; }
    infos.push({ summary: summarizeRun(dir), seed, wallSeconds: (Date.now() - t0) / 1000 });
  }
  const html = path.join(groupDir, 'seeds.html');
  const md = path.join(groupDir, 'seeds.md');
  if (infos.length === 0) return { outcome, runDirs, html, md, summary: [] };
  const report = buildSeedsReport(infos, `${infos[0].summary.recipe.name}: ${infos.length} seed${infos.length > 1 ? 's' : ''}${outcome === 'stopped' ? ' (stopped early)' : ''}`);
  writeJsonAtomic(path.join(groupDir, 'group.json'), { kind: 'seeds', runs: infos.map((i) => ({ runId: i.summary.runId, seed: i.seed, wallSeconds: i.wallSeconds })), claims: report.claims.map((c) => ({ id: c.id, claim: c.claim, held: c.held ?? null, evidence: c.evidence })) });
  writeFileAtomic(html, report.html);
  writeFileAtomic(md, report.md);
  return { outcome, runDirs, html, md, summary: report.summary };
}
