// The editor's heavy work in the job process vs in the extension host: the longest stall of the
// host's event loop (what freezes the editor) while a large JSON-array dataset is loaded for the
// curator. Baseline: the same load in-process. Size: ACEREASON_BENCH_MB (default 100).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCuratorDataset, readReviewEntries, type ReviewDatasetHeader } from '../src/core/curate/reviewDataset';
import { distPath } from '../src/core/util/paths';
import { startJob } from '../src/extension/jobs';

/** Runs `work` while sampling the event loop every 5 ms; returns the longest gap between samples. */
async function longestStall(work: () => Promise<unknown>): Promise<{ stallMs: number; totalMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; }, 5);
  const t0 = performance.now();
  await work();
  const totalMs = performance.now() - t0;
  clearInterval(timer);
  worst = Math.max(worst, performance.now() - last);
  return { stallMs: worst, totalMs };
}

export async function run(): Promise<void> {
  const cli = distPath('cli.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run node scripts/build.mjs`);
  const mb = Number(process.env.ACEREASON_BENCH_MB ?? 100);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'editor-jobs-'));
  const file = path.join(dir, 'big.json');
  const filler = 'Let the sequence be defined by a recurrence; find the value of the expression described. '.repeat(10);
  const rows: object[] = [];
  let bytes = 0;
  for (let i = 0; bytes < mb * 1e6; i++) {
    const row = { id: `p${i}`, source: 'bench', problem: `Problem ${i}. ${filler}`, answer: String(i) };
    bytes += JSON.stringify(row).length + 1;
    rows.push(row);
  }
  fs.writeFileSync(file, JSON.stringify(rows));
  rows.length = 0;
  console.log(`dataset: ${(fs.statSync(file).size / 1e6).toFixed(0)} MB JSON array`);
  try {
    const inHost = await longestStall(() => loadCuratorDataset(file));
    console.log(`in the extension host: longest event-loop stall ${inHost.stallMs.toFixed(0)} ms, load ${(inHost.totalMs / 1000).toFixed(1)} s`);
    const entriesFile = path.join(dir, 'entries.jsonl');
    const viaJob = await longestStall(async () => {
      const header = await startJob({ kind: 'loadReview', target: file, entriesFile }, { cliScript: cli }).result as ReviewDatasetHeader;
      return readReviewEntries(entriesFile, header);
    });
    console.log(`job process + line-by-line read: longest event-loop stall ${viaJob.stallMs.toFixed(0)} ms, load ${(viaJob.totalMs / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void run();
