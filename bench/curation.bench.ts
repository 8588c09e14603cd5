// Curation throughput: the full math pipeline (read, normalise, dedup, 9-gram decontamination
// against every benchmark file, exclusion rules, answer check) on deepscaler.jsonl, in prompts/s.
// Baseline, measured in the same run: decontamination by all-pairs n-gram set intersection
// (every prompt against every benchmark item) on a sample, against the indexed lookup on the same
// sample. The machine may be shared: the load average is printed with the figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCuration } from '../src/core/curate';
import { buildBenchmarkIndex, findOverlaps, findOverlapsAllPairs, loadBenchmarkItems } from '../src/core/curate/benchmarks';
import { loadDataset } from '../src/core/dataset/load';
import { matchTokens, ngrams } from '../src/core/curate/text';

function dataDir(): string {
  const shared = '/work/shared/data';
  return fs.existsSync(shared) ? shared : path.resolve(__dirname, '../../shared/data');
}

function seconds(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

export async function run(): Promise<void> {
  const data = dataDir();
  const train = path.join(data, 'math/deepscaler.jsonl');
  const benchmarks = fs.readdirSync(path.join(data, 'benchmarks')).filter((f) => f.endsWith('.jsonl')).map((f) => path.join(data, 'benchmarks', f));
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores`);

  const t0 = performance.now();
  const result = await runCuration({ domain: 'math', inputs: [train], benchmarks });
  const total = (performance.now() - t0) / 1000;
  const n = result.report.input;
  console.log(`full math pipeline: ${n} prompts vs ${result.report.benchmarks.items} benchmark items in ${total.toFixed(2)} s = ${(n / total).toFixed(0)} prompts/s (kept ${result.report.kept})`);
  for (const s of result.report.steps) console.log(`  ${s.name.padEnd(14)} ${String(s.ms).padStart(6)} ms  removed ${s.removed}`);

  // Decontamination alone: indexed vs all-pairs on the same sample.
  const { items } = await loadBenchmarkItems(benchmarks);
  const records = (await loadDataset([train], { domain: 'math' })).records;
  const sample = records.filter((_, i) => i % 10 === 0);
  let indexed = 0;
  const indexSeconds = seconds(() => {
    const index = buildBenchmarkIndex(items, 9);
    for (const r of sample) indexed += findOverlaps(index, r.problem).length > 0 ? 1 : 0;
  });
  let naive = 0;
  const naiveSeconds = seconds(() => {
    const itemNgrams = items.map((item) => ngrams(matchTokens(item.problem), 9));
    for (const r of sample) naive += findOverlapsAllPairs(items, itemNgrams, r.problem, 9).length > 0 ? 1 : 0;
  });
  const indexedRate = sample.length / indexSeconds;
  const naiveRate = sample.length / naiveSeconds;
  console.log(`decontamination on ${sample.length} prompts x ${items.length} benchmark items (index build included):`);
  console.log(`  indexed n-gram lookup   ${indexedRate.toFixed(0).padStart(8)} prompts/s  (${indexed} overlapping)`);
  console.log(`  baseline all-pairs sets ${naiveRate.toFixed(0).padStart(8)} prompts/s  (${naive} overlapping)`);
  console.log(`  ratio indexed / all-pairs = ${(indexedRate / naiveRate).toFixed(1)}x`);
}

if (require.main === module) run().catch((e) => { console.error(e); process.exitCode = 1; });
